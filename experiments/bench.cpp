// `rl bench <what>`: speed measurements, each printed beside a peer measured in the same run.
#include <iostream>
#include <string>

#include "experiments/bench_env.hpp"
#include "experiments/bench_nn.hpp"
#include "experiments/bench_train.hpp"
#include "experiments/command.hpp"

namespace rl::experiments {

int run_bench(Args args) {
  constexpr const char* kTargets[] = {"nn", "env", "train"};
  if (args.size() < 2 || std::string(args[1]) == "--help" || std::string(args[1]) == "-h") {
    std::cout
        << "usage: rl bench <what> [options]\n\n"
           "  nn    time one forward + backward + Adam step for the reference network shapes\n"
           "  env   environment steps per second through the batched API\n";
    return args.size() < 2 ? 2 : 0;
  }
  const std::string what = args[1];
  if (what == "nn") {
    return run_bench_nn(args.subspan(1));
  }
  if (what == "env") {
    return run_bench_env(args.subspan(1));
  }
  if (what == "train") {
    return run_bench_train(args.subspan(1));
  }
  throw UsageError("unknown benchmark '" + what + "'; did you mean '" + closest(what, kTargets) +
                   "'? (`rl bench --help` lists them)");
}

}  // namespace rl::experiments
