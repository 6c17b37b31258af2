// Everything one training run is configured by: the run options (env, agent, seed, budget,
// logging cadence), the env's options and parameters, and the agent's hyperparameters, resolved
// from the tuned preset, an INI file, the command line and --set, in rising precedence. The
// same field lists produce --help, the INI keys and the /config attributes of the run log.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agents/registry.hpp"
#include "envs/options.hpp"
#include "log/run_log.hpp"

namespace rl::experiments {

/// One settable option: its name as --NAME, INI key and --set key, its help and its value kind.
struct OptionInfo {
  std::string name;
  std::string default_value;  ///< empty: no default (required or automatic)
  std::string help;
  log::ConfigEntry::Kind kind = log::ConfigEntry::Kind::kString;
};

struct RunSettings {
  std::string env_id;
  std::string agent;
  std::uint64_t seed = 1;
  std::int64_t steps = 0;  ///< training budget in env steps over all envs
  std::int64_t num_envs = 1;
  int threads = 1;
  std::int64_t checkpoint_every = 0;  ///< env steps between checkpoints
  std::int64_t eval_every = 0;  ///< env steps between greedy evaluations; 0: none
  std::int64_t eval_episodes = 10;
  std::optional<int> max_episode_steps;  ///< overrides the env's time limit
  std::vector<std::pair<std::string, std::string>> env_params;  ///< every env parameter
  std::unique_ptr<agents::AgentSettings> agent_settings;

  /// The env options for training (or evaluation, with num_envs copies).
  envs::EnvOptions env_options(std::int64_t copies) const;
  /// Every resolved option as typed entries, for the run log's /config.
  std::vector<log::ConfigEntry> config_entries() const;
};

/// The run options every (env, agent) pair shares, for --help.
std::vector<OptionInfo> run_option_infos();
/// The env-specific options of env_id ("env.max_episode_steps", "env.gravity", ...).
std::vector<OptionInfo> env_option_infos(const std::string& env_id);
/// The agent's hyperparameters as "<agent>.<field>" with the preset values for env_id.
std::vector<OptionInfo> agent_option_infos(const std::string& agent, const std::string& env_id);

/// Resolves name=value pairs (run options, "env.*" and "<agent>.*" keys, later pairs win) over
/// the preset of (env, agent), which must be among the pairs. Unknown keys, values of the wrong
/// kind and out-of-range values throw one line naming the key and the fix.
RunSettings resolve_settings(const std::vector<std::pair<std::string, std::string>>& values);

/// The settings as an INI file that --config reads back to the same settings: run options, env
/// parameters that differ from the env's defaults, every agent field with its help as a
/// comment (total_steps only when it differs from steps, so it follows --steps otherwise).
std::string settings_ini(const RunSettings& settings, const std::string& title);

/// The settings stored in a run log's /config, with `overrides` applied on top.
RunSettings settings_from_log(const log::RunLog& run,
                              const std::vector<std::pair<std::string, std::string>>& overrides,
                              const std::string& path);

}  // namespace rl::experiments
