// `rl demo`: the default experiment, and a tour of the commands users run. Trains PPO on
// CartPole-v1 with its tuned preset for three seeds, evaluates the first run's policy, records it
// to an animated GIF (no display needed) and tabulates and plots all three runs, printing each
// step as the `rl` command that does it.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "experiments/command.hpp"
#include "experiments/options.hpp"

namespace rl::experiments {

namespace {

/// Prints `rl <words>` and runs it as if typed.
int run_step(int (*command)(Args), std::vector<std::string> words) {
  std::cout << "\n$ rl";
  for (const std::string& w : words) {
    std::cout << ' ' << w;
  }
  std::cout << std::endl;
  std::vector<char*> argv;
  for (std::string& w : words) {
    argv.push_back(w.data());
  }
  argv.push_back(nullptr);
  return command(Args(argv.data(), argv.size() - 1));
}

}  // namespace

int run_demo(Args args) {
  std::string folder = "runs";
  int seeds = 3;
  po::options_description options("rl demo options");
  options.add_options()("out", po::value(&folder)->default_value(folder),
                        "folder for the run logs, the plot and the GIF (created if missing)")(
      "seeds", po::value(&seeds)->default_value(seeds), "runs with seeds 1 .. N");
  po::variables_map values;
  if (!parse_options(args, "rl demo [--out FOLDER] [--seeds N]", options, values)) {
    return 0;
  }
  if (seeds < 1 || seeds > 100) {
    throw UsageError("--seeds = " + std::to_string(seeds) + " must be in [1, 100]");
  }
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) {
    throw UsageError("cannot create the folder " + folder + " (" + error.message() +
                     "); pass another --out");
  }
  std::cout << "PPO on CartPole-v1 with the tuned preset (experiments/configs/cartpole_ppo.ini), "
            << seeds << (seeds == 1 ? " seed" : " seeds") << ", logged to " << folder << "/\n";
  std::vector<std::string> logs;
  for (int seed = 1; seed <= seeds; ++seed) {
    logs.push_back(folder + "/cartpole_ppo_" + std::to_string(seed) + ".h5");
    const int status =
        run_step(run_train, {"train", "--env", "CartPole-v1", "--agent", "ppo", "--seed",
                             std::to_string(seed), "--out", logs.back(), "--force"});
    if (status != 0) {
      return status;
    }
  }
  if (const int status = run_step(run_eval, {"eval", "--run", logs.front(), "--episodes", "20"});
      status != 0) {
    return status;
  }
  if (const int status = run_step(
          run_record, {"record", "--run", logs.front(), "--out", folder + "/cartpole_ppo.gif",
                       "--max-steps", "200", "--width", "480", "--height", "320"});
      status != 0) {
    return status;
  }
  std::vector<std::string> analyze = {"analyze"};
  analyze.insert(analyze.end(), logs.begin(), logs.end());
  analyze.insert(analyze.end(), {"--plot", folder + "/cartpole_ppo.png"});
  if (const int status = run_step(run_analyze, analyze); status != 0) {
    return status;
  }
  std::cout << "\nThe learning curves are in " << folder << "/cartpole_ppo.png and the trained "
            << "agent is in " << folder << "/cartpole_ppo.gif; docs/run_log.md describes what the "
            << ".h5 logs hold. With a display, `rl watch --run " << logs.front()
            << "` shows the policy live.\n";
  return 0;
}

}  // namespace rl::experiments
