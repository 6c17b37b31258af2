#include "experiments/saved_policy.hpp"

#include <algorithm>
#include <utility>

#include "core/error.hpp"
#include "envs/registry.hpp"
#include "experiments/command.hpp"
#include "experiments/options.hpp"
#include "log/run_log.hpp"

namespace rl::experiments {

std::unique_ptr<agents::Agent> SavedPolicy::make_agent(envs::VecEnv& env) const {
  auto agent = settings.agent_settings->make(env);
  try {
    agent->load_policy_state(policy);
  } catch (const Error& e) {
    throw Error(message(path, " holds a ", settings.agent, " policy for ", run_env,
                        " that does not fit ", settings.env_id, " (", e.what(), "); use it on ",
                        run_env, " or on an env with the same spaces"));
  }
  return agent;
}

SavedPolicy load_saved_policy(const std::string& path, std::optional<std::int64_t> checkpoint,
                              const std::string& env_id, const std::vector<std::string>& env_sets) {
  const log::RunLog run = log::read_run_log(path, {.policies = true});
  SavedPolicy saved;
  saved.path = path;
  saved.run_env = run.option("env");
  std::vector<std::pair<std::string, std::string>> overrides;
  const bool other_env = !env_id.empty() && env_id != saved.run_env;
  for (const std::string& s : env_sets) {
    overrides.push_back(split_env_set(s));
  }
  if (other_env) {
    (void)envs::find_env(env_id);
    // The run's env parameters belong to its env; the other env starts from its defaults.
    log::RunLog copy = run;
    std::erase_if(copy.config, [](const log::ConfigEntry& e) { return e.key.starts_with("env."); });
    overrides.insert(overrides.begin(), {"env", env_id});
    saved.settings = settings_from_log(copy, overrides, path);
  } else {
    saved.settings = settings_from_log(run, {}, path);
    if (!overrides.empty()) {
      std::vector<std::pair<std::string, std::string>> pairs;
      for (const log::ConfigEntry& entry : run.config) {
        pairs.emplace_back(entry.key, entry.value);
      }
      pairs.insert(pairs.end(), overrides.begin(), overrides.end());
      saved.settings = resolve_settings(pairs);
    }
  }
  const auto& [step, policy] = log::find_policy(run, checkpoint, path);
  saved.step = step;
  saved.policy = policy;
  return saved;
}

}  // namespace rl::experiments
