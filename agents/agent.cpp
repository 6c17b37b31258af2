#include "agents/agent.hpp"

#include <cmath>

namespace rl::agents {

TrainingDiverged::TrainingDiverged(const char* agent, std::int64_t step, double loss)
    : Error(message(agent, ": the loss became ", loss, " at step ", step,
                    "; training diverged (lower the learning rate, clip gradients or normalise "
                    "observations and rewards)")),
      step_(step),
      what_happened_(message(agent, ": the loss became ", loss, " at step ", step)) {}

void check_loss(double loss, const char* agent, std::int64_t step) {
  if (!std::isfinite(loss)) [[unlikely]] {
    throw TrainingDiverged(agent, step, loss);
  }
}

void Actions::resize_for(const envs::Space& space, std::int64_t num_envs) {
  const std::int64_t width = envs::flat_size(space);
  if (envs::is_discrete(space)) {
    discrete.resize(static_cast<size_t>(num_envs * width));
    continuous.clear();
  } else {
    continuous.resize(static_cast<size_t>(num_envs * width));
    discrete.clear();
  }
}

const envs::Batch& Actions::step(envs::VecEnv& env) const {
  if (!discrete.empty()) {
    return env.step(discrete);
  }
  return env.step(continuous);
}

}  // namespace rl::agents
