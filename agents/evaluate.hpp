// Running an agent's policy without learning: the 20-episode greedy evaluations the learning
// tests and `rl eval` report.
#pragma once

#include <cstdint>
#include <vector>

#include "agents/agent.hpp"
#include "envs/vec_env.hpp"

namespace rl::agents {

struct EvaluationResult {
  std::vector<double> returns;
  std::vector<std::int64_t> lengths;
  double mean_return() const;
  double std_return() const;
  double mean_length() const;
};

/// Plays `episodes` complete episodes on env (reset with seed, envs in parallel, each env
/// contributing an equal share as SB3's evaluate_policy) with the agent's deterministic or sampled
/// policy.
EvaluationResult evaluate(Agent& agent, envs::VecEnv& env, std::int64_t episodes,
                          std::uint64_t seed, bool deterministic = true);

}  // namespace rl::agents
