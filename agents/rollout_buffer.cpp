#include "agents/rollout_buffer.hpp"

namespace rl::agents {

void RolloutBuffer::allocate(std::int64_t t, std::int64_t n, nn::Index observation_size,
                             nn::Index action_size, bool discrete) {
  steps = t;
  num_envs = n;
  const nn::Index rows = t * n;
  const auto size = static_cast<size_t>(rows);
  observations.setZero(rows, observation_size);
  next_observations.setZero(rows, observation_size);
  if (discrete) {
    discrete_actions.assign(size, 0);
    continuous_actions.resize(0, 0);
  } else {
    continuous_actions.setZero(rows, action_size);
    discrete_actions.clear();
  }
  log_probs.assign(size, 0.0f);
  rewards.assign(size, 0.0f);
  terminated.assign(size, 0);
  truncated.assign(size, 0);
  values.assign(size, 0.0f);
  next_values.assign(size, 0.0f);
  advantages.assign(size, 0.0f);
  returns.assign(size, 0.0f);
}

}  // namespace rl::agents
