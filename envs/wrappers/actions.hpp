// Action wrappers for Box action spaces, as Gymnasium's ClipAction and RescaleAction.
#pragma once

#include <memory>
#include <vector>

#include "envs/wrappers/wrapper.hpp"

namespace rl::envs {

/// Clips every action to the env's Box bounds before stepping; the action space becomes
/// unbounded, since any finite action is accepted.
class ClipAction final : public VecEnvWrapper {
 public:
  explicit ClipAction(std::unique_ptr<VecEnv> inner);

  const Batch& reset(std::optional<std::uint64_t> seed) override { return inner_->reset(seed); }
  const Batch& reset_done() override { return inner_->reset_done(); }
  const Batch& step(std::span<const std::int32_t> actions) override;
  const Batch& step(std::span<const float> actions) override;
  const Batch& last() const override { return inner_->last(); }

 private:
  Box bounds_;
  std::vector<float> clipped_;
};

/// Maps actions from [min_action, max_action] affinely onto the env's Box bounds, so a policy can
/// act in [-1, 1] whatever the env's torque or force range.
class RescaleAction final : public VecEnvWrapper {
 public:
  RescaleAction(std::unique_ptr<VecEnv> inner, float min_action = -1.0f, float max_action = 1.0f);

  const Batch& reset(std::optional<std::uint64_t> seed) override { return inner_->reset(seed); }
  const Batch& reset_done() override { return inner_->reset_done(); }
  const Batch& step(std::span<const std::int32_t> actions) override;
  const Batch& step(std::span<const float> actions) override;
  const Batch& last() const override { return inner_->last(); }

 private:
  Box bounds_;
  float min_action_;
  float max_action_;
  std::vector<float> rescaled_;
};

}  // namespace rl::envs
