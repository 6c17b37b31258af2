// PPO: learning within the budgets with the shipped presets, reproducibility, policy
// round trips and allocation-free training.
#include <catch2/catch.hpp>

#include "agents/evaluate.hpp"
#include "agents/ppo.hpp"
#include "tests/agents/agent_checks.hpp"

namespace rl::agents {
namespace {

test::MakeAgent ppo_with(PpoConfig config) {
  return [config](envs::VecEnv& env) { return std::make_unique<Ppo>(env, config); };
}

TEST_CASE("PPO learns CartPole-v1 within 100k steps", "[agents][ppo][learning]") {
  // score: the mean return of the last 20 finished training episodes
  const Preset<PpoConfig> preset = ppo_preset("CartPole-v1");
  REQUIRE(preset.steps == 100'000);
  auto env = envs::make("CartPole-v1", {.num_envs = preset.num_envs});
  Ppo ppo(*env, preset.config);
  MemoryLogger logger;
  ppo.learn(preset.steps, logger);
  INFO("last-20 mean return " << ppo.episodes().mean_return(20));
  CHECK(ppo.steps() <= preset.steps + preset.num_envs * preset.config.num_steps);
  CHECK(ppo.episodes().mean_return(20) >= 475);
  CHECK_FALSE(logger.values("train/approx_kl").empty());
}

TEST_CASE("PPO learns Pendulum-v1 within 300k steps", "[agents][ppo][learning]") {
  // score: a 20-episode deterministic evaluation after training
  const Preset<PpoConfig> preset = ppo_preset("Pendulum-v1");
  REQUIRE(preset.steps == 300'000);
  auto env = envs::make("Pendulum-v1", {.num_envs = preset.num_envs});
  Ppo ppo(*env, preset.config);
  NullLogger logger;
  ppo.learn(preset.steps, logger);
  auto eval_env = envs::make("Pendulum-v1", {.num_envs = 4});
  const EvaluationResult result = evaluate(ppo, *eval_env, 20, 12345, true);
  INFO("evaluation " << result.mean_return() << " +- " << result.std_return()
                     << ", last-20 training " << ppo.episodes().mean_return(20));
  CHECK(result.mean_return() >= -250);
}

TEST_CASE("PPO trains bit-identically from the same seed", "[agents][ppo]") {
  PpoConfig discrete;
  discrete.num_steps = 64;
  test::check_reproducible("CartPole-v1", 4, ppo_with(discrete), 2048);
  Preset<PpoConfig> continuous = ppo_preset("Pendulum-v1");
  continuous.config.num_steps = 128;
  test::check_reproducible("Pendulum-v1", 4, ppo_with(continuous.config), 2048);
}

TEST_CASE("a PPO policy state restores the same actions", "[agents][ppo]") {
  PpoConfig config;
  config.num_steps = 64;
  test::check_policy_round_trip("CartPole-v1", 4, ppo_with(config), 1024);
  Preset<PpoConfig> continuous = ppo_preset("Pendulum-v1");
  continuous.config.num_steps = 128;
  test::check_policy_round_trip("Pendulum-v1", 4, ppo_with(continuous.config), 1024);
}

TEST_CASE("PPO configuration errors name the field", "[agents][ppo]") {
  auto env = envs::make("CartPole-v1", {.num_envs = 4});
  PpoConfig config;
  config.num_minibatches = 3;  // 128 * 4 is not divisible by 3
  CHECK_THROWS_WITH(Ppo(*env, config), Catch::Contains("ppo.num_minibatches = 3"));
  config = {};
  config.activation = "swish";
  CHECK_THROWS_WITH(Ppo(*env, config), Catch::Contains("unknown activation 'swish'"));
}

TEST_CASE("PPO resumed from a training checkpoint continues exactly", "[agents][ppo]") {
  PpoConfig config;
  config.num_steps = 64;
  test::check_resume("CartPole-v1", 4, ppo_with(config), 1024, 1024);
  Preset<PpoConfig> continuous = ppo_preset("Pendulum-v1");
  continuous.config.num_steps = 128;
  test::check_resume("Pendulum-v1", 4, ppo_with(continuous.config), 1024, 1024);
}

#ifdef RL_COUNT_ALLOCATIONS
TEST_CASE("PPO trains without allocating after its first iteration", "[agents][ppo][alloc]") {
  PpoConfig config;
  config.num_steps = 64;
  CHECK(test::allocations_after_warmup("CartPole-v1", 4, ppo_with(config), 256, 1024) == 0);
  Preset<PpoConfig> continuous = ppo_preset("Pendulum-v1");
  continuous.config.num_steps = 64;
  CHECK(test::allocations_after_warmup("Pendulum-v1", 4, ppo_with(continuous.config), 256, 1024) ==
        0);
}
#endif

}  // namespace
}  // namespace rl::agents
