// Checks every agent must pass: bit-identical training from the same seed, an exact policy
// round trip, and no allocation in learn() once warmed up.
#pragma once

#include <functional>
#include <memory>

#include <catch2/catch.hpp>

#include "agents/agent.hpp"
#include "envs/registry.hpp"
#include "tests/support/alloc_counter.hpp"
#include "tests/support/random_matrix.hpp"

namespace rl::agents::test {

using MakeAgent = std::function<std::unique_ptr<Agent>(envs::VecEnv&)>;

/// Every tensor of two policy states, equal to the bit.
inline bool same_policy(const nn::StateDict& a, const nn::StateDict& b) {
  if (a.tensors.size() != b.tensors.size() || a.vectors != b.vectors) {
    return false;
  }
  for (size_t i = 0; i < a.tensors.size(); ++i) {
    if (a.tensors[i].first != b.tensors[i].first || a.tensors[i].second != b.tensors[i].second) {
      return false;
    }
  }
  return true;
}

/// Two runs from the same seed end with bit-identical policies and episode statistics.
inline void check_reproducible(const std::string& env_id, std::int64_t num_envs,
                               const MakeAgent& make, std::int64_t steps) {
  NullLogger logger;
  auto env_a = envs::make(env_id, {.num_envs = num_envs});
  auto env_b = envs::make(env_id, {.num_envs = num_envs});
  auto a = make(*env_a);
  auto b = make(*env_b);
  a->learn(steps, logger);
  b->learn(steps, logger);
  CHECK(a->steps() == b->steps());
  CHECK(a->episodes().episodes() == b->episodes().episodes());
  CHECK(a->episodes().mean_return(100) == b->episodes().mean_return(100));
  CHECK(same_policy(a->policy_state(), b->policy_state()));
}

/// A fresh agent loaded with a trained agent's policy state acts identically.
inline void check_policy_round_trip(const std::string& env_id, std::int64_t num_envs,
                                    const MakeAgent& make, std::int64_t steps) {
  NullLogger logger;
  auto env = envs::make(env_id, {.num_envs = num_envs});
  auto trained = make(*env);
  trained->learn(steps, logger);
  auto other_env = envs::make(env_id, {.num_envs = num_envs});
  auto restored = make(*other_env);
  CHECK_FALSE(same_policy(trained->policy_state(), restored->policy_state()));
  restored->load_policy_state(trained->policy_state());
  CHECK(same_policy(trained->policy_state(), restored->policy_state()));
  const envs::Box& box = std::get<envs::Box>(env->spec().observation_space);
  nn::Rng rng(3);
  const nn::Matrix observations = rl::test::random_matrix(16, box.size(), rng);
  Actions a;
  Actions b;
  trained->act(envs::ObservationMatrix(observations.data(), 16, box.size()), true, a);
  restored->act(envs::ObservationMatrix(observations.data(), 16, box.size()), true, b);
  CHECK(a.discrete == b.discrete);
  CHECK(a.continuous == b.continuous);
}

/// An agent restored from another's training state, on an env restored from that env's snapshot,
/// ends bit-identical to the original after the same further training.
inline void check_resume(const std::string& env_id, std::int64_t num_envs, const MakeAgent& make,
                         std::int64_t first_steps, std::int64_t more_steps) {
  NullLogger logger;
  auto env = envs::make(env_id, {.num_envs = num_envs});
  auto original = make(*env);
  original->learn(first_steps, logger);
  const nn::StateDict saved = original->training_state();
  const std::vector<std::uint64_t> env_saved = env->snapshot();
  original->learn(more_steps, logger);

  auto other_env = envs::make(env_id, {.num_envs = num_envs});
  auto resumed = make(*other_env);
  resumed->load_training_state(saved);
  other_env->restore(env_saved);
  resumed->learn(more_steps, logger);
  CHECK(resumed->steps() == original->steps());
  CHECK(resumed->episodes().episodes() == original->episodes().episodes());
  CHECK(resumed->episodes().mean_return(100) == original->episodes().mean_return(100));
  CHECK(same_policy(resumed->training_state(), original->training_state()));
}

#ifdef RL_COUNT_ALLOCATIONS
/// learn() allocates nothing once it has run for `warmup` steps.
inline long allocations_after_warmup(const std::string& env_id, std::int64_t num_envs,
                                     const MakeAgent& make, std::int64_t warmup,
                                     std::int64_t steps) {
  NullLogger logger;
  auto env = envs::make(env_id, {.num_envs = num_envs});
  auto agent = make(*env);
  agent->learn(warmup, logger);
  const rl::test::AllocationCounter counter;
  agent->learn(steps, logger);
  return counter.count();
}
#endif

}  // namespace rl::agents::test
