// rl: the one entry point users run. `rl <command> --help` documents each command.
#include <algorithm>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "core/edit_distance.hpp"
#include "core/error.hpp"
#include "experiments/command.hpp"

namespace rl::experiments {
namespace {

constexpr Command kCommands[] = {
    {"train", "train an agent on an environment, logging to one HDF5 file (or --resume one)",
     run_train},
    {"eval", "play a trained policy from a run log and report its mean return", run_eval},
    {"analyze", "tabulate and plot run logs: returns, evaluations, time to solve, seeds' CIs",
     run_analyze},
    {"watch", "show a trained policy in a window, with what it thinks of each moment", run_watch},
    {"record", "record a trained (or random) policy to an animated GIF or PNG frames, no display",
     run_record},
    {"play", "play an environment yourself from the keyboard", run_play},
    {"demo", "the default experiment: PPO on CartPole-v1 (3 seeds), evaluated and plotted",
     run_demo},
    {"nn-demo", "train a small CNN from nn/ on generated shape images and report its accuracy",
     run_nn_demo},
    {"envs", "list the environments with their spaces and time limits", run_envs},
    {"bench", "measure speed against peers: `rl bench nn` (networks), `rl bench env` (envs)",
     run_bench},
};

void print_usage(std::ostream& out) {
  out << "usage: rl <command> [options]\n\ncommands:\n";
  for (const Command& c : kCommands) {
    out << "  " << c.name << std::string(10 - std::string(c.name).size(), ' ') << c.summary << '\n';
  }
  out << "\n`rl <command> --help` describes a command's options.\n";
}

int dispatch(int argc, char** argv) {
  if (argc < 2) {
    print_usage(std::cerr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(std::cout);
    return 0;
  }
  for (const Command& c : kCommands) {
    if (name == c.name) {
      return c.run(Args(argv + 1, static_cast<size_t>(argc - 1)));
    }
  }
  std::vector<const char*> names;
  for (const Command& c : kCommands) {
    names.push_back(c.name);
  }
  throw UsageError("unknown command '" + name + "'; did you mean '" + closest(name, names) +
                   "'? (`rl --help` lists the commands)");
}

}  // namespace

std::string closest(const std::string& name, std::span<const char* const> known) {
  std::string best;
  size_t best_distance = std::string::npos;
  for (const char* candidate : known) {
    const size_t distance = edit_distance(name, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

}  // namespace rl::experiments

int main(int argc, char** argv) {
  try {
    return rl::experiments::dispatch(argc, argv);
  } catch (const rl::experiments::UsageError& e) {
    std::cerr << "rl: " << e.what() << '\n';
    return 2;
  } catch (const rl::Error& e) {  // bad input: names, values, files, checkpoints
    std::cerr << "rl: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "rl: error: " << e.what() << '\n';
    return 1;
  }
}
