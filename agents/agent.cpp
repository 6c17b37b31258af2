#include "agents/agent.hpp"

namespace rl::agents {

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
