#include "envs/env.hpp"

#include "envs/registry.hpp"

namespace rl::envs {

namespace {
EnvOptions single(EnvOptions options) {
  options.num_envs = 1;
  options.threads = 1;
  options.autoreset = AutoReset::kDisabled;
  return options;
}
}  // namespace

Env::Env(std::string_view id, EnvOptions options) : env_(make(id, single(std::move(options)))) {}

std::span<const float> Env::reset(std::optional<std::uint64_t> seed) {
  return env_->reset(seed).observation(0);
}

Env::StepResult Env::result(const Batch& batch) const {
  return {batch.observation(0), batch.rewards_exact[0], batch.terminated[0] != 0,
          batch.truncated[0] != 0};
}

Env::StepResult Env::step(std::int32_t action) {
  return result(env_->step(std::span<const std::int32_t>(&action, 1)));
}

Env::StepResult Env::step(std::span<const float> action) {
  return result(env_->step(action));
}

}  // namespace rl::envs
