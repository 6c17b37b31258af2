// A policy saved in a run log, with the settings it was trained with: what `rl eval`,
// `rl watch` and `rl record --run` load.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agents/agent.hpp"
#include "experiments/run_settings.hpp"
#include "nn/state_dict.hpp"

namespace rl::experiments {

struct SavedPolicy {
  std::string path;  ///< the run log
  std::string run_env;  ///< the env the run trained on
  RunSettings settings;  ///< the run's settings, with the env possibly replaced
  std::int64_t step = 0;  ///< the checkpoint step of the policy
  nn::StateDict policy;

  /// An agent of the run's configuration acting in env with the saved weights; a policy that
  /// does not fit env's spaces is a one-line error naming both envs.
  std::unique_ptr<agents::Agent> make_agent(envs::VecEnv& env) const;
};

/// Loads the policy saved at `checkpoint` (default: the last) from the run log at path.
/// env_id (if not empty) plays it on another env with the same spaces; env_sets are
/// "env.KEY=VALUE" changes of env parameters. Bad files and values throw one line naming the fix.
SavedPolicy load_saved_policy(const std::string& path, std::optional<std::int64_t> checkpoint,
                              const std::string& env_id = {},
                              const std::vector<std::string>& env_sets = {});

}  // namespace rl::experiments
