// Gymnasium's single-environment API over the same adapter: one copy, no autoreset, and a step
// after the episode ended is an error until reset() (Gymnasium only warns).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "envs/options.hpp"
#include "envs/vec_env.hpp"

namespace rl::envs {

class Env {
 public:
  /// make(id, options) with one env and AutoReset::kDisabled.
  explicit Env(std::string_view id, EnvOptions options = {});

  struct StepResult {
    std::span<const float> observation;
    double reward = 0;  ///< as the environment computed it (float64, like Gymnasium's)
    bool terminated = false;
    bool truncated = false;
  };

  const EnvSpec& spec() const { return env_->spec(); }
  /// With a seed, reseeds the env (Gymnasium's reset(seed=...)); without, continues its stream.
  std::span<const float> reset(std::optional<std::uint64_t> seed = std::nullopt);
  StepResult step(std::int32_t action);
  StepResult step(std::span<const float> action);
  std::span<const float> observation() const { return env_->last().observation(0); }

  /// The underlying one-env VecEnv: state access and drawing.
  VecEnv& vec() { return *env_; }
  const VecEnv& vec() const { return *env_; }

 private:
  StepResult result(const Batch& batch) const;
  std::unique_ptr<VecEnv> env_;
};

}  // namespace rl::envs
