// The `rl` executable's subcommands: each is a function from its own arguments to an exit code.
#pragma once

#include <span>
#include <stdexcept>
#include <string>

namespace rl::experiments {

/// Arguments after the subcommand name; args[0] is the subcommand's own name (for usage lines).
using Args = std::span<char*>;

struct Command {
  const char* name;
  const char* summary;
  int (*run)(Args args);
};

int run_demo(Args args);
int run_nn_demo(Args args);
int run_envs(Args args);
int run_bench(Args args);
int run_train(Args args);
int run_eval(Args args);
int run_analyze(Args args);
int run_watch(Args args);
int run_record(Args args);
int run_play(Args args);

/// Thrown for bad command-line input; main prints "rl: <message>" and exits with status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The known name closest to `name` by edit distance, for "did you mean" hints.
std::string closest(const std::string& name, std::span<const char* const> known);

}  // namespace rl::experiments
