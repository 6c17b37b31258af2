// `rl bench nn`: one forward + backward + Adam step of the reference network shapes, single
// thread, optionally beside PyTorch (../shared/peers/mlp_torch_bench.py) run in the same process
// tree so both see the same machine state.
#pragma once

#include "experiments/command.hpp"

namespace rl::experiments {

int run_bench_nn(Args args);

}  // namespace rl::experiments
