// Stacks the last k observations of each env (Gymnasium's FrameStackObservation): observations
// become (k, *shape), oldest first. After a reset the stack is filled with the first observation
// (Gymnasium's padding_type="reset").
#pragma once

#include <memory>
#include <vector>

#include "envs/wrappers/wrapper.hpp"

namespace rl::envs {

class FrameStack final : public VecEnvWrapper {
 public:
  FrameStack(std::unique_ptr<VecEnv> inner, int frames);

  const Batch& reset(std::optional<std::uint64_t> seed) override;
  const Batch& reset_done() override;
  const Batch& step(std::span<const std::int32_t> actions) override;
  const Batch& step(std::span<const float> actions) override;
  const Batch& last() const override { return view_; }
  std::vector<std::uint64_t> snapshot() const override;
  void restore(std::span<const std::uint64_t> snapshot) override;

 private:
  /// Fills env i's stack with its current observation.
  void fill(std::int64_t i, std::span<const float> observation);
  const Batch& stacked(const Batch& inner, bool after_reset);

  int frames_;
  std::int64_t frame_size_;
  std::vector<std::uint8_t> pending_reset_;  // AutoReset::kDisabled: finished, stack not refilled
  BatchBuffers out_;
  Batch view_;
};

}  // namespace rl::envs
