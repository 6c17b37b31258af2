// A tuned starting point for an (agent, environment) pair: the hyperparameters, how many envs to
// train with and the step budget they were tuned for (RL Zoo's hyperparams files are the model).
#pragma once

#include <cstdint>

namespace rl::agents {

template <class Config>
struct Preset {
  Config config;
  std::int64_t num_envs = 1;  ///< copies of the environment to train with
  std::int64_t steps = 0;  ///< the training budget the values were tuned for
};

}  // namespace rl::agents
