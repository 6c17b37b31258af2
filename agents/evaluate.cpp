#include "agents/evaluate.hpp"

#include <cmath>
#include <numeric>

#include "core/error.hpp"

namespace rl::agents {

double EvaluationResult::mean_return() const {
  return returns.empty() ? 0.0
                         : std::accumulate(returns.begin(), returns.end(), 0.0) /
                               static_cast<double>(returns.size());
}

double EvaluationResult::std_return() const {
  if (returns.empty()) {
    return 0;
  }
  const double mean = mean_return();
  double total = 0;
  for (double r : returns) {
    total += (r - mean) * (r - mean);
  }
  return std::sqrt(total / static_cast<double>(returns.size()));
}

double EvaluationResult::mean_length() const {
  return lengths.empty() ? 0.0
                         : static_cast<double>(
                               std::accumulate(lengths.begin(), lengths.end(), std::int64_t{0})) /
                               static_cast<double>(lengths.size());
}

EvaluationResult evaluate(Agent& agent, envs::VecEnv& env, std::int64_t episodes,
                          std::uint64_t seed, bool deterministic) {
  check(episodes >= 1, "evaluate: episodes = ", episodes, " must be at least 1");
  check(env.spec().autoreset == envs::AutoReset::kSameStep,
        "evaluate: the env must reset itself (AutoReset::kSameStep)");
  // As SB3's evaluate_policy: env i contributes (episodes + i) / num_envs episodes, so short
  // episodes are not over-represented by envs that finish more of them.
  const std::int64_t n = env.num_envs();
  std::vector<std::int64_t> wanted(static_cast<size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    wanted[static_cast<size_t>(i)] = (episodes + i) / n;
  }
  EvaluationResult result;
  Actions actions;
  actions.resize_for(env.spec().action_space, n);
  const envs::Batch* batch = &env.reset(seed);
  while (static_cast<std::int64_t>(result.returns.size()) < episodes) {
    agent.act(batch->observation_matrix(), deterministic, actions);
    batch = &actions.step(env);
    for (std::int64_t i = 0; i < n; ++i) {
      const auto k = static_cast<size_t>(i);
      if (batch->done(i) && wanted[k] > 0) {
        --wanted[k];
        result.returns.push_back(batch->episode_returns[k]);
        result.lengths.push_back(batch->episode_lengths[k]);
      }
    }
  }
  return result;
}

}  // namespace rl::agents
