// How users configure an environment: the options every env shares (how many copies, threads,
// time limit, autoreset) and env-specific parameters given by name, e.g. {"g", "9.81"} for
// Pendulum-v1, parsed through each Params' visit_fields list.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "envs/vec_env.hpp"

namespace rl::envs {

struct EnvOptions {
  std::int64_t num_envs = 1;  ///< copies stepped together
  int threads = 1;  ///< threads stepping them; results do not depend on it
  std::optional<int> max_episode_steps{};  ///< overrides the registered time limit; 0 removes it
  AutoReset autoreset = AutoReset::kSameStep;  ///< what step() does when an episode ends
  std::uint64_t seed = 0;  ///< seeds the envs until reset() is given a seed
  std::vector<std::pair<std::string, std::string>> params{};  ///< env-specific, name and value
};

/// One env-specific parameter, for listings and --help.
struct ParamInfo {
  enum class Kind { kBool, kInteger, kFloat };
  std::string name;
  std::string default_value;
  std::string help;
  Kind kind = Kind::kFloat;
};

namespace detail {

/// The shortest text that reads back as the same value.
template <class T>
std::string format_value(const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
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
  } else {
    std::istringstream in(text);
    T parsed{};
    in >> parsed;
    if (in.fail() || !in.eof()) {
      return false;
    }
    value = parsed;
    return true;
  }
}

}  // namespace detail

/// The parameters of a Params type with their defaults.
template <class Params>
std::vector<ParamInfo> describe_params() {
  Params params;
  std::vector<ParamInfo> out;
  params.visit_fields([&](const char* name, auto& field, const char* help) {
    using T = std::decay_t<decltype(field)>;
    out.push_back({name, detail::format_value(field), help,
                   std::is_same_v<T, bool> ? ParamInfo::Kind::kBool
                   : std::is_integral_v<T> ? ParamInfo::Kind::kInteger
                                           : ParamInfo::Kind::kFloat});
  });
  return out;
}

/// Sets fields of params from name/value pairs; throws naming the env, the parameter and the
/// valid names or the expected type.
template <class Params>
void apply_params(Params& params, const std::vector<std::pair<std::string, std::string>>& values,
                  const std::string& env_id) {
  for (const auto& entry : values) {
    const std::string& name = entry.first;  // named, not a structured binding: lambdas capture it
    const std::string& text = entry.second;
    bool found = false;
    params.visit_fields([&](const char* field_name, auto& field, const char*) {
      if (name != field_name) {
        return;
      }
      found = true;
      using T = std::decay_t<decltype(field)>;
      check(detail::parse_value(text, field), env_id, ": parameter ", name, " = '", text,
            "' is not a valid ",
            std::is_same_v<T, bool> ? "boolean (use true or false)"
            : std::is_integral_v<T> ? "integer"
                                    : "number");
    });
    if (!found) {
      std::string known;
      for (const ParamInfo& info : describe_params<Params>()) {
        known += (known.empty() ? "" : ", ") + info.name;
      }
      throw Error(message(env_id, " has no parameter '", name,
                          "'; its parameters are: ", known.empty() ? "none" : known));
    }
  }
}

}  // namespace rl::envs
