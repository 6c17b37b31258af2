// DQN: the TD target (double vs vanilla, termination vs truncation), the dueling head, the
// epsilon schedule, learning within the budgets with the shipped presets,
// reproducibility, policy round trips and allocation-free training.
#include <algorithm>
#include <span>
#include <vector>

#include <catch2/catch.hpp>

#include "agents/dqn.hpp"
#include "agents/evaluate.hpp"
#include "nn/functional.hpp"
#include "tests/agents/agent_checks.hpp"
#include "tests/support/random_matrix.hpp"

namespace rl::agents {
namespace {

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

test::MakeAgent dqn_with(DqnConfig config) {
  return [config](envs::VecEnv& env) { return std::make_unique<Dqn>(env, config); };
}

/// A short-run configuration that trains early and often, with every extension switched on or off.
DqnConfig quick_config(bool extensions) {
  DqnConfig c;
  c.learning_starts = 500;
  c.train_frequency = 4;
  c.target_network_frequency = 200;
  c.batch_size = 32;
  c.total_steps = 3000;
  c.hidden = "32,32";
  if (extensions) {
    c.double_q = true;
    c.dueling = true;
    c.n_step = 3;
    c.prioritized = true;
    c.loss = "huber";
    c.max_grad_norm = 10;
    c.tau = 0.5;
    c.gradient_steps = 2;
    c.scale_observations = true;
  }
  return c;
}

TEST_CASE("the DQN target bootstraps through truncation and stops at termination",
          "[agents][dqn]") {
  // three transitions as the replay buffer stores them: one cut off by the time limit (truncated,
  // its next observation the final one), one that terminated, and a 3-step one
  ReplayBuffer buffer(3, 1, 1, true);
  const std::vector<float> s = {0};
  const std::vector<float> a = {1};
  const std::vector<float> final_observation = {7};
  buffer.add(s, a, 1.0, final_observation, false, true, 0.9);
  buffer.add(s, a, 2.0, final_observation, true, false, 0.9);
  buffer.add(s, a, 3.0, final_observation, false, false, 0.9 * 0.9 * 0.9);
  ReplayBatch batch;
  const std::vector<std::int64_t> rows = {0, 1, 2};
  buffer.gather(rows, batch);

  nn::Matrix target_next_q(3, 2);  // Q_target(s', .)
  target_next_q << 10, 20,  //
      30, 40,  //
      50, 60;
  nn::Matrix online_next_q(3, 2);  // Q_online(s', .) prefers the other action in rows 0 and 2
  online_next_q << 5, 1,  //
      1, 5,  //
      9, 8;
  nn::Matrix targets;

  SECTION("vanilla: the target network picks and evaluates a'") {
    dqn_targets(target_next_q, target_next_q, batch, targets);
    CHECK_THAT(targets(0, 0), WithinRel(1.0f + 0.9f * 20, 1e-6f));  // truncated: bootstraps
    CHECK(targets(1, 0) == 2.0f);  // terminated: the reward alone
    CHECK_THAT(targets(2, 0), WithinRel(3.0f + 0.729f * 60, 1e-6f));
  }
  SECTION("double: the online network picks a', the target network evaluates it") {
    dqn_targets(target_next_q, online_next_q, batch, targets);
    CHECK_THAT(targets(0, 0), WithinRel(1.0f + 0.9f * 10, 1e-6f));
    CHECK(targets(1, 0) == 2.0f);
    CHECK_THAT(targets(2, 0), WithinRel(3.0f + 0.729f * 50, 1e-6f));
  }
}

TEST_CASE("n-step transitions reach the DQN target with gamma^n and their own flags",
          "[agents][dqn]") {
  // rewards 1, 2, 4 then truncation: the first transition sums all three and bootstraps
  // from the final observation with gamma^3; had the episode terminated it would not
  NStepCollector collector(1, 3, 0.5, 1, 1);
  for (const bool terminated : {false, true}) {
    ReplayBuffer buffer(8, 1, 1, true);
    const auto store = [&](std::span<const float> o, std::span<const float> act, double r,
                           std::span<const float> next, bool term, bool trunc,
                           double discount) { buffer.add(o, act, r, next, term, trunc, discount); };
    const std::vector<float> a = {0};
    const std::vector<float> obs[] = {{0}, {1}, {2}, {3}};
    collector.add(0, obs[0], a, 1, obs[1], false, false, store);
    collector.add(0, obs[1], a, 2, obs[2], false, false, store);
    collector.add(0, obs[2], a, 4, obs[3], terminated, !terminated, store);
    REQUIRE(buffer.size() == 3);
    ReplayBatch batch;
    const std::vector<std::int64_t> first = {0};
    buffer.gather(first, batch);
    const nn::Matrix next_q = nn::Matrix::Constant(1, 1, 8);
    nn::Matrix targets;
    dqn_targets(next_q, next_q, batch, targets);
    const float rewards = 1 + 0.5f * 2 + 0.25f * 4;
    CHECK(targets(0, 0) == (terminated ? rewards : rewards + 0.125f * 8));
  }
}

TEST_CASE("the dueling head's advantages average to zero over actions", "[agents][dqn]") {
  auto env = envs::make("Acrobot-v1");
  DqnConfig config;
  config.dueling = true;
  QNetwork net(env->spec().observation_space, 3, config, 7);
  nn::Rng rng(1);
  const nn::Matrix observations = rl::test::random_matrix(16, 6, rng);
  nn::Tape tape;
  const nn::Var x = tape.constant(observations);
  const nn::Var q = net.forward(tape, x);
  const nn::Var features = net.torso.forward(tape, x);
  const nn::Matrix v = net.value.forward(tape, features).value();
  const nn::Matrix advantages = net.advantage.forward(tape, features).value();
  REQUIRE(q.rows() == 16);
  REQUIRE(q.cols() == 3);
  for (nn::Index i = 0; i < 16; ++i) {
    const nn::RowVector q_minus_v = q.value().row(i).array() - v(i, 0);
    const nn::RowVector centred = advantages.row(i).array() - advantages.row(i).mean();
    CHECK_THAT(q_minus_v.mean(), WithinAbs(0, 1e-6));
    CHECK(q_minus_v.isApprox(centred, 1e-5f));
  }
}

TEST_CASE("the Q-network takes images through a conv torso", "[agents][dqn]") {
  const envs::Space images = envs::Box::uniform(0, 1, {2, 6, 6});
  for (const bool dueling : {false, true}) {
    DqnConfig config;
    config.dueling = dueling;
    config.hidden = "32";
    QNetwork net(images, 4, config, 3);
    nn::Rng rng(2);
    nn::Tape tape;
    const nn::Var q = net.forward(tape, tape.constant(rl::test::random_matrix(5, 72, rng)));
    CHECK(q.rows() == 5);
    CHECK(q.cols() == 4);
  }
}

TEST_CASE("target updates copy or blend the online weights", "[agents][dqn]") {
  auto env = envs::make("CartPole-v1");
  DqnConfig config;
  config.dueling = true;
  QNetwork online(env->spec().observation_space, 2, config, 1);
  QNetwork target(env->spec().observation_space, 2, config, 2);
  const nn::Vector before = target.advantage.params().values();
  update_target(online, target, 0.25);
  const nn::Vector expected = 0.25f * online.advantage.params().values() + 0.75f * before;
  CHECK(target.advantage.params().values().isApprox(expected, 1e-6f));
  update_target(online, target, 1.0);
  CHECK(target.torso.params().values() == online.torso.params().values());
  CHECK(target.value.params().values() == online.value.params().values());
  CHECK(target.advantage.params().values() == online.advantage.params().values());
}

TEST_CASE("epsilon decays linearly over exploration_fraction of total_steps", "[agents][dqn]") {
  DqnConfig config;
  config.start_e = 1.0;
  config.end_e = 0.05;
  config.exploration_fraction = 0.5;
  config.total_steps = 1000;
  CHECK(dqn_epsilon(config, 0) == 1.0);
  CHECK_THAT(dqn_epsilon(config, 250), WithinRel(0.525, 1e-12));
  CHECK_THAT(dqn_epsilon(config, 500), WithinRel(0.05, 1e-12));
  CHECK_THAT(dqn_epsilon(config, 100'000), WithinRel(0.05, 1e-12));
  config.exploration_fraction = 0;
  CHECK_THAT(dqn_epsilon(config, 0), WithinRel(0.05, 1e-12));
}

TEST_CASE("DQN learns CartPole-v1 within 100k steps", "[agents][dqn][learning]") {
  // score: a 20-episode greedy evaluation after training
  const Preset<DqnConfig> preset = dqn_preset("CartPole-v1");
  REQUIRE(preset.steps <= 100'000);
  auto env = envs::make("CartPole-v1", {.num_envs = preset.num_envs});
  Dqn dqn(*env, preset.config);
  MemoryLogger logger;
  dqn.learn(preset.steps, logger);
  auto eval_env = envs::make("CartPole-v1");
  const EvaluationResult result = evaluate(dqn, *eval_env, 20, 12345, true);
  INFO("evaluation " << result.mean_return() << " +- " << result.std_return()
                     << ", last-20 training " << dqn.episodes().mean_return(20));
  CHECK(result.mean_return() >= 475);
  for (const char* key : {"rollout/ep_rew_mean", "rollout/ep_len_mean", "rollout/exploration_rate",
                          "train/loss", "train/q_values", "train/grad_norm", "train/learning_rate",
                          "train/n_updates", "time/fps"}) {
    INFO(key);
    CHECK_FALSE(logger.values(key).empty());
  }
}

TEST_CASE("DQN learns Acrobot-v1 within 100k steps", "[agents][dqn][learning]") {
  // score: the mean return of the last 20 finished training episodes
  const Preset<DqnConfig> preset = dqn_preset("Acrobot-v1");
  REQUIRE(preset.steps <= 100'000);
  auto env = envs::make("Acrobot-v1", {.num_envs = preset.num_envs});
  Dqn dqn(*env, preset.config);
  NullLogger logger;
  dqn.learn(preset.steps, logger);
  INFO("last-20 mean return " << dqn.episodes().mean_return(20));
  CHECK(dqn.episodes().mean_return(20) >= -100);
}

TEST_CASE("DQN learns MountainCar-v0 within 150k steps", "[agents][dqn][learning]") {
  // score: a 20-episode greedy evaluation after training
  const Preset<DqnConfig> preset = dqn_preset("MountainCar-v0");
  REQUIRE(preset.steps <= 150'000);
  auto env = envs::make("MountainCar-v0", {.num_envs = preset.num_envs});
  Dqn dqn(*env, preset.config);
  NullLogger logger;
  dqn.learn(preset.steps, logger);
  auto eval_env = envs::make("MountainCar-v0");
  const EvaluationResult result = evaluate(dqn, *eval_env, 20, 12345, true);
  INFO("evaluation " << result.mean_return() << " +- " << result.std_return()
                     << ", last-20 training " << dqn.episodes().mean_return(20));
  CHECK(result.mean_return() >= -110);
}

TEST_CASE("DQN trains bit-identically from the same seed", "[agents][dqn]") {
  test::check_reproducible("CartPole-v1", 1, dqn_with(quick_config(false)), 3000);
  test::check_reproducible("Acrobot-v1", 4, dqn_with(quick_config(true)), 3000);
}

TEST_CASE("a DQN policy state restores the same greedy actions", "[agents][dqn]") {
  test::check_policy_round_trip("CartPole-v1", 1, dqn_with(quick_config(false)), 1000);
  test::check_policy_round_trip("Acrobot-v1", 2, dqn_with(quick_config(true)), 1000);
}

TEST_CASE("DQN resumed from a training checkpoint continues exactly", "[agents][dqn]") {
  // mid-run: the replay, the pending n-step transitions and the target network all carry over
  test::check_resume("CartPole-v1", 1, dqn_with(quick_config(false)), 1500, 1500);
  test::check_resume("Acrobot-v1", 4, dqn_with(quick_config(true)), 1501, 1500);
}

TEST_CASE("DQN explores with epsilon and acts greedily when deterministic", "[agents][dqn]") {
  auto env = envs::make("CartPole-v1", {.num_envs = 256});
  DqnConfig config;
  config.start_e = 1.0;
  Dqn dqn(*env, config);
  const envs::Batch& batch = env->reset(3);
  Actions greedy;
  Actions again;
  Actions sampled;
  dqn.act(batch.observation_matrix(), true, greedy);
  dqn.act(batch.observation_matrix(), true, again);
  dqn.act(batch.observation_matrix(), false, sampled);  // epsilon 1: uniformly random
  CHECK(greedy.discrete == again.discrete);
  const auto ones = std::count(sampled.discrete.begin(), sampled.discrete.end(), 1);
  CHECK(ones > 90);
  CHECK(ones < 166);
}

TEST_CASE("DQN configuration errors name the field", "[agents][dqn]") {
  auto env = envs::make("CartPole-v1");
  DqnConfig config;
  config.loss = "l1";
  CHECK_THROWS_WITH(Dqn(*env, config), Catch::Contains("dqn.loss = 'l1'"));
  config = {};
  config.hidden = "64,,64";
  CHECK_THROWS_WITH(Dqn(*env, config), Catch::Contains("dqn.hidden = '64,,64'"));
  config = {};
  config.gamma = 1.5;
  CHECK_THROWS_WITH(Dqn(*env, config), Catch::Contains("dqn.gamma = 1.5"));
  config = {};
  config.dueling = true;
  config.hidden = "";
  CHECK_THROWS_WITH(Dqn(*env, config), Catch::Contains("dqn.dueling"));
  auto pendulum = envs::make("Pendulum-v1");
  CHECK_THROWS_WITH(Dqn(*pendulum, DqnConfig{}), Catch::Contains("DQN needs Discrete actions"));
  CHECK(parse_hidden_sizes("120,84") == std::vector<nn::Index>{120, 84});
  CHECK(parse_hidden_sizes("").empty());
}

#ifdef RL_COUNT_ALLOCATIONS
TEST_CASE("DQN trains without allocating once training has started", "[agents][dqn][alloc]") {
  CHECK(test::allocations_after_warmup("CartPole-v1", 1, dqn_with(quick_config(false)), 1000,
                                       2000) == 0);
  CHECK(test::allocations_after_warmup("Acrobot-v1", 4, dqn_with(quick_config(true)), 1000, 2000) ==
        0);
}
#endif

}  // namespace
}  // namespace rl::agents
