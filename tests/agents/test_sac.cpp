// SAC: learning Pendulum-v1 within the budget with the shipped preset, the squashed
// Gaussian policy against an independent computation, the sign of the entropy tuning,
// reproducibility, policy round trips and allocation-free training.
#include <cmath>
#include <numbers>
#include <string>

#include <catch2/catch.hpp>

#include "agents/evaluate.hpp"
#include "agents/sac.hpp"
#include "tests/agents/agent_checks.hpp"

namespace rl::agents {
namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;

test::MakeAgent sac_with(const SacConfig& config) {
  return [config](envs::VecEnv& env) { return std::make_unique<Sac>(env, config); };
}

/// A small, quick configuration for the mechanical tests.
SacConfig small_config() {
  SacConfig c = sac_preset("Pendulum-v1").config;
  c.hidden_size = 32;
  c.batch_size = 32;
  c.learning_starts = 100;
  c.log_interval = 100;
  return c;
}

TEST_CASE("SAC learns Pendulum-v1 within 15k steps", "[agents][sac][learning]") {
  // score: the mean return of the last 20 finished training episodes (steps 11k-15k, with
  // exploration), and, reported beside it, a 20-episode deterministic evaluation
  const Preset<SacConfig> preset = sac_preset("Pendulum-v1");
  REQUIRE(preset.num_envs == 1);
  auto env = envs::make("Pendulum-v1");
  Sac sac(*env, preset.config);
  MemoryLogger logger;
  sac.learn(15'000, logger);
  auto eval_env = envs::make("Pendulum-v1", {.num_envs = 4});
  const EvaluationResult result = evaluate(sac, *eval_env, 20, 12345, true);
  INFO("last-20 training " << sac.episodes().mean_return(20) << ", evaluation "
                           << result.mean_return() << " +- " << result.std_return());
  CHECK(sac.steps() == 15'000);
  CHECK(sac.episodes().mean_return(20) >= -200);
  for (const char* key :
       {"train/actor_loss", "train/critic_loss", "train/ent_coef", "train/ent_coef_loss",
        "train/learning_rate", "train/n_updates", "time/fps", "rollout/ep_rew_mean"}) {
    INFO(key);
    CHECK(logger.values(key).size() == 15);  // every log_interval = 1000 steps
  }
  CHECK(logger.values("train/n_updates").back() == 15'000 - preset.config.learning_starts + 1);
}

// The same policy computed in double precision straight from its definition.
struct Reference {
  double action;
  double log_prob;  // of this dimension
};
Reference reference(double mean, double raw, double eps) {
  const double log_std = -5 + 0.5 * (2 - -5) * (std::tanh(raw) + 1);
  const double std = std::exp(log_std);
  const double u = mean + std * eps;
  const double z = (u - mean) / std;
  const double gaussian = -0.5 * z * z - log_std - 0.5 * std::log(2 * std::numbers::pi);
  // 1 - tanh(u)^2 = 1 / cosh(u)^2, without the cancellation of 1 - a * a
  return {std::tanh(u), gaussian + 2 * std::log(std::cosh(u))};
}

TEST_CASE("SAC's squashed Gaussian matches its definition, values and gradients", "[agents][sac]") {
  constexpr nn::Index kRows = 6;
  constexpr nn::Index kActions = 2;
  nn::Rng rng(7);
  nn::Matrix outputs = rl::test::random_matrix(kRows, 2 * kActions, rng);  // [mean | raw]
  outputs.leftCols(kActions) *= 2;
  const nn::Matrix noise = rl::test::random_matrix(kRows, kActions, rng, -1.5, 1.5);
  // weights of a scalar loss = sum(w_a action) + sum(w_p log_prob), to check every gradient
  const nn::Matrix action_weights = rl::test::random_matrix(kRows, kActions, rng);
  const nn::Matrix log_prob_weights = rl::test::random_matrix(kRows, 1, rng);
  const auto reference_loss = [&](const nn::Matrix& out) {
    double loss = 0;
    for (nn::Index i = 0; i < kRows; ++i) {
      for (nn::Index j = 0; j < kActions; ++j) {
        const Reference r = reference(out(i, j), out(i, kActions + j), noise(i, j));
        loss += action_weights(i, j) * r.action + log_prob_weights(i, 0) * r.log_prob;
      }
    }
    return loss;
  };

  nn::Tape tape;
  const nn::Var x = tape.variable(outputs);
  const nn::Var eps = tape.constant(noise);
  const nn::Var actions = squashed_gaussian_action(x, eps);
  const nn::Var log_probs = squashed_gaussian_log_prob(x, eps);
  REQUIRE(actions.shape() == nn::Shape{kRows, kActions});
  REQUIRE(log_probs.shape() == nn::Shape{kRows, 1});
  for (nn::Index i = 0; i < kRows; ++i) {
    double log_prob = 0;
    for (nn::Index j = 0; j < kActions; ++j) {
      const Reference r = reference(outputs(i, j), outputs(i, kActions + j), noise(i, j));
      CHECK_THAT(actions.value()(i, j), WithinAbs(r.action, 1e-6));
      log_prob += r.log_prob;
    }
    CHECK_THAT(log_probs.value()(i, 0), WithinAbs(log_prob, 2e-4 * (1 + std::abs(log_prob))));
  }

  const nn::Var loss = nn::sum(actions * tape.constant(action_weights)) +
                       nn::sum(log_probs * tape.constant(log_prob_weights));
  tape.backward(loss);
  const nn::Matrix grad = x.grad();
  for (nn::Index k = 0; k < outputs.size(); ++k) {
    const double h = 1e-4;
    nn::Matrix plus = outputs;
    nn::Matrix minus = outputs;
    plus.data()[k] += static_cast<nn::Scalar>(h);
    minus.data()[k] -= static_cast<nn::Scalar>(h);
    const double numeric = (reference_loss(plus) - reference_loss(minus)) /
                           static_cast<double>(plus.data()[k] - minus.data()[k]);
    INFO("d loss / d outputs[" << k << "]");
    CHECK_THAT(grad.data()[k], WithinAbs(numeric, 2e-3 * (1 + std::abs(numeric))));
  }
}

TEST_CASE("SAC's log-probability stays finite where tanh saturates", "[agents][sac]") {
  nn::Tape tape;
  nn::Matrix outputs(1, 2);
  outputs << 30.0f, 0.0f;  // tanh(u) rounds to 1 in float
  const nn::Matrix noise = nn::Matrix::Zero(1, 1);
  const nn::Var log_prob = squashed_gaussian_log_prob(tape.variable(outputs), tape.constant(noise));
  // log N(u; mean, std) - log(1 - tanh(30)^2) = -log_std - 0.5 log(2 pi) + 2 (30 + log(1 + e^-60) -
  // log 2)
  const double log_std = -5 + 3.5;
  CHECK_THAT(
      log_prob.item(),
      WithinAbs(-log_std - 0.5 * std::log(2 * std::numbers::pi) + 2 * (30 - std::log(2.0)), 1e-3));
}

TEST_CASE("SAC's entropy tuning lowers alpha above the target entropy, raises it below",
          "[agents][sac]") {
  // One update: Adam's first step moves log alpha by exactly q_lr against the gradient
  // dL/dlog_alpha = -(mean log pi + target_entropy). The fresh policy's entropy is about 0.
  NullLogger logger;
  SacConfig config = small_config();
  config.learning_starts = 10;
  {
    auto env = envs::make("Pendulum-v1");
    Sac sac(*env, config);  // target -1: the entropy is above it
    REQUIRE(sac.target_entropy() == -1);
    sac.learn(10, logger);
    REQUIRE(sac.updates() == 1);
    CHECK_THAT(sac.alpha(), WithinAbs(std::exp(-config.q_lr), 1e-6));
  }
  {
    config.target_entropy = 0.6;  // near the most a distribution on [-1, 1] can have, log 2
    auto env = envs::make("Pendulum-v1");
    Sac sac(*env, config);
    sac.learn(10, logger);
    CHECK_THAT(sac.alpha(), WithinAbs(std::exp(config.q_lr), 1e-6));
  }
  {
    config.autotune = false;
    config.alpha = 0.3;
    auto env = envs::make("Pendulum-v1");
    Sac sac(*env, config);
    sac.learn(20, logger);
    CHECK(sac.alpha() == 0.3);
  }
}

TEST_CASE("SAC updates from learning_starts on and acts within the action bounds",
          "[agents][sac]") {
  SacConfig config = small_config();
  config.learning_starts = 400;
  auto env = envs::make("Pendulum-v1", {.num_envs = 2});
  Sac sac(*env, config);
  NullLogger logger;
  sac.learn(398, logger);
  CHECK(sac.updates() == 0);
  CHECK(sac.episodes().episodes() == 0);
  sac.learn(2, logger);
  CHECK(sac.steps() == 400);
  CHECK(sac.updates() == 1);
  CHECK(sac.episodes().episodes() == 2);  // both envs truncated after 200 steps
  nn::Rng rng(5);
  const nn::Matrix observations = rl::test::random_matrix(64, 3, rng);
  for (bool deterministic : {true, false}) {
    Actions actions;
    sac.act(envs::ObservationMatrix(observations.data(), 64, 3), deterministic, actions);
    REQUIRE(actions.continuous.size() == 64);
    for (float a : actions.continuous) {
      CHECK((a >= -2 && a <= 2));
    }
  }
}

TEST_CASE("SAC trains bit-identically from the same seed", "[agents][sac]") {
  test::check_reproducible("Pendulum-v1", 1, sac_with(small_config()), 500);
  test::check_reproducible("Pendulum-v1", 3, sac_with(small_config()), 600);
}

TEST_CASE("a SAC policy state restores the same actions", "[agents][sac]") {
  test::check_policy_round_trip("Pendulum-v1", 1, sac_with(small_config()), 400);
}

TEST_CASE("SAC resumed from a training checkpoint continues exactly", "[agents][sac]") {
  test::check_resume("Pendulum-v1", 1, sac_with(small_config()), 450, 300);
  test::check_resume("Pendulum-v1", 3, sac_with(small_config()), 450, 300);
}

TEST_CASE("SAC checks its configuration and action space", "[agents][sac]") {
  auto pendulum = envs::make("Pendulum-v1");
  const auto fails_with = [&](auto change, const std::string& field) {
    SacConfig config;
    change(config);
    CHECK_THROWS_WITH(Sac(*pendulum, config), Contains(field));
  };
  fails_with([](SacConfig& c) { c.gamma = 1.5; }, "sac.gamma");
  fails_with([](SacConfig& c) { c.tau = 0; }, "sac.tau");
  fails_with([](SacConfig& c) { c.batch_size = 0; }, "sac.batch_size");
  fails_with([](SacConfig& c) { c.policy_frequency = 0; }, "sac.policy_frequency");
  fails_with([](SacConfig& c) { c.initial_alpha = 0; }, "sac.initial_alpha");
  fails_with([](SacConfig& c) { c.activation = "swish"; }, "unknown activation 'swish'");
  auto cartpole = envs::make("CartPole-v1");
  CHECK_THROWS_WITH(Sac(*cartpole, SacConfig{}), Contains("SAC needs Box actions"));
}

#ifdef RL_COUNT_ALLOCATIONS
TEST_CASE("SAC's training loop allocates nothing after warm-up", "[agents][sac][alloc]") {
  // warm-up: random steps, the first updates, an episode end and a log; then 300 more steps
  // with updates, an episode end and logs
  CHECK(test::allocations_after_warmup("Pendulum-v1", 1, sac_with(small_config()), 250, 300) == 0);
  CHECK(test::allocations_after_warmup("Pendulum-v1", 2, sac_with(small_config()), 250, 300) == 0);
}
#endif

}  // namespace
}  // namespace rl::agents
