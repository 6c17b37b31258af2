// `rl envs`: every registered environment with its spaces, time limit and parameters.
#include <cstdio>
#include <iostream>

#include "envs/registry.hpp"
#include "experiments/command.hpp"
#include "experiments/options.hpp"

namespace rl::experiments {

int run_envs(Args args) {
  bool verbose = false;
  po::options_description options("rl envs options");
  options.add_options()("params", po::bool_switch(&verbose),
                        "also list each environment's parameters (set with --set env.NAME=VALUE)");
  po::variables_map values;
  if (!parse_options(args, "rl envs [--params]", options, values)) {
    return 0;
  }
  for (const envs::RegisteredEnv& entry : envs::registered_envs()) {
    const auto env = entry.make({});
    const envs::EnvSpec& spec = env->spec();
    std::cout << spec.id << "  " << entry.summary << "\n"
              << "    observation  " << envs::to_string(spec.observation_space) << "\n"
              << "    action       " << envs::to_string(spec.action_space) << "\n"
              << "    time limit   "
              << (spec.max_episode_steps > 0 ? std::to_string(spec.max_episode_steps) + " steps"
                                             : std::string("none"))
              << "\n"
              << "    solved at    ";
    if (spec.reward_threshold) {
      std::cout << *spec.reward_threshold << " mean return\n";
    } else {
      std::cout << "- (no threshold)\n";
    }
    if (verbose) {
      for (const envs::ParamInfo& p : entry.params()) {
        std::cout << "    param " << p.name << " = " << p.default_value << "  (" << p.help << ")\n";
      }
    }
  }
  return 0;
}

}  // namespace rl::experiments
