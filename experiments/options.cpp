#include "experiments/options.hpp"

#include <iostream>
#include <utility>

#include "core/error.hpp"

namespace rl::experiments {

bool parse_options(Args args, const std::string& usage, po::options_description& options,
                   po::variables_map& values) {
  options.add_options()("help,h", "print this help and exit");
  try {
    po::store(po::command_line_parser(static_cast<int>(args.size()), args.data())
                  .options(options)
                  .style(kCommandLineStyle)
                  .run(),
              values);
    if (values.count("help") != 0) {
      std::cout << "usage: " << usage << "\n\n" << options << '\n';
      return false;
    }
    po::notify(values);
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + " (usage: " + usage + "; see --help)");
  }
  return true;
}

void check_view_options(std::int64_t episodes, std::optional<double> fps, int width, int height,
                        bool zero_episodes_means_forever) {
  if (episodes < 0 || (episodes == 0 && !zero_episodes_means_forever)) {
    throw UsageError(message("--episodes = ", episodes, " must be at least ",
                             zero_episodes_means_forever ? "0 (0: until you quit)" : "1"));
  }
  if (fps && !(*fps > 0 && *fps <= 2000)) {
    throw UsageError(message("--fps = ", *fps, " must be above 0 and at most 2000"));
  }
  for (const auto& [name, value] : {std::pair{"--width", width}, std::pair{"--height", height}}) {
    if (value < 64 || value > 4096) {
      throw UsageError(message(name, " = ", value, " must be between 64 and 4096 pixels"));
    }
  }
}

std::pair<std::string, std::string> split_env_set(const std::string& set) {
  const size_t eq = set.find('=');
  if (eq == std::string::npos || !set.starts_with("env.")) {
    throw UsageError(message("--set '", set,
                             "' is not env.KEY=VALUE; only env parameters can change here, "
                             "e.g. --set env.gravity=9.0"));
  }
  return {set.substr(0, eq), set.substr(eq + 1)};
}

envs::EnvOptions viewing_env_options(const std::vector<std::string>& env_sets) {
  envs::EnvOptions options;
  options.autoreset = envs::AutoReset::kDisabled;
  for (const std::string& s : env_sets) {
    const auto [name, value] = split_env_set(s);
    const std::string key = name.substr(4);
    if (key == "max_episode_steps") {
      size_t used = 0;
      int steps = -1;
      try {
        steps = std::stoi(value, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != value.size() || steps < 0) {
        throw UsageError(message("--set env.max_episode_steps=", value,
                                 " is not a whole number >= 0 (0 removes the time limit)"));
      }
      options.max_episode_steps = steps;
    } else {
      options.params.emplace_back(key, value);
    }
  }
  return options;
}

}  // namespace rl::experiments
