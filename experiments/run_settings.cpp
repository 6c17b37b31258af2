#include "experiments/run_settings.hpp"

#include <algorithm>
#include <limits>
#include <sstream>

#include "core/edit_distance.hpp"
#include "core/error.hpp"
#include "envs/registry.hpp"

namespace rl::experiments {

namespace {

using Kind = log::ConfigEntry::Kind;

log::ConfigEntry::Kind entry_kind(agents::Field::Kind kind) {
  switch (kind) {
    case agents::Field::Kind::kInteger: return Kind::kInteger;
    case agents::Field::Kind::kFloat: return Kind::kFloat;
    case agents::Field::Kind::kBool: return Kind::kBool;
    case agents::Field::Kind::kString: return Kind::kString;
  }
  return Kind::kString;
}

log::ConfigEntry::Kind entry_kind(envs::ParamInfo::Kind kind) {
  switch (kind) {
    case envs::ParamInfo::Kind::kBool: return Kind::kBool;
    case envs::ParamInfo::Kind::kInteger: return Kind::kInteger;
    case envs::ParamInfo::Kind::kFloat: return Kind::kFloat;
  }
  return Kind::kFloat;
}

/// An integer option value in [low, high]; the message names the key, the value and the range.
std::int64_t parse_integer(const std::string& key, const std::string& text, std::int64_t low,
                           std::int64_t high = std::numeric_limits<std::int64_t>::max()) {
  std::istringstream in(text);
  std::int64_t value = 0;
  in >> value;
  check(!in.fail() && in.eof(), key, " = '", text, "' is not a valid integer");
  check(value >= low && value <= high, key, " = ", value, " is out of range: it must be ",
        high == std::numeric_limits<std::int64_t>::max() ? message("at least ", low)
                                                         : message("in [", low, ", ", high, "]"));
  return value;
}

struct RunOption {
  const char* name;
  const char* help;
};

// The order here is the order of --help and of /config.
constexpr RunOption kRunOptions[] = {
    {"env", "environment id (`rl envs` lists them)"},
    {"agent", "agent: ppo, a2c, reinforce, dqn or sac"},
    {"seed", "seed for the agent and the envs"},
    {"steps", "training budget in env steps over all envs (default: the preset's)"},
    {"num-envs", "copies of the env trained on together (default: the preset's)"},
    {"threads", "threads stepping the envs; results do not depend on it"},
    {"checkpoint-every", "env steps between checkpoints (default: a tenth of --steps)"},
    {"eval-every", "env steps between greedy evaluations, 0 for none (default: as checkpoints)"},
    {"eval-episodes", "episodes per greedy evaluation"},
};

std::string known_keys(const std::string& env_id, const std::string& agent) {
  (void)env_id;
  return message("run options, env.* (`rl envs --params`) and ", agent.empty() ? "<agent>" : agent,
                 ".* (`rl train --agent ", agent.empty() ? "NAME" : agent, " --help`)");
}

std::string closest_key(const std::string& key, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::string::npos;
  for (const std::string& candidate : candidates) {
    const size_t d = edit_distance(key, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

}  // namespace

envs::EnvOptions RunSettings::env_options(std::int64_t copies) const {
  envs::EnvOptions options;
  options.num_envs = copies;
  options.threads = threads;
  options.max_episode_steps = max_episode_steps;
  options.seed = seed;
  options.params = env_params;
  return options;
}

std::vector<log::ConfigEntry> RunSettings::config_entries() const {
  std::vector<log::ConfigEntry> out = {
      {"env", env_id, Kind::kString},
      {"agent", agent, Kind::kString},
      {"seed", std::to_string(seed), Kind::kInteger},
      {"steps", std::to_string(steps), Kind::kInteger},
      {"num-envs", std::to_string(num_envs), Kind::kInteger},
      {"threads", std::to_string(threads), Kind::kInteger},
      {"checkpoint-every", std::to_string(checkpoint_every), Kind::kInteger},
      {"eval-every", std::to_string(eval_every), Kind::kInteger},
      {"eval-episodes", std::to_string(eval_episodes), Kind::kInteger},
  };
  if (max_episode_steps) {
    out.push_back({"env.max_episode_steps", std::to_string(*max_episode_steps), Kind::kInteger});
  }
  for (const envs::ParamInfo& param : envs::find_env(env_id).params()) {
    std::string value = param.default_value;
    for (const auto& [name, text] : env_params) {
      if (name == param.name) {
        value = text;
      }
    }
    out.push_back({"env." + param.name, value, entry_kind(param.kind)});
  }
  for (const agents::Field& field : agent_settings->fields()) {
    out.push_back({agent + "." + field.name, field.value, entry_kind(field.kind)});
  }
  return out;
}

std::vector<OptionInfo> run_option_infos() {
  std::vector<OptionInfo> out;
  const RunSettings defaults;
  for (const RunOption& option : kRunOptions) {
    OptionInfo info{option.name, "", option.help, Kind::kInteger};
    const std::string name = option.name;
    if (name == "env" || name == "agent") {
      info.kind = Kind::kString;
    } else if (name == "seed") {
      info.default_value = std::to_string(defaults.seed);
    } else if (name == "threads") {
      info.default_value = std::to_string(defaults.threads);
    } else if (name == "eval-episodes") {
      info.default_value = std::to_string(defaults.eval_episodes);
    }
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<OptionInfo> env_option_infos(const std::string& env_id) {
  std::vector<OptionInfo> out = {{"env.max_episode_steps", "",
                                  "time limit in steps, 0 for none (default: the env's)",
                                  Kind::kInteger}};
  for (const envs::ParamInfo& param : envs::find_env(env_id).params()) {
    out.push_back({"env." + param.name, param.default_value, param.help, entry_kind(param.kind)});
  }
  return out;
}

std::vector<OptionInfo> agent_option_infos(const std::string& agent, const std::string& env_id) {
  std::vector<OptionInfo> out;
  for (const agents::Field& field : agents::agent_settings(agent, env_id)->fields()) {
    out.push_back({agent + "." + field.name, field.value, field.help, entry_kind(field.kind)});
  }
  return out;
}

RunSettings resolve_settings(const std::vector<std::pair<std::string, std::string>>& values) {
  RunSettings s;
  for (const auto& [key, value] : values) {
    if (key == "env") {
      s.env_id = value;
    } else if (key == "agent") {
      s.agent = value;
    }
  }
  check(!s.env_id.empty(), "no environment given; pass --env ID (`rl envs` lists them)");
  check(!s.agent.empty(), "no agent given; pass --agent NAME (ppo, a2c, reinforce, dqn or sac)");
  const envs::RegisteredEnv& env = envs::find_env(s.env_id);
  s.agent_settings = agents::agent_settings(s.agent, s.env_id);
  s.steps = s.agent_settings->preset_steps;
  s.num_envs = s.agent_settings->preset_num_envs;
  const std::vector<envs::ParamInfo> params = env.params();

  bool checkpoint_set = false;
  bool eval_set = false;
  bool total_steps_set = false;
  for (const auto& [key, value] : values) {
    if (key == "env" || key == "agent") {
      continue;
    }
    if (key == "seed") {
      s.seed = static_cast<std::uint64_t>(parse_integer(key, value, 0));
    } else if (key == "steps") {
      s.steps = parse_integer(key, value, 1);
    } else if (key == "num-envs") {
      s.num_envs = parse_integer(key, value, 1, 1 << 20);
    } else if (key == "threads") {
      s.threads = static_cast<int>(parse_integer(key, value, 1, 1024));
    } else if (key == "checkpoint-every") {
      s.checkpoint_every = parse_integer(key, value, 1);
      checkpoint_set = true;
    } else if (key == "eval-every") {
      s.eval_every = parse_integer(key, value, 0);
      eval_set = true;
    } else if (key == "eval-episodes") {
      s.eval_episodes = parse_integer(key, value, 1, 100'000);
    } else if (key == "env.max_episode_steps") {
      s.max_episode_steps = static_cast<int>(parse_integer(key, value, 0, 1 << 30));
    } else if (key.starts_with("env.")) {
      const std::string name = key.substr(4);
      const bool known = std::any_of(params.begin(), params.end(),
                                     [&](const envs::ParamInfo& p) { return p.name == name; });
      if (!known) {
        std::vector<std::string> names = {"max_episode_steps"};
        for (const envs::ParamInfo& p : params) {
          names.push_back(p.name);
        }
        throw Error(message(s.env_id, " has no option '", key, "'; did you mean 'env.",
                            closest_key(name, names), "'? (`rl envs --params` lists them)"));
      }
      auto existing = std::find_if(s.env_params.begin(), s.env_params.end(),
                                   [&](const auto& p) { return p.first == name; });
      if (existing != s.env_params.end()) {
        existing->second = value;
      } else {
        s.env_params.emplace_back(name, value);
      }
    } else if (key.starts_with(s.agent + ".")) {
      const std::string field = key.substr(s.agent.size() + 1);
      s.agent_settings->set(field, value);
      total_steps_set = total_steps_set || field == "total_steps";
    } else {
      const size_t dot = key.find('.');
      if (dot != std::string::npos) {
        const std::string section = key.substr(0, dot);
        for (const agents::RegisteredAgent& other : agents::registered_agents()) {
          check(section != other.name, "option '", key, "' is for agent ", section,
                " but this run trains ", s.agent, "; remove it or pass --agent ", section);
        }
      }
      std::vector<std::string> names;
      for (const RunOption& option : kRunOptions) {
        names.emplace_back(option.name);
      }
      for (const OptionInfo& info : agent_option_infos(s.agent, s.env_id)) {
        names.push_back(info.name);
      }
      throw Error(message("unknown option '", key, "'; did you mean '", closest_key(key, names),
                          "'? (options: ", known_keys(s.env_id, s.agent), ")"));
    }
  }
  // Schedules that run over the training budget follow --steps unless set on their own.
  if (!total_steps_set) {
    for (const agents::Field& field : s.agent_settings->fields()) {
      if (field.name == "total_steps") {
        s.agent_settings->set("total_steps", std::to_string(s.steps));
      }
    }
  }
  if (!checkpoint_set) {
    const std::int64_t tenth = (s.steps + 9) / 10;
    s.checkpoint_every = std::max<std::int64_t>(1000, (tenth + 999) / 1000 * 1000);
  }
  if (!eval_set) {
    s.eval_every = s.checkpoint_every;
  }
  s.agent_settings->set_seed(s.seed);
  s.agent_settings->validate(s.num_envs);
  // Env parameters are checked by building one copy: the env reports bad names and values.
  (void)envs::make(s.env_id, s.env_options(1));
  return s;
}

std::string settings_ini(const RunSettings& s, const std::string& title) {
  std::ostringstream out;
  out << "# " << title << "\n"
      << "env = " << s.env_id << "\n"
      << "agent = " << s.agent << "\n"
      << "steps = " << s.steps << "\n"
      << "num-envs = " << s.num_envs << "\n";
  std::vector<std::string> env_lines;
  if (s.max_episode_steps) {
    env_lines.push_back(message("max_episode_steps = ", *s.max_episode_steps));
  }
  for (const envs::ParamInfo& param : envs::find_env(s.env_id).params()) {
    for (const auto& [name, value] : s.env_params) {
      if (name == param.name && value != param.default_value) {
        env_lines.push_back(message("# ", param.help, "\n", name, " = ", value));
      }
    }
  }
  if (!env_lines.empty()) {
    out << "\n[env]\n";
    for (const std::string& line : env_lines) {
      out << line << "\n";
    }
  }
  out << "\n[" << s.agent << "]\n";
  for (const agents::Field& field : s.agent_settings->fields()) {
    if (field.name == "total_steps" && field.value == std::to_string(s.steps)) {
      continue;
    }
    out << "# " << field.help << "\n" << field.name << " = " << field.value << "\n";
  }
  return out.str();
}

RunSettings settings_from_log(const log::RunLog& run,
                              const std::vector<std::pair<std::string, std::string>>& overrides,
                              const std::string& path) {
  std::vector<std::pair<std::string, std::string>> values;
  for (const log::ConfigEntry& entry : run.config) {
    values.emplace_back(entry.key, entry.value);
  }
  values.insert(values.end(), overrides.begin(), overrides.end());
  try {
    return resolve_settings(values);
  } catch (const Error& e) {
    throw Error(message(path, ": its configuration does not load here (", e.what(),
                        "); was it written by another rlsuite version?"));
  }
}

}  // namespace rl::experiments
