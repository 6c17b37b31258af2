#include "agents/registry.hpp"

#include <charconv>
#include <sstream>
#include <type_traits>

#include "agents/a2c.hpp"
#include "agents/dqn.hpp"
#include "agents/ppo.hpp"
#include "agents/reinforce.hpp"
#include "agents/sac.hpp"
#include "core/edit_distance.hpp"
#include "core/error.hpp"

namespace rl::agents {

namespace {

template <class T>
Field::Kind kind_of() {
  if constexpr (std::is_same_v<T, bool>) {
    return Field::Kind::kBool;
  } else if constexpr (std::is_integral_v<T>) {
    return Field::Kind::kInteger;
  } else if constexpr (std::is_floating_point_v<T>) {
    return Field::Kind::kFloat;
  } else {
    return Field::Kind::kString;
  }
}

/// The shortest text that reads back as the same value.
template <class T>
std::string format_value(const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else if constexpr (std::is_arithmetic_v<T>) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
  } else {
    return value;
  }
}

template <class T>
bool parse_value(const std::string& text, T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    if (text == "true" || text == "1") {
      value = true;
      return true;
    }
    if (text == "false" || text == "0") {
      value = false;
      return true;
    }
    return false;
  } else if constexpr (std::is_arithmetic_v<T>) {
    if (std::is_unsigned_v<T> && !text.empty() && text[0] == '-') {
      return false;
    }
    std::istringstream in(text);
    T parsed{};
    in >> parsed;
    if (in.fail() || !in.eof()) {
      return false;
    }
    value = parsed;
    return true;
  } else {
    value = text;
    return true;
  }
}

const char* kind_name(Field::Kind kind) {
  switch (kind) {
    case Field::Kind::kBool: return "boolean (true or false)";
    case Field::Kind::kInteger: return "integer";
    case Field::Kind::kFloat: return "number";
    case Field::Kind::kString: return "text";
  }
  return "value";
}

/// Settings of any agent whose Config has visit_fields and a `seed` field.
template <class Config, class AgentType>
class SettingsOf final : public AgentSettings {
 public:
  SettingsOf(const char* name, Preset<Config> preset, bool is_tuned,
             void (*check_config)(const Config&, std::int64_t))
      : name_(name), config_(preset.config), check_config_(check_config) {
    preset_num_envs = preset.num_envs;
    preset_steps = preset.steps;
    tuned = is_tuned;
  }

  const char* agent() const override { return name_; }

  std::vector<Field> fields() const override {
    std::vector<Field> out;
    Config copy = config_;
    copy.visit_fields([&](const char* name, auto& field, const char* help) {
      if (std::string_view(name) != "seed") {
        using T = std::decay_t<decltype(field)>;
        out.push_back({name, format_value(field), help, kind_of<T>()});
      }
    });
    return out;
  }

  void set(const std::string& name, const std::string& value) override {
    bool found = false;
    config_.visit_fields([&](const char* field_name, auto& field, const char*) {
      if (name != field_name || name == "seed") {
        return;
      }
      found = true;
      using T = std::decay_t<decltype(field)>;
      check(parse_value(value, field), name_, ".", name, " = '", value, "' is not a valid ",
            kind_name(kind_of<T>()));
    });
    if (!found) {
      std::string best;
      size_t best_distance = std::string::npos;
      for (const Field& f : fields()) {
        const size_t d = edit_distance(name, f.name);
        if (d < best_distance) {
          best_distance = d;
          best = f.name;
        }
      }
      throw Error(message(name_, " has no hyperparameter '", name, "'; did you mean ", name_, ".",
                          best, "? (`rl train --agent ", name_, " --help` lists them)"));
    }
  }

  void set_seed(std::uint64_t seed) override { config_.seed = seed; }

  void validate(std::int64_t num_envs) const override { check_config_(config_, num_envs); }

  std::unique_ptr<Agent> make(envs::VecEnv& env) const override {
    return std::make_unique<AgentType>(env, config_);
  }

 private:
  const char* name_;
  Config config_;
  void (*check_config_)(const Config&, std::int64_t);
};

template <class Config, class AgentType>
std::unique_ptr<AgentSettings> settings_of(const char* name, Preset<Config> preset, bool tuned,
                                           void (*check_config)(const Config&, std::int64_t)) {
  return std::make_unique<SettingsOf<Config, AgentType>>(name, std::move(preset), tuned,
                                                         check_config);
}

bool one_of(std::string_view env_id, std::initializer_list<std::string_view> ids) {
  for (std::string_view id : ids) {
    if (env_id == id) {
      return true;
    }
  }
  return false;
}

const RegisteredAgent kAgents[] = {
    {"ppo", "Proximal Policy Optimization (discrete and continuous actions)",
     [](std::string_view env_id) {
       return settings_of<PpoConfig, Ppo>(
           "ppo", ppo_preset(env_id), one_of(env_id, {"CartPole-v1", "Pendulum-v1"}),
           [](const PpoConfig& c, std::int64_t num_envs) { validate(c, num_envs); });
     },
     [] {
       return std::vector<std::string>{"CartPole-v1", "Pendulum-v1"};
     }},
    {"a2c", "Advantage Actor-Critic (discrete and continuous actions)",
     [](std::string_view env_id) {
       return settings_of<A2cConfig, A2c>("a2c", a2c_preset(env_id), env_id == "CartPole-v1",
                                          [](const A2cConfig& c, std::int64_t) { validate(c); });
     },
     [] { return std::vector<std::string>{"CartPole-v1"}; }},
    {"reinforce", "REINFORCE with a learned baseline (discrete and continuous actions)",
     [](std::string_view env_id) {
       return settings_of<ReinforceConfig, Reinforce>(
           "reinforce", reinforce_preset(env_id), env_id == "CartPole-v1",
           [](const ReinforceConfig& c, std::int64_t) { validate(c); });
     },
     [] { return std::vector<std::string>{"CartPole-v1"}; }},
    {"dqn", "Deep Q-Network with Double, Dueling, n-step and prioritised replay (discrete actions)",
     [](std::string_view env_id) {
       return settings_of<DqnConfig, Dqn>(
           "dqn", dqn_preset(env_id),
           one_of(env_id, {"CartPole-v1", "Acrobot-v1", "MountainCar-v0"}),
           [](const DqnConfig& c, std::int64_t) { validate(c); });
     },
     [] {
       return std::vector<std::string>{"CartPole-v1", "Acrobot-v1", "MountainCar-v0"};
     }},
    {"sac", "Soft Actor-Critic (continuous actions)",
     [](std::string_view env_id) {
       return settings_of<SacConfig, Sac>("sac", sac_preset(env_id), env_id == "Pendulum-v1",
                                          [](const SacConfig& c, std::int64_t) { validate(c); });
     },
     [] { return std::vector<std::string>{"Pendulum-v1"}; }},
};

}  // namespace

std::span<const RegisteredAgent> registered_agents() {
  return kAgents;
}

std::unique_ptr<AgentSettings> agent_settings(std::string_view agent, std::string_view env_id) {
  for (const RegisteredAgent& registered : kAgents) {
    if (agent == registered.name) {
      return registered.settings(env_id);
    }
  }
  std::string best;
  size_t best_distance = std::string::npos;
  std::string all;
  for (const RegisteredAgent& registered : kAgents) {
    const size_t d = edit_distance(agent, registered.name);
    if (d < best_distance) {
      best_distance = d;
      best = registered.name;
    }
    all += (all.empty() ? "" : ", ") + std::string(registered.name);
  }
  throw Error(
      message("unknown agent '", agent, "'; did you mean '", best, "'? (agents: ", all, ")"));
}

}  // namespace rl::agents
