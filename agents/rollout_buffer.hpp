// On-policy storage for T steps of N envs, time-major and preallocated (CleanRL's ppo.py
// tensors): what PPO, A2C and REINFORCE learn from.
#pragma once

#include <cstdint>
#include <vector>

#include "nn/tensor.hpp"

namespace rl::agents {

struct RolloutBuffer {
  std::int64_t steps = 0;  ///< T
  std::int64_t num_envs = 0;  ///< N
  nn::Matrix observations;  ///< (T*N, obs): the observation each step acted on
  nn::Matrix next_observations;  ///< (T*N, obs): the one it led to (the final one at an end)
  std::vector<std::int32_t> discrete_actions;  ///< T*N, for Discrete action spaces
  nn::Matrix continuous_actions;  ///< (T*N, act), for Box action spaces
  std::vector<float> log_probs;  ///< log pi(a|s) when acting
  std::vector<float> rewards;
  std::vector<std::uint8_t> terminated;
  std::vector<std::uint8_t> truncated;
  std::vector<float> values;  ///< V(observation)
  std::vector<float> next_values;  ///< V(next observation)
  std::vector<float> advantages;
  std::vector<float> returns;  ///< advantages + values

  void allocate(std::int64_t t, std::int64_t n, nn::Index observation_size, nn::Index action_size,
                bool discrete);
  std::int64_t size() const { return steps * num_envs; }
  /// Row of step t, env i.
  std::int64_t row(std::int64_t t, std::int64_t i) const { return t * num_envs + i; }
};

}  // namespace rl::agents
