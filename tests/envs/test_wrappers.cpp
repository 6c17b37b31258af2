// The wrappers against independent recomputations: each wrapped env is stepped side by side with
// an identical unwrapped env (same seed, same actions), and what the wrapper returns is rebuilt
// from the unwrapped env's output with the formulas of SB3's VecNormalize and Gymnasium's
// ClipAction, RescaleAction and FrameStackObservation, computed here from scratch.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "envs/random.hpp"
#include "envs/registry.hpp"
#include "envs/wrappers/actions.hpp"
#include "envs/wrappers/frame_stack.hpp"
#include "envs/wrappers/normalize.hpp"
#include "envs/wrappers/running_mean_std.hpp"

namespace rl::envs {
namespace {

using Catch::Matchers::Contains;

std::unique_ptr<VecEnv> make_env(const std::string& id, std::int64_t num_envs, std::uint64_t seed,
                                 AutoReset autoreset = AutoReset::kSameStep,
                                 std::optional<int> max_episode_steps = std::nullopt) {
  return make(id, EnvOptions{.num_envs = num_envs,
                             .threads = 1,
                             .max_episode_steps = max_episode_steps,
                             .autoreset = autoreset,
                             .seed = seed,
                             .params = {}});
}

/// Random actions for every env from the unwrapped env's action space, one batch at a time, so
/// that a wrapped and an unwrapped env can be given the same ones.
class RandomActions {
 public:
  RandomActions(const Space& space, std::int64_t num_envs, std::uint64_t seed)
      : space_(space), num_envs_(num_envs), rng_(seed) {
    discrete_.resize(static_cast<size_t>(num_envs));
    box_.resize(static_cast<size_t>(num_envs * flat_size(space)));
  }

  void next() {
    if (const auto* discrete = std::get_if<Discrete>(&space_)) {
      for (auto& a : discrete_) {
        a = static_cast<std::int32_t>(discrete->sample(rng_));
      }
      return;
    }
    const Box& box = std::get<Box>(space_);
    const auto size = static_cast<size_t>(box.size());
    for (std::int64_t i = 0; i < num_envs_; ++i) {
      box.sample(rng_, std::span<float>(box_).subspan(static_cast<size_t>(i) * size, size));
    }
  }
  const Batch& step(VecEnv& env) const {
    if (std::holds_alternative<Discrete>(space_)) {
      return env.step(std::span<const std::int32_t>(discrete_));
    }
    return env.step(std::span<const float>(box_));
  }

 private:
  Space space_;
  std::int64_t num_envs_;
  NumpyRandom rng_;
  std::vector<std::int32_t> discrete_;
  std::vector<float> box_;
};

/// The message of the rl::Error that f throws, or "" when it throws none.
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::vector<float> row(std::span<const float> values) {
  return {values.begin(), values.end()};
}

std::vector<double> state_of(const VecEnv& env, std::int64_t i) {
  std::vector<double> state(static_cast<size_t>(env.state_size()));
  env.get_state(i, state);
  return state;
}

/// Everything a draw list holds, as text, so two scenes can be compared.
std::string describe(const sim::DrawList& scene) {
  std::ostringstream out;
  out.precision(17);
  const auto point = [&](const sim::Vec2& p) { out << '(' << p.x << ' ' << p.y << ')'; };
  point(scene.world_min);
  point(scene.world_max);
  for (const sim::Shape& shape : scene.shapes) {
    out << " |" << shape.index() << ':';
    if (const auto* segment = std::get_if<sim::Segment>(&shape)) {
      point(segment->from);
      point(segment->to);
    } else if (const auto* polyline = std::get_if<sim::Polyline>(&shape)) {
      std::for_each(polyline->points.begin(), polyline->points.end(), point);
    } else if (const auto* polygon = std::get_if<sim::Polygon>(&shape)) {
      std::for_each(polygon->points.begin(), polygon->points.end(), point);
    } else if (const auto* circle = std::get_if<sim::Circle>(&shape)) {
      point(circle->center);
      out << circle->radius;
    } else {
      const auto& text = std::get<sim::Text>(shape);
      point(text.position);
      out << text.text;
    }
  }
  return out.str();
}

/// float32 closeness for values computed in a different order: a few ulps of the larger side.
bool close(double got, double expected) {
  return std::abs(got - expected) <= 1e-6 * std::max(1.0, std::abs(expected));
}

/// (x - mean) / sqrt(var + epsilon), clipped to [-clip, clip].
double normalized(float x, const RunningMeanStd& s, size_t j, double clip, double epsilon = 1e-8) {
  const double z = (static_cast<double>(x) - s.mean[j]) / std::sqrt(s.var[j] + epsilon);
  return std::clamp(z, -clip, clip);
}

/// Counts the values of `got` (rows of `size`) that are not `stats`' normalisation of `raw`.
int count_unnormalized(std::span<const float> got, std::span<const float> raw,
                       const RunningMeanStd& stats, double clip) {
  int wrong = 0;
  const size_t size = stats.mean.size();
  for (size_t k = 0; k < got.size(); ++k) {
    wrong += close(got[k], normalized(raw[k], stats, k % size, clip)) ? 0 : 1;
  }
  return wrong;
}

/// Counts the values of `got` that are not exactly the float32 of `stats`' normalisation of `raw`.
int count_inexact(std::span<const float> got, std::span<const float> raw,
                  const RunningMeanStd& stats, double clip) {
  int wrong = 0;
  const size_t size = stats.mean.size();
  for (size_t k = 0; k < got.size(); ++k) {
    wrong += got[k] == static_cast<float>(normalized(raw[k], stats, k % size, clip)) ? 0 : 1;
  }
  return wrong;
}

constexpr double kInitialCount = 1e-4;  // SB3's RunningMeanStd starts at mean 0, var 1, count 1e-4

TEST_CASE("NormalizeObservation keeps running statistics of every observation it returns",
          "[envs][wrappers]") {
  constexpr std::int64_t kEnvs = 64;
  constexpr int kSteps = 2000;
  constexpr double kClip = 2.0;  // small enough that some observations are clipped
  auto owned = std::make_unique<NormalizeObservation>(make_env("CartPole-v1", kEnvs, 1),
                                                      NormalizeObservationConfig{.clip = kClip});
  NormalizeObservation& wrapped = *owned;
  const auto raw = make_env("CartPole-v1", kEnvs, 1);
  RandomActions actions(raw->spec().action_space, kEnvs, 77);

  CHECK(to_string(wrapped.spec().observation_space) == "Box(-2, 2, (4,), float32)");
  CHECK(wrapped.statistics().mean == std::vector<double>(4, 0.0));
  CHECK(wrapped.statistics().var == std::vector<double>(4, 1.0));

  std::vector<float> seen;  // every observation the unwrapped env returned, reset batch included
  const Batch& first = wrapped.reset(5);
  const Batch& raw_first = raw->reset(5);
  seen.insert(seen.end(), raw_first.observations.begin(), raw_first.observations.end());
  CHECK(count_unnormalized(first.observations, raw_first.observations, wrapped.statistics(),
                           kClip) == 0);
  CHECK(wrapped.statistics().count == Approx(kEnvs + kInitialCount));

  int wrong = 0;
  int wrong_final = 0;
  int finals = 0;
  int clipped = 0;
  int wrong_passthrough = 0;
  for (int t = 0; t < kSteps; ++t) {
    actions.next();
    const Batch& out = actions.step(wrapped);
    const Batch& expected = actions.step(*raw);
    seen.insert(seen.end(), expected.observations.begin(), expected.observations.end());
    const RunningMeanStd& stats = wrapped.statistics();
    wrong += count_unnormalized(out.observations, expected.observations, stats, kClip);
    for (std::int64_t i = 0; i < kEnvs; ++i) {
      for (const float x : out.observation(i)) {
        clipped += std::abs(x) == static_cast<float>(kClip) ? 1 : 0;
      }
      const auto k = static_cast<size_t>(i);
      wrong_passthrough += out.rewards[k] != expected.rewards[k] ||
                                   out.terminated[k] != expected.terminated[k] ||
                                   out.truncated[k] != expected.truncated[k]
                               ? 1
                               : 0;
      if (expected.done(i)) {
        REQUIRE(out.done(i));
        ++finals;
        wrong_final += count_unnormalized(out.final_observation(i), expected.final_observation(i),
                                          stats, kClip);
        wrong_passthrough += out.episode_returns[k] != expected.episode_returns[k] ||
                                     out.episode_lengths[k] != expected.episode_lengths[k]
                                 ? 1
                                 : 0;
      }
    }
  }
  CHECK(wrong == 0);
  CHECK(finals > 1000);  // random CartPole episodes last about 20 steps
  CHECK(wrong_final == 0);
  CHECK(clipped > 0);
  CHECK(wrong_passthrough == 0);

  // The statistics against a direct two-pass computation over `seen`. SB3 starts from a
  // pseudo-sample (mean 0, var 1, weight 1e-4), so the exact target pools it in; the plain
  // mean/var of the observations agree up to that weight.
  const RunningMeanStd& stats = wrapped.statistics();
  const size_t rows = seen.size() / 4;
  REQUIRE(rows == static_cast<size_t>(kEnvs * (kSteps + 1)));
  CHECK(stats.count == Approx(static_cast<double>(rows) + kInitialCount).epsilon(1e-12));
  for (size_t j = 0; j < 4; ++j) {
    INFO("feature " << j);
    double sum = 0;
    for (size_t r = 0; r < rows; ++r) {
      sum += seen[r * 4 + j];
    }
    const double mean = sum / static_cast<double>(rows);
    const double pooled_mean = sum / (static_cast<double>(rows) + kInitialCount);
    double squares = 0;
    double pooled_squares = kInitialCount * (1.0 + pooled_mean * pooled_mean);
    for (size_t r = 0; r < rows; ++r) {
      squares += (seen[r * 4 + j] - mean) * (seen[r * 4 + j] - mean);
      pooled_squares += (seen[r * 4 + j] - pooled_mean) * (seen[r * 4 + j] - pooled_mean);
    }
    const double var = squares / static_cast<double>(rows);
    const double pooled_var = pooled_squares / (static_cast<double>(rows) + kInitialCount);
    CHECK(var > 1e-3);  // the check below would be vacuous for a constant feature
    CHECK(stats.mean[j] == Approx(pooled_mean).epsilon(1e-9).margin(1e-12));
    CHECK(stats.var[j] == Approx(pooled_var).epsilon(1e-9));
    CHECK(stats.mean[j] == Approx(mean).epsilon(1e-6).margin(1e-6));
    CHECK(stats.var[j] == Approx(var).epsilon(1e-6));
  }
}

TEST_CASE("NormalizeObservation with updates off applies exactly the statistics it was given",
          "[envs][wrappers]") {
  constexpr std::int64_t kEnvs = 8;
  auto owned = std::make_unique<NormalizeObservation>(make_env("CartPole-v1", kEnvs, 2));
  NormalizeObservation& wrapped = *owned;
  const auto raw = make_env("CartPole-v1", kEnvs, 2);
  RandomActions actions(raw->spec().action_space, kEnvs, 3);

  RunningMeanStd given(4);
  given.mean = {0.1, -0.2, 0.03, 0.5};
  given.var = {0.25, 4.0, 0.0001, 1.0};  // the third feature is scaled by ~100, often clipped
  given.count = 10;
  wrapped.set_statistics(given);
  wrapped.set_update(false);

  const Batch& first = wrapped.reset(9);
  const Batch& raw_first = raw->reset(9);
  CHECK(count_unnormalized(first.observations, raw_first.observations, given, 10.0) == 0);
  int wrong = 0;
  int finals = 0;
  for (int t = 0; t < 300; ++t) {
    actions.next();
    const Batch& out = actions.step(wrapped);
    const Batch& expected = actions.step(*raw);
    // exactly the formula, not merely close to it
    wrong += count_inexact(out.observations, expected.observations, given, 10.0);
    for (std::int64_t i = 0; i < kEnvs; ++i) {
      if (expected.done(i)) {
        ++finals;
        wrong +=
            count_inexact(out.final_observation(i), expected.final_observation(i), given, 10.0);
      }
    }
  }
  CHECK(wrong == 0);
  CHECK(finals > 0);
  CHECK(wrapped.statistics().mean == given.mean);
  CHECK(wrapped.statistics().var == given.var);
  CHECK(wrapped.statistics().count == given.count);

  SECTION("turning updates back on changes the statistics") {
    wrapped.set_update(true);
    actions.next();
    actions.step(wrapped);
    CHECK(wrapped.statistics().count == given.count + kEnvs);
    CHECK(wrapped.statistics().mean != given.mean);
  }
  SECTION("statistics of another size are refused") {
    CHECK_THAT(error_of([&] { wrapped.set_statistics(RunningMeanStd(3)); }),
               Contains("statistics for 3 features do not fit observations of 4"));
  }
}

TEST_CASE("NormalizeReward divides rewards by the running std of the discounted return",
          "[envs][wrappers]") {
  struct Case {
    const char* id;
    std::int64_t num_envs;
    std::optional<int> max_episode_steps;
    double gamma;
  };
  // CartPole ends episodes by termination (reward always 1); Pendulum by a short time limit,
  // with rewards that vary every step.
  const Case cases[] = {{"CartPole-v1", 64, std::nullopt, 0.99}, {"Pendulum-v1", 16, 37, 0.9}};
  for (const Case& c : cases) {
    INFO(c.id);
    const NormalizeRewardConfig config{.gamma = c.gamma, .clip = 10.0, .epsilon = 1e-8};
    auto owned = std::make_unique<NormalizeReward>(
        make_env(c.id, c.num_envs, 4, AutoReset::kSameStep, c.max_episode_steps), config);
    NormalizeReward& wrapped = *owned;
    const auto raw = make_env(c.id, c.num_envs, 4, AutoReset::kSameStep, c.max_episode_steps);
    RandomActions actions(raw->spec().action_space, c.num_envs, 5);
    wrapped.reset(10);
    raw->reset(10);

    // Welford's one-value-at-a-time update, starting from SB3's pseudo-sample (mean 0, var 1,
    // weight 1e-4); the wrapper combines whole batches instead.
    double count = kInitialCount;
    double mean = 0;
    double m2 = kInitialCount * 1.0;
    std::vector<double> returns(static_cast<size_t>(c.num_envs), 0.0);

    int wrong = 0;
    int wrong_passthrough = 0;
    int clipped = 0;
    int dones = 0;
    for (int t = 0; t < 600; ++t) {
      if (t == 250) {  // a reset in the middle of episodes starts their returns from 0
        const Batch& reset = wrapped.reset(11);
        raw->reset(11);
        std::fill(returns.begin(), returns.end(), 0.0);
        CHECK(std::all_of(reset.rewards.begin(), reset.rewards.end(),
                          [](float r) { return r == 0.0f; }));
      }
      actions.next();
      const Batch& out = actions.step(wrapped);
      const Batch& expected = actions.step(*raw);
      for (size_t k = 0; k < returns.size(); ++k) {
        returns[k] = c.gamma * returns[k] + expected.rewards_exact[k];
        count += 1;
        const double delta = returns[k] - mean;
        mean += delta / count;
        m2 += delta * (returns[k] - mean);
      }
      const double scale = 1.0 / std::sqrt(m2 / count + config.epsilon);
      for (size_t k = 0; k < returns.size(); ++k) {
        const double unclipped = expected.rewards_exact[k] * scale;
        clipped += std::abs(unclipped) > config.clip ? 1 : 0;
        wrong += close(out.rewards[k], std::clamp(unclipped, -config.clip, config.clip)) ? 0 : 1;
        wrong_passthrough += out.rewards_exact[k] != expected.rewards_exact[k] ||
                                     out.terminated[k] != expected.terminated[k] ||
                                     out.truncated[k] != expected.truncated[k]
                                 ? 1
                                 : 0;
        if (expected.done(static_cast<std::int64_t>(k))) {
          ++dones;
          returns[k] = 0;
          wrong_passthrough += out.episode_returns[k] != expected.episode_returns[k] ||
                                       out.episode_lengths[k] != expected.episode_lengths[k]
                                   ? 1
                                   : 0;
        }
      }
      for (size_t k = 0; k < out.observations.size(); ++k) {
        wrong_passthrough += out.observations[k] != expected.observations[k] ? 1 : 0;
      }
    }
    CHECK(wrong == 0);
    CHECK(wrong_passthrough == 0);
    CHECK(dones > 100);
    if (std::string(c.id) == "CartPole-v1") {
      CHECK(clipped > 0);  // the first steps' returns hardly vary, so 1 / std is huge
    }
    CHECK(wrapped.statistics().count == Approx(count).epsilon(1e-12));
    CHECK(wrapped.statistics().mean[0] == Approx(mean).epsilon(1e-9));
    CHECK(wrapped.statistics().var[0] == Approx(m2 / count).epsilon(1e-9));
  }
}

TEST_CASE("ClipAction steps the env with actions clipped to its bounds", "[envs][wrappers]") {
  constexpr std::int64_t kEnvs = 3;
  const char* id = "MountainCarContinuous-v0";
  ClipAction wrapped(make_env(id, kEnvs, 6));
  const auto clipped_raw = make_env(id, kEnvs, 6);  // given the clipped actions
  const auto unclipped_raw = make_env(id, kEnvs, 6);  // given the same actions as the wrapper

  const Box& space = std::get<Box>(wrapped.spec().action_space);
  CHECK_FALSE(space.bounded());
  CHECK(space.shape == std::vector<std::int64_t>{1});
  CHECK(to_string(space) == "Box(-inf, inf, (1,), float32)");
  CHECK(to_string(wrapped.inner().spec().action_space) == "Box(-1, 1, (1,), float32)");

  wrapped.reset(12);
  clipped_raw->reset(12);
  unclipped_raw->reset(12);
  NumpyRandom rng(13);
  int reward_differs = 0;
  for (int t = 0; t < 200; ++t) {
    std::vector<float> action = {3.0f, -3.0f, 0.5f};
    if (t % 2 == 1) {  // anything in [-4, 4]
      for (float& a : action) {
        a = static_cast<float>(rng.uniform(-4.0, 4.0));
      }
    }
    std::vector<float> clipped(action.size());
    for (size_t k = 0; k < action.size(); ++k) {
      clipped[k] = std::min(std::max(action[k], -1.0f), 1.0f);
    }
    const Batch& out = wrapped.step(action);
    const Batch& expected = clipped_raw->step(clipped);
    const Batch& unclipped = unclipped_raw->step(action);
    for (std::int64_t i = 0; i < kEnvs; ++i) {
      INFO("step " << t << " env " << i << " action " << action[static_cast<size_t>(i)]);
      const auto k = static_cast<size_t>(i);
      REQUIRE(state_of(wrapped, i) == state_of(*clipped_raw, i));
      REQUIRE(row(out.observation(i)) == row(expected.observation(i)));
      REQUIRE(out.rewards_exact[k] == expected.rewards_exact[k]);
      // the dynamics clip by themselves, but the reward charges the action as given
      REQUIRE(state_of(wrapped, i) == state_of(*unclipped_raw, i));
      if (std::abs(action[k]) > 1.0f) {
        REQUIRE(unclipped.rewards_exact[k] < out.rewards_exact[k]);
        ++reward_differs;
      }
    }
  }
  CHECK(reward_differs > 300);

  CHECK_THAT(error_of([&] {
               wrapped.step(std::vector<float>{1.0f, 1.0f});
             }),
             Contains("ClipAction on MountainCarContinuous-v0: got 2 action values; pass 3"));
}

TEST_CASE("RescaleAction maps [min_action, max_action] onto the env's bounds", "[envs][wrappers]") {
  constexpr std::int64_t kEnvs = 2;
  SECTION("Pendulum's [-2, 2] torque from [-1, 1]: 0.5 is 1.0 and -1 is -2.0") {
    RescaleAction wrapped(make_env("Pendulum-v1", kEnvs, 14));
    const auto raw = make_env("Pendulum-v1", kEnvs, 14);
    CHECK(to_string(wrapped.spec().action_space) == "Box(-1, 1, (1,), float32)");
    CHECK(std::get<Box>(wrapped.spec().action_space).low == std::vector<float>{-1.0f});
    CHECK(std::get<Box>(wrapped.spec().action_space).high == std::vector<float>{1.0f});
    CHECK(to_string(wrapped.inner().spec().action_space) == "Box(-2, 2, (1,), float32)");
    wrapped.reset(15);
    raw->reset(15);
    for (int t = 0; t < 100; ++t) {
      const Batch& out = wrapped.step(std::vector<float>{0.5f, -1.0f});
      const Batch& expected = raw->step(std::vector<float>{1.0f, -2.0f});
      for (std::int64_t i = 0; i < kEnvs; ++i) {
        INFO("step " << t << " env " << i);
        REQUIRE(state_of(wrapped, i) == state_of(*raw, i));
        REQUIRE(row(out.observation(i)) == row(expected.observation(i)));
        REQUIRE(out.rewards_exact[static_cast<size_t>(i)] ==
                expected.rewards_exact[static_cast<size_t>(i)]);
      }
    }
  }
  SECTION("any action a in [-1, 1] steps Pendulum like the torque 2a, to the last bit") {
    // Pendulum's map is a' = -2 + 4 (a + 1) / 2 = 2a, exact in float32; Gymnasium 1.x computes it
    // as (a - 0) / 0.5 in float32 (wrappers/utils.py rescale_box's backward map), also exactly 2a.
    // Each step starts both envs from the same state, so every comparison is of one action.
    RescaleAction wrapped(make_env("Pendulum-v1", kEnvs, 14));
    const auto raw = make_env("Pendulum-v1", kEnvs, 14);
    wrapped.reset(15);
    raw->reset(15);
    NumpyRandom rng(16);
    int inexact = 0;
    double worst_reward_difference = 0;
    float first_inexact_action = 0;
    for (int t = 0; t < 100; ++t) {
      std::vector<float> action(kEnvs);
      std::vector<float> torque(kEnvs);
      for (size_t k = 0; k < action.size(); ++k) {
        action[k] = static_cast<float>(rng.uniform(-1.0, 1.0));
        torque[k] = 2 * action[k];
        raw->set_state(static_cast<std::int64_t>(k),
                       state_of(wrapped, static_cast<std::int64_t>(k)));
      }
      const Batch& out = wrapped.step(action);
      const Batch& expected = raw->step(torque);
      for (std::int64_t i = 0; i < kEnvs; ++i) {
        INFO("step " << t << " env " << i << " action " << action[static_cast<size_t>(i)]);
        const auto k = static_cast<size_t>(i);
        const double difference = std::abs(out.rewards_exact[k] - expected.rewards_exact[k]);
        // close in any case: a wrong map would be off by far more than rounding
        REQUIRE(difference < 1e-6);
        worst_reward_difference = std::max(worst_reward_difference, difference);
        if (state_of(wrapped, i) != state_of(*raw, i) || difference != 0) {
          first_inexact_action = inexact == 0 ? action[k] : first_inexact_action;
          ++inexact;
        }
      }
    }
    INFO("first inexact action " << first_inexact_action << ", worst reward difference "
                                 << worst_reward_difference);
    CHECK(inexact == 0);
  }
  SECTION("a custom range [0, 10]") {
    RescaleAction wrapped(make_env("Pendulum-v1", 3, 17), 0.0f, 10.0f);
    const auto raw = make_env("Pendulum-v1", 3, 17);
    CHECK(to_string(wrapped.spec().action_space) == "Box(0, 10, (1,), float32)");
    wrapped.reset(18);
    raw->reset(18);
    for (int t = 0; t < 20; ++t) {
      wrapped.step(std::vector<float>{10.0f, 0.0f, 2.5f});
      raw->step(std::vector<float>{2.0f, -2.0f, -1.0f});
      for (std::int64_t i = 0; i < 3; ++i) {
        REQUIRE(state_of(wrapped, i) == state_of(*raw, i));
      }
    }
  }
  SECTION("only bounded Box action spaces can be rescaled") {
    const std::string discrete =
        error_of([] { RescaleAction wrapped(make_env("CartPole-v1", 1, 0)); });
    CHECK_THAT(discrete, Contains("RescaleAction: CartPole-v1 has actions in Discrete(2)"));
    const std::string unbounded = error_of(
        [] { RescaleAction wrapped(std::make_unique<ClipAction>(make_env("Pendulum-v1", 1, 0))); });
    CHECK_THAT(unbounded, Contains("unbounded"));
    CHECK_THAT(error_of([] { ClipAction wrapped(make_env("Acrobot-v1", 1, 0)); }),
               Contains("ClipAction: Acrobot-v1 has actions in Discrete(3)"));
    CHECK_THROWS_AS(RescaleAction(make_env("MountainCar-v0", 1, 0)), Error);
  }
}

TEST_CASE("FrameStack returns the last k observations, oldest first", "[envs][wrappers]") {
  constexpr std::int64_t kEnvs = 4;
  constexpr int kFrames = 3;
  auto owned = std::make_unique<FrameStack>(make_env("CartPole-v1", kEnvs, 19), kFrames);
  FrameStack& wrapped = *owned;
  const auto raw = make_env("CartPole-v1", kEnvs, 19);
  RandomActions actions(raw->spec().action_space, kEnvs, 20);

  const Box& space = std::get<Box>(wrapped.spec().observation_space);
  const Box& frame = std::get<Box>(raw->spec().observation_space);
  CHECK(space.shape == std::vector<std::int64_t>{kFrames, 4});
  std::vector<float> low;
  std::vector<float> high;
  for (int f = 0; f < kFrames; ++f) {
    low.insert(low.end(), frame.low.begin(), frame.low.end());
    high.insert(high.end(), frame.high.begin(), frame.high.end());
  }
  CHECK(space.low == low);
  CHECK(space.high == high);
  CHECK(flat_size(wrapped.spec().observation_space) == 12);

  const auto concat = [](const std::deque<std::vector<float>>& frames) {
    std::vector<float> out;
    for (const auto& f : frames) {
      out.insert(out.end(), f.begin(), f.end());
    }
    return out;
  };

  const Batch& first = wrapped.reset(21);
  const Batch& raw_first = raw->reset(21);
  REQUIRE(first.observation_size == 12);
  std::vector<std::deque<std::vector<float>>> history(kEnvs);
  for (std::int64_t i = 0; i < kEnvs; ++i) {
    const std::vector<float> o0 = row(raw_first.observation(i));
    history[static_cast<size_t>(i)].assign(kFrames, o0);
    CHECK(row(first.observation(i)) == concat(history[static_cast<size_t>(i)]));
  }

  SECTION("the first steps, spelled out") {
    const std::vector<float> o0 = row(raw_first.observation(0));
    actions.next();
    actions.step(*raw);
    const std::vector<float> o1 = row(raw->last().observation(0));
    const Batch& after_one = actions.step(wrapped);
    actions.next();
    actions.step(*raw);
    const std::vector<float> o2 = row(raw->last().observation(0));
    const std::vector<float> stack_one = row(after_one.observation(0));
    const Batch& after_two = actions.step(wrapped);
    actions.next();
    actions.step(*raw);
    const std::vector<float> o3 = row(raw->last().observation(0));
    const std::vector<float> stack_two = row(after_two.observation(0));
    const Batch& after_three = actions.step(wrapped);
    REQUIRE(o0 != o1);
    REQUIRE(o1 != o2);
    CHECK(stack_one == concat({o0, o0, o1}));
    CHECK(stack_two == concat({o0, o1, o2}));
    CHECK(row(after_three.observation(0)) == concat({o1, o2, o3}));
  }

  SECTION("across many episodes with same-step autoreset") {
    int finals = 0;
    int wrong = 0;
    for (int t = 0; t < 400; ++t) {
      actions.next();
      const Batch& out = actions.step(wrapped);
      const Batch& expected = actions.step(*raw);
      for (std::int64_t i = 0; i < kEnvs; ++i) {
        auto& frames = history[static_cast<size_t>(i)];
        frames.pop_front();
        if (expected.done(i)) {
          ++finals;
          frames.push_back(row(expected.final_observation(i)));
          wrong += row(out.final_observation(i)) == concat(frames) ? 0 : 1;
          // the new episode's first observation fills the stack
          frames.assign(kFrames, row(expected.observation(i)));
        } else {
          frames.push_back(row(expected.observation(i)));
        }
        wrong += row(out.observation(i)) == concat(frames) ? 0 : 1;
        const auto k = static_cast<size_t>(i);
        wrong += out.rewards[k] == expected.rewards[k] &&
                         out.rewards_exact[k] == expected.rewards_exact[k] &&
                         out.terminated[k] == expected.terminated[k] &&
                         out.truncated[k] == expected.truncated[k]
                     ? 0
                     : 1;
        if (expected.done(i)) {
          wrong += out.episode_returns[k] == expected.episode_returns[k] &&
                           out.episode_lengths[k] == expected.episode_lengths[k]
                       ? 0
                       : 1;
        }
      }
    }
    CHECK(finals > 20);
    CHECK(wrong == 0);
  }
}

TEST_CASE("FrameStack without autoreset keeps the final stack until reset_done refills it",
          "[envs][wrappers]") {
  constexpr std::int64_t kEnvs = 4;
  constexpr int kFrames = 3;
  FrameStack wrapped(make_env("CartPole-v1", kEnvs, 22, AutoReset::kDisabled), kFrames);
  const auto raw = make_env("CartPole-v1", kEnvs, 22, AutoReset::kDisabled);
  RandomActions actions(raw->spec().action_space, kEnvs, 23);
  CHECK(wrapped.spec().autoreset == AutoReset::kDisabled);

  const auto stack_of = [](const std::vector<float>& a, const std::vector<float>& b,
                           const std::vector<float>& c) {
    std::vector<float> out = a;
    out.insert(out.end(), b.begin(), b.end());
    out.insert(out.end(), c.begin(), c.end());
    return out;
  };

  wrapped.reset(24);
  raw->reset(24);
  std::vector<std::vector<std::vector<float>>> last_two(kEnvs);  // the two newest frames per env
  for (std::int64_t i = 0; i < kEnvs; ++i) {
    const std::vector<float> o0 = row(raw->last().observation(i));
    last_two[static_cast<size_t>(i)] = {o0, o0};
  }
  int episodes = 0;
  for (int t = 0; t < 300; ++t) {
    actions.next();
    const Batch& out = actions.step(wrapped);
    const Batch& expected = actions.step(*raw);
    bool any_done = false;
    for (std::int64_t i = 0; i < kEnvs; ++i) {
      INFO("step " << t << " env " << i);
      auto& two = last_two[static_cast<size_t>(i)];
      const std::vector<float> newest = row(expected.observation(i));
      const std::vector<float> stack = stack_of(two[0], two[1], newest);
      REQUIRE(row(out.observation(i)) == stack);
      two = {two[1], newest};
      if (expected.done(i)) {
        any_done = true;
        ++episodes;
        REQUIRE(out.done(i));
        REQUIRE(row(expected.observation(i)) == row(expected.final_observation(i)));
        REQUIRE(row(out.final_observation(i)) == stack);
      }
    }
    if (!any_done) {
      continue;
    }
    // a finished env cannot be stepped until it is reset
    actions.next();
    CHECK_THAT(error_of([&] { actions.step(wrapped); }), Contains("has finished its episode"));

    std::vector<std::vector<float>> before(kEnvs);
    std::vector<bool> was_done(kEnvs);
    for (std::int64_t i = 0; i < kEnvs; ++i) {
      before[static_cast<size_t>(i)] = row(out.observation(i));
      was_done[static_cast<size_t>(i)] = expected.done(i);
    }
    const Batch& refilled = wrapped.reset_done();
    const Batch& raw_refilled = raw->reset_done();
    for (std::int64_t i = 0; i < kEnvs; ++i) {
      INFO("reset_done at step " << t << ", env " << i);
      CHECK_FALSE(refilled.done(i));
      const auto k = static_cast<size_t>(i);
      if (was_done[k]) {
        const std::vector<float> o0 = row(raw_refilled.observation(i));
        REQUIRE(row(refilled.observation(i)) == stack_of(o0, o0, o0));
        last_two[k] = {o0, o0};
      } else {
        REQUIRE(row(refilled.observation(i)) == before[k]);
      }
    }
  }
  CHECK(episodes > 10);
}

TEST_CASE("wrappers compose and forward state, drawing and threads to the env",
          "[envs][wrappers]") {
  constexpr std::int64_t kEnvs = 5;
  SECTION("NormalizeObservation over FrameStack normalises the stacked rows") {
    NormalizeObservation wrapped(
        std::make_unique<FrameStack>(make_env("CartPole-v1", kEnvs, 25), 3));
    FrameStack stacked(make_env("CartPole-v1", kEnvs, 25), 3);
    const auto raw = make_env("CartPole-v1", kEnvs, 25);
    RandomActions actions(raw->spec().action_space, kEnvs, 26);
    CHECK(to_string(wrapped.spec().observation_space) == "Box(-10, 10, (3, 4), float32)");
    CHECK(wrapped.statistics().mean.size() == 12);
    CHECK(wrapped.state_size() == 4);

    const Batch& first = wrapped.reset(27);
    CHECK(count_unnormalized(first.observations, stacked.reset(27).observations,
                             wrapped.statistics(), 10.0) == 0);
    raw->reset(27);
    int wrong = 0;
    for (int t = 0; t < 100; ++t) {
      actions.next();
      const Batch& out = actions.step(wrapped);
      const Batch& expected = actions.step(stacked);
      actions.step(*raw);
      wrong +=
          count_unnormalized(out.observations, expected.observations, wrapped.statistics(), 10.0);
      for (std::int64_t i = 0; i < kEnvs; ++i) {
        wrong += state_of(wrapped, i) == state_of(*raw, i) ? 0 : 1;
        if (expected.done(i)) {
          wrong += count_unnormalized(out.final_observation(i), expected.final_observation(i),
                                      wrapped.statistics(), 10.0);
        }
      }
    }
    CHECK(wrong == 0);

    sim::DrawList scene;
    sim::DrawList raw_scene;
    for (std::int64_t i = 0; i < kEnvs; ++i) {
      scene.clear();
      raw_scene.clear();
      wrapped.draw(i, scene);
      raw->draw(i, raw_scene);
      REQUIRE_FALSE(scene.shapes.empty());
      CHECK(describe(scene) == describe(raw_scene));
    }

    // set_state reaches the env: its state and its drawing change
    const std::vector<double> tilted = {0.5, 0.0, 0.15, 0.0};
    const std::string before = describe(scene);
    wrapped.set_state(kEnvs - 1, tilted);
    CHECK(state_of(wrapped, kEnvs - 1) == tilted);
    CHECK(state_of(wrapped.inner(), kEnvs - 1) == tilted);
    raw->set_state(kEnvs - 1, tilted);
    scene.clear();
    raw_scene.clear();
    wrapped.draw(kEnvs - 1, scene);
    raw->draw(kEnvs - 1, raw_scene);
    CHECK(describe(scene) != before);
    CHECK(describe(scene) == describe(raw_scene));

    wrapped.set_threads(2);
    CHECK(wrapped.threads() == 2);
    CHECK(wrapped.inner().threads() == 2);
    CHECK(wrapped.num_envs() == kEnvs);
  }
  SECTION("ClipAction over RescaleAction clips to [-1, 1], then rescales") {
    ClipAction wrapped(std::make_unique<RescaleAction>(make_env("Pendulum-v1", 2, 28)));
    const auto raw = make_env("Pendulum-v1", 2, 28);
    CHECK(to_string(wrapped.spec().action_space) == "Box(-inf, inf, (1,), float32)");
    wrapped.reset(29);
    raw->reset(29);
    for (int t = 0; t < 30; ++t) {
      wrapped.step(std::vector<float>{5.0f, -0.25f});
      raw->step(std::vector<float>{2.0f, -0.5f});
      REQUIRE(state_of(wrapped, 0) == state_of(*raw, 0));
      REQUIRE(state_of(wrapped, 1) == state_of(*raw, 1));
    }
  }
}

TEST_CASE("wrapper errors name the bad value", "[envs][wrappers]") {
  // No classic env has a non-Box observation space, so the NormalizeObservation / FrameStack
  // refusals of Discrete observations cannot be reached from here.
  CHECK_THAT(error_of([] { FrameStack wrapped(make_env("CartPole-v1", 1, 0), 0); }),
             Contains("FrameStack: frames = 0 must be at least 1"));
  CHECK_THAT(error_of([] { FrameStack wrapped(make_env("CartPole-v1", 1, 0), -2); }),
             Contains("frames = -2"));
  CHECK(error_of([] { FrameStack wrapped(make_env("CartPole-v1", 1, 0), 1); }).empty());

  CHECK_THAT(error_of([] { RescaleAction wrapped(make_env("Pendulum-v1", 1, 0), 1.0f, 1.0f); }),
             Contains("RescaleAction: min_action 1 must be below max_action 1"));
  CHECK_THAT(error_of([] { RescaleAction wrapped(make_env("Pendulum-v1", 1, 0), 2.0f, -2.0f); }),
             Contains("min_action 2 must be below max_action -2"));

  CHECK_THAT(error_of([] {
               NormalizeObservation wrapped(make_env("CartPole-v1", 1, 0),
                                            NormalizeObservationConfig{.clip = 0.0});
             }),
             Contains("clip and epsilon must be positive"));
  CHECK_THAT(error_of([] {
               NormalizeReward wrapped(make_env("CartPole-v1", 1, 0),
                                       NormalizeRewardConfig{.gamma = 1.5});
             }),
             Contains("gamma = 1.5 must be in [0, 1]"));
  CHECK_THAT(error_of([] { ClipAction wrapped(nullptr); }), Contains("null"));

  NormalizeReward rewards(make_env("CartPole-v1", 1, 0));
  CHECK_THAT(error_of([&] { rewards.set_statistics(RunningMeanStd(2)); }), Contains("one value"));
}

}  // namespace
}  // namespace rl::envs

namespace rl::envs {
namespace {

TEST_CASE("wrapper stacks snapshot their own state with the env's", "[envs][wrappers]") {
  const auto build = [] {
    std::unique_ptr<VecEnv> env = make("Pendulum-v1", {.num_envs = 3, .max_episode_steps = 30});
    env = std::make_unique<RescaleAction>(std::move(env));
    env = std::make_unique<FrameStack>(std::move(env), 3);
    env = std::make_unique<NormalizeObservation>(std::move(env));
    return std::unique_ptr<VecEnv>(std::make_unique<NormalizeReward>(std::move(env)));
  };
  const auto run = [](VecEnv& env, int steps, std::uint64_t seed) {
    NumpyRandom rng(seed);
    std::vector<float> actions(3);
    std::vector<float> out;
    for (int t = 0; t < steps; ++t) {
      for (float& a : actions) {
        a = static_cast<float>(rng.uniform(-1, 1));
      }
      const Batch& b = env.step(actions);
      out.insert(out.end(), b.observations.begin(), b.observations.end());
      out.insert(out.end(), b.rewards.begin(), b.rewards.end());
    }
    return out;
  };
  auto original = build();
  original->reset(4);
  run(*original, 45, 1);
  const std::vector<std::uint64_t> saved = original->snapshot();
  const std::vector<float> expected = run(*original, 60, 2);
  auto copy = build();
  copy->restore(saved);
  CHECK(run(*copy, 60, 2) == expected);
}

}  // namespace
}  // namespace rl::envs
