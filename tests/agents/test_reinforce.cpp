// REINFORCE with a baseline: learning CartPole-v1 within the budget, reproducibility,
// policy round trips and allocation-free training.
#include <catch2/catch.hpp>

#include "agents/evaluate.hpp"
#include "agents/reinforce.hpp"
#include "tests/agents/agent_checks.hpp"

namespace rl::agents {
namespace {

test::MakeAgent reinforce_with(ReinforceConfig config) {
  return [config](envs::VecEnv& env) { return std::make_unique<Reinforce>(env, config); };
}

TEST_CASE("REINFORCE learns CartPole-v1 within 300k steps", "[agents][reinforce][learning]") {
  // score: the mean return of the last 20 finished training episodes
  const Preset<ReinforceConfig> preset = reinforce_preset("CartPole-v1");
  REQUIRE(preset.steps == 300'000);
  auto env = envs::make("CartPole-v1", {.num_envs = preset.num_envs});
  Reinforce reinforce(*env, preset.config);
  NullLogger logger;
  reinforce.learn(preset.steps, logger);
  INFO("last-20 mean return " << reinforce.episodes().mean_return(20));
  CHECK(reinforce.episodes().mean_return(20) >= 400);
}

TEST_CASE("REINFORCE trains bit-identically from the same seed and restores its policy exactly",
          "[agents][reinforce]") {
  ReinforceConfig config;
  config.batch_steps = 512;
  test::check_reproducible("CartPole-v1", 4, reinforce_with(config), 5000);
  test::check_reproducible("Pendulum-v1", 2, reinforce_with(config), 3000);
  test::check_policy_round_trip("CartPole-v1", 4, reinforce_with(config), 3000);
}

TEST_CASE("REINFORCE resumed from a training checkpoint continues exactly", "[agents][reinforce]") {
  ReinforceConfig config;
  config.batch_steps = 512;
  test::check_resume("CartPole-v1", 4, reinforce_with(config), 3001, 3000);
}

#ifdef RL_COUNT_ALLOCATIONS
TEST_CASE("REINFORCE trains without allocating after warm-up", "[agents][reinforce][alloc]") {
  ReinforceConfig config;
  config.batch_steps = 512;
  CHECK(test::allocations_after_warmup("CartPole-v1", 4, reinforce_with(config), 4000, 8000) == 0);
}
#endif

}  // namespace
}  // namespace rl::agents
