// A2C: learning CartPole-v1 within the budget, reproducibility, policy round trips and
// allocation-free training.
#include <catch2/catch.hpp>

#include "agents/a2c.hpp"
#include "tests/agents/agent_checks.hpp"

namespace rl::agents {
namespace {

test::MakeAgent a2c_with(A2cConfig config) {
  return [config](envs::VecEnv& env) { return std::make_unique<A2c>(env, config); };
}

TEST_CASE("A2C learns CartPole-v1 within 500k steps", "[agents][a2c][learning]") {
  // score: the mean return of the last 20 finished training episodes
  const Preset<A2cConfig> preset = a2c_preset("CartPole-v1");
  REQUIRE(preset.steps == 500'000);
  auto env = envs::make("CartPole-v1", {.num_envs = preset.num_envs});
  A2c a2c(*env, preset.config);
  NullLogger logger;
  a2c.learn(preset.steps, logger);
  INFO("last-20 mean return " << a2c.episodes().mean_return(20));
  CHECK(a2c.episodes().mean_return(20) >= 475);
}

TEST_CASE("A2C trains bit-identically from the same seed and restores its policy exactly",
          "[agents][a2c]") {
  test::check_reproducible("CartPole-v1", 8, a2c_with({}), 4000);
  test::check_reproducible("Pendulum-v1", 4, a2c_with({}), 2000);
  test::check_policy_round_trip("CartPole-v1", 8, a2c_with({}), 2000);
  A2cConfig adam;
  adam.optimizer = "adam";
  test::check_policy_round_trip("Pendulum-v1", 4, a2c_with(adam), 2000);
}

TEST_CASE("A2C resumed from a training checkpoint continues exactly", "[agents][a2c]") {
  test::check_resume("CartPole-v1", 8, a2c_with({}), 2000, 2000);
}

#ifdef RL_COUNT_ALLOCATIONS
TEST_CASE("A2C trains without allocating after warm-up", "[agents][a2c][alloc]") {
  CHECK(test::allocations_after_warmup("CartPole-v1", 8, a2c_with({}), 400, 4000) == 0);
}
#endif

}  // namespace
}  // namespace rl::agents
