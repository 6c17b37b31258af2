// The environments rlsuite knows, in one readable list (Gymnasium's envs/__init__.py), and make().
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "envs/options.hpp"
#include "envs/vec_env.hpp"

namespace rl::envs {

struct RegisteredEnv {
  const char* id;
  const char* summary;
  std::unique_ptr<VecEnv> (*make)(const EnvOptions& options);
  std::vector<ParamInfo> (*params)();  ///< env-specific parameters with defaults
};

/// Every registered environment, in the order `rl envs` lists them.
std::span<const RegisteredEnv> registered_envs();

/// Builds `id` with options; an unknown id throws naming the closest known ids.
std::unique_ptr<VecEnv> make(std::string_view id, const EnvOptions& options = {});

/// The registered entry for id, or a throw naming the closest known ids.
const RegisteredEnv& find_env(std::string_view id);

/// The known ids closest to `id` by edit distance (case-insensitive), best first.
std::vector<std::string> closest_ids(std::string_view id, size_t count = 3);

}  // namespace rl::envs
