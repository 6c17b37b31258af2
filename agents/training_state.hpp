// Saving and loading the pieces agents share into a training checkpoint (nn::StateDict): random
// generators, optimisers, running statistics and replay storage.
#pragma once

#include <string>

#include "agents/n_step.hpp"
#include "agents/prioritized_replay.hpp"
#include "agents/replay_buffer.hpp"
#include "envs/wrappers/running_mean_std.hpp"
#include "nn/optim/optimizer.hpp"
#include "nn/random.hpp"
#include "nn/state_dict.hpp"

namespace rl::agents {

void save_rng(nn::StateDict& state, const std::string& name, const nn::Rng& rng);
void load_rng(const nn::StateDict& state, const std::string& name, nn::Rng& rng);

void save_optimizer(nn::StateDict& state, const std::string& prefix,
                    const nn::Optimizer& optimizer);
void load_optimizer(const nn::StateDict& state, const std::string& prefix,
                    nn::Optimizer& optimizer);

void save_statistics(nn::StateDict& state, const std::string& prefix,
                     const envs::RunningMeanStd& stats);
void load_statistics(const nn::StateDict& state, const std::string& prefix,
                     envs::RunningMeanStd& stats);

}  // namespace rl::agents
