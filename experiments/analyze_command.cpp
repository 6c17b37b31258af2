// `rl analyze`: placeholder until the analysis lands.
#include "experiments/command.hpp"

namespace rl::experiments {

int run_analyze(Args) {
  throw UsageError("rl analyze is not built yet");
}

}  // namespace rl::experiments
