// The agents rlsuite knows, by name, with their hyperparameters as a list of named fields, so
// the command line, INI files, --help and run logs all come from each Config's visit_fields.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agents/agent.hpp"
#include "envs/vec_env.hpp"

namespace rl::agents {

/// One hyperparameter with its current value as text that parses back to the same value.
struct Field {
  enum class Kind { kInteger, kFloat, kBool, kString };
  std::string name;
  std::string value;
  std::string help;
  Kind kind = Kind::kString;
};

/// One agent's hyperparameters for one environment, starting from the tuned preset.
class AgentSettings {
 public:
  virtual ~AgentSettings() = default;
  virtual const char* agent() const = 0;
  /// Every field except the seed, which runs set through set_seed().
  virtual std::vector<Field> fields() const = 0;
  /// Throws "<agent> has no hyperparameter 'x'; ..." or "<agent>.x = 'v' is not a valid ...".
  virtual void set(const std::string& name, const std::string& value) = 0;
  virtual void set_seed(std::uint64_t seed) = 0;
  /// Checks every value's range; throws naming the first bad field.
  virtual void validate(std::int64_t num_envs) const = 0;
  virtual std::unique_ptr<Agent> make(envs::VecEnv& env) const = 0;
  /// The preset's copies of the env and training budget.
  std::int64_t preset_num_envs = 1;
  std::int64_t preset_steps = 0;
  /// Whether the preset was tuned for this env (otherwise it holds the agent's defaults).
  bool tuned = false;
};

struct RegisteredAgent {
  const char* name;
  const char* summary;
  std::unique_ptr<AgentSettings> (*settings)(std::string_view env_id);
  /// The envs its presets were tuned for (and which the learning tests cover).
  std::vector<std::string> (*tuned_envs)();
};

/// Every agent, in the order `rl train --help` lists them.
std::span<const RegisteredAgent> registered_agents();

/// The settings of `agent` for `env_id`; an unknown agent throws naming the closest.
std::unique_ptr<AgentSettings> agent_settings(std::string_view agent, std::string_view env_id);

}  // namespace rl::agents
