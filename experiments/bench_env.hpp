// `rl bench env`: environment steps per second through the batched API, with actions drawn
// before the timed region, optionally beside the numpy CartPole peer run in the same process
// tree (../shared/peers/cartpole_np.py).
#pragma once

#include "experiments/command.hpp"

namespace rl::experiments {

int run_bench_env(Args args);

}  // namespace rl::experiments
