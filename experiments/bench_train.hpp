// `rl bench train`: wall-clock time of whole training runs against the peers users would run
// instead, measured in the same run (../shared/peers: CleanRL's PPO and DQN in PyTorch) or against
// the published RLtools figures for this machine kind.
#pragma once

#include "experiments/command.hpp"

namespace rl::experiments {

int run_bench_train(Args args);

}  // namespace rl::experiments
