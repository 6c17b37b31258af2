// The batched API over every registered environment: reproducibility, spaces, Gymnasium's env
// checker sequences, same-step autoreset, thread-count independence, time limits and the errors
// users see.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "envs/env.hpp"
#include "envs/registry.hpp"

namespace rl::envs {
namespace {

using Catch::Matchers::Contains;

std::vector<std::string> all_ids() {
  std::vector<std::string> ids;
  for (const RegisteredEnv& e : registered_envs()) {
    ids.emplace_back(e.id);
  }
  return ids;
}

/// Random actions for a batch: uniform over Discrete, and for Box mostly uniform in bounds with
/// some far outside them (`extreme`).
struct ActionSource {
  const Space& space;
  std::int64_t num_envs;
  NumpyRandom rng;
  bool extreme = false;
  std::vector<std::int32_t> discrete;
  std::vector<float> continuous;

  ActionSource(const Space& s, std::int64_t n, std::uint64_t seed, bool extreme_values = false)
      : space(s), num_envs(n), rng(seed), extreme(extreme_values) {}

  const Batch& step(VecEnv& env) {
    if (const auto* d = std::get_if<Discrete>(&space)) {
      discrete.resize(static_cast<size_t>(num_envs));
      for (std::int32_t& a : discrete) {
        a = static_cast<std::int32_t>(d->sample(rng));
      }
      return env.step(discrete);
    }
    const auto& box = std::get<Box>(space);
    const auto width = static_cast<size_t>(box.size());
    continuous.resize(static_cast<size_t>(num_envs) * width);
    for (std::int64_t i = 0; i < num_envs; ++i) {
      std::span<float> row(continuous.data() + static_cast<size_t>(i) * width, width);
      box.sample(rng, row);
      if (extreme) {
        const float extremes[] = {std::numeric_limits<float>::max(),
                                  -std::numeric_limits<float>::max(),
                                  1e30f,
                                  -1e30f,
                                  1e3f,
                                  -1e3f,
                                  std::numeric_limits<float>::denorm_min(),
                                  -0.0f};
        for (float& a : row) {
          if (rng.uniform() < 0.5) {
            a = extremes[rng.below(8)];
          }
        }
      }
    }
    return env.step(continuous);
  }
};

/// Observations, rewards and flags of `steps` steps, as bytes to compare.
std::vector<double> trajectory(const std::string& id, std::uint64_t seed, std::int64_t num_envs,
                               int threads, int steps) {
  auto env = make(id, {.num_envs = num_envs, .threads = threads});
  std::vector<double> out;
  const Batch& first = env->reset(seed);
  out.insert(out.end(), first.observations.begin(), first.observations.end());
  ActionSource actions(env->spec().action_space, num_envs, 99);
  for (int t = 0; t < steps; ++t) {
    const Batch& b = actions.step(*env);
    out.insert(out.end(), b.observations.begin(), b.observations.end());
    out.insert(out.end(), b.rewards_exact.begin(), b.rewards_exact.end());
    for (std::int64_t i = 0; i < num_envs; ++i) {
      out.push_back(b.terminated[i]);
      out.push_back(b.truncated[i]);
      if (b.done(i)) {
        const auto final = b.final_observation(i);
        out.insert(out.end(), final.begin(), final.end());
        out.push_back(b.episode_returns[i]);
        out.push_back(b.episode_lengths[i]);
      }
    }
  }
  return out;
}

TEST_CASE("the same seed gives the same trajectory and another seed a different one",
          "[envs][contract]") {
  for (const std::string& id : all_ids()) {
    INFO(id);
    const auto a = trajectory(id, 3, 8, 1, 300);
    CHECK(a == trajectory(id, 3, 8, 1, 300));
    CHECK(a != trajectory(id, 4, 8, 1, 300));
  }
}

TEST_CASE("results are identical for any thread count", "[envs][contract]") {
  for (const std::string& id : all_ids()) {
    INFO(id);
    const auto one = trajectory(id, 11, 37, 1, 200);  // 37 envs: uneven chunks
    CHECK(one == trajectory(id, 11, 37, 2, 200));
    CHECK(one == trajectory(id, 11, 37, 3, 200));
  }
}

TEST_CASE(
    "observations stay finite and inside their space under a million random and extreme "
    "actions",
    "[envs][contract]") {
  for (const std::string& id : all_ids()) {
    INFO(id);
    constexpr std::int64_t kEnvs = 64;
    auto env = make(id, {.num_envs = kEnvs});
    const Box& box = std::get<Box>(env->spec().observation_space);
    ActionSource actions(env->spec().action_space, kEnvs, 5, true);
    const Batch& first = env->reset(5);
    for (std::int64_t i = 0; i < kEnvs; ++i) {
      REQUIRE(box.contains(first.observation(i)));
    }
    std::int64_t outside = 0;
    std::int64_t episodes = 0;
    for (int t = 0; t < 1'000'000 / kEnvs; ++t) {
      const Batch& b = actions.step(*env);
      for (std::int64_t i = 0; i < kEnvs; ++i) {
        outside += box.contains(b.observation(i)) ? 0 : 1;
        outside += std::isfinite(b.rewards_exact[i]) ? 0 : 1;
        if (b.done(i)) {
          ++episodes;
          outside += box.contains(b.final_observation(i)) ? 0 : 1;
        }
      }
    }
    CHECK(outside == 0);
    CHECK(episodes > 0);
  }
}

TEST_CASE("Gymnasium's env checker sequences hold", "[envs][contract]") {
  for (const std::string& id : all_ids()) {
    INFO(id);
    Env env(id);
    const EnvSpec& spec = env.spec();
    CHECK(spec.id == id);
    CHECK(spec.max_episode_steps > 0);
    const Box& box = std::get<Box>(spec.observation_space);
    CHECK(env.vec().last().observation_size == box.size());

    // step before reset is an error (Gymnasium's OrderEnforcing)
    if (is_discrete(spec.action_space)) {
      CHECK_THROWS_WITH(env.step(0), Contains("call reset() before step()"));
    } else {
      const std::vector<float> zero(static_cast<size_t>(flat_size(spec.action_space)), 0.0f);
      CHECK_THROWS_WITH(env.step(zero), Contains("call reset() before step()"));
    }

    // reset(seed) is deterministic, another seed differs, reset() continues the stream
    const std::vector<float> first(env.reset(123).begin(), env.reset(123).end());
    CHECK(box.contains(first));
    const std::vector<float> again(env.reset(123).begin(), env.reset(123).end());
    CHECK(first == again);
    const std::vector<float> other(env.reset(456).begin(), env.reset(456).end());
    CHECK(first != other);
    env.reset(123);
    const std::vector<float> continued(env.reset().begin(), env.reset().end());
    CHECK(continued != first);

    // sampled actions are in the space, and steps return values in the space
    NumpyRandom rng(1);
    for (int t = 0; t < 20; ++t) {
      Env::StepResult r;
      if (const auto* d = std::get_if<Discrete>(&spec.action_space)) {
        const auto a = static_cast<std::int32_t>(d->sample(rng));
        CHECK(d->contains(a));
        r = env.step(a);
      } else {
        const auto& action_box = std::get<Box>(spec.action_space);
        std::vector<float> a(static_cast<size_t>(action_box.size()));
        action_box.sample(rng, a);
        CHECK(action_box.contains(a));
        r = env.step(a);
      }
      CHECK(box.contains(r.observation));
      CHECK(std::isfinite(r.reward));
      if (r.terminated || r.truncated) {
        env.reset();
      }
    }

    // the draw hook describes a scene
    sim::DrawList scene;
    env.vec().draw(0, scene);
    CHECK_FALSE(scene.shapes.empty());
    CHECK(scene.world_min.x < scene.world_max.x);
    CHECK(scene.world_min.y < scene.world_max.y);
  }
}

TEST_CASE("a single env refuses to step after its episode ended until reset", "[envs][contract]") {
  Env env("CartPole-v1");
  env.reset(0);
  Env::StepResult r;
  int steps = 0;
  do {
    r = env.step(1);  // always push right: the pole falls within a few dozen steps
    ++steps;
  } while (!r.terminated && steps < 500);
  REQUIRE(r.terminated);
  CHECK(r.reward == 1.0);  // Gymnasium pays the terminating step too
  CHECK_THROWS_WITH(env.step(1), Contains("CartPole-v1: env 0 has finished its episode") &&
                                     Contains("call reset()"));
  env.reset();
  CHECK_NOTHROW(env.step(0));
}

TEST_CASE(
    "same-step autoreset keeps the final observation, episode statistics and each env's "
    "random stream",
    "[envs][batched]") {
  for (const std::string& id : {std::string("CartPole-v1"), std::string("Pendulum-v1")}) {
    INFO(id);
    constexpr std::int64_t kEnvs = 4;
    constexpr std::uint64_t kSeed = 21;
    auto batched = make(id, {.num_envs = kEnvs, .max_episode_steps = 30});
    std::vector<std::unique_ptr<Env>> singles;
    std::vector<double> returns(kEnvs, 0.0);
    std::vector<int> lengths(kEnvs, 0);
    batched->reset(kSeed);
    for (std::int64_t i = 0; i < kEnvs; ++i) {
      singles.push_back(std::make_unique<Env>(id, EnvOptions{.max_episode_steps = 30}));
      const auto obs = singles.back()->reset(kSeed + static_cast<std::uint64_t>(i));
      CHECK(std::vector<float>(obs.begin(), obs.end()) ==
            std::vector<float>(batched->last().observation(i).begin(),
                               batched->last().observation(i).end()));
    }
    ActionSource actions(batched->spec().action_space, kEnvs, 3);
    int finished = 0;
    for (int t = 0; t < 200; ++t) {
      const Batch& b = actions.step(*batched);
      for (std::int64_t i = 0; i < kEnvs; ++i) {
        const auto k = static_cast<size_t>(i);
        Env::StepResult r = actions.discrete.empty()
                                ? singles[k]->step(std::span(actions.continuous).subspan(k, 1))
                                : singles[k]->step(actions.discrete[k]);
        returns[k] += r.reward;
        ++lengths[k];
        CHECK(b.rewards_exact[i] == r.reward);
        CHECK(b.rewards[i] == static_cast<float>(r.reward));
        CHECK(bool(b.terminated[i]) == r.terminated);
        CHECK(bool(b.truncated[i]) == r.truncated);
        const std::vector<float> single_obs(r.observation.begin(), r.observation.end());
        if (r.terminated || r.truncated) {
          ++finished;
          CHECK(std::vector<float>(b.final_observation(i).begin(), b.final_observation(i).end()) ==
                single_obs);
          CHECK(b.episode_returns[i] == returns[k]);
          CHECK(b.episode_lengths[i] == lengths[k]);
          returns[k] = 0;
          lengths[k] = 0;
          const auto reset_obs = singles[k]->reset();  // continues the env's stream
          CHECK(std::vector<float>(reset_obs.begin(), reset_obs.end()) ==
                std::vector<float>(b.observation(i).begin(), b.observation(i).end()));
        } else {
          CHECK(std::vector<float>(b.observation(i).begin(), b.observation(i).end()) == single_obs);
        }
      }
    }
    CHECK(finished >= 8);
  }
}

TEST_CASE("time limits truncate, can be changed, and a terminal last step sets both flags",
          "[envs][batched]") {
  SECTION("a shorter limit truncates at that step") {
    auto env = make("Pendulum-v1", {.max_episode_steps = 7});
    env->reset(0);
    const std::vector<float> zero = {0.0f};
    for (int t = 1; t <= 7; ++t) {
      const Batch& b = env->step(zero);
      CHECK(bool(b.truncated[0]) == (t == 7));
      CHECK_FALSE(b.terminated[0]);
    }
  }
  SECTION("0 removes the limit") {
    auto env = make("Pendulum-v1", {.max_episode_steps = 0});
    CHECK(env->spec().max_episode_steps == 0);
    env->reset(0);
    const std::vector<float> zero = {0.0f};
    bool any_done = false;
    for (int t = 0; t < 1000; ++t) {
      any_done = any_done || env->step(zero).done(0);
    }
    CHECK_FALSE(any_done);
  }
  SECTION("terminated and truncated together, as Gymnasium's TimeLimit reports them") {
    Env env("CartPole-v1", {.max_episode_steps = 1});
    env.reset(0);
    const std::vector<double> edge = {2.39, 1.0, 0.0, 0.0};  // x crosses 2.4 in one step
    env.vec().set_state(0, edge);
    const Env::StepResult r = env.step(1);
    CHECK(r.terminated);
    CHECK(r.truncated);
  }
}

TEST_CASE("bad actions, ids and options raise errors naming the env, the value and the fix",
          "[envs][errors]") {
  auto cartpole = make("CartPole-v1", {.num_envs = 4});
  cartpole->reset(0);
  const std::vector<std::int32_t> out_of_range = {0, 1, 2, 0};
  CHECK_THROWS_WITH(cartpole->step(out_of_range),
                    Contains("CartPole-v1: action 2 for env 2 is outside Discrete(2)"));
  const std::vector<std::int32_t> too_few = {0, 1, 0};
  CHECK_THROWS_WITH(cartpole->step(too_few),
                    Contains("got 3 actions for 4 envs; pass one action per env"));
  const std::vector<float> floats(4, 0.0f);
  CHECK_THROWS_WITH(cartpole->step(floats), Contains("pass integer actions"));

  auto pendulum = make("Pendulum-v1", {.num_envs = 2});
  pendulum->reset(0);
  const std::vector<float> nan = {0.5f, std::nanf("")};
  CHECK_THROWS_WITH(pendulum->step(nan), Contains("Pendulum-v1: action 0 of env 1 is nan") &&
                                             Contains("Box(-2, 2, (1,), float32)"));
  const std::vector<float> infinite = {std::numeric_limits<float>::infinity(), 0.0f};
  CHECK_THROWS_WITH(pendulum->step(infinite),
                    Contains("action 0 of env 0 is inf; actions must be finite numbers"));
  const std::vector<std::int32_t> ints = {0, 1};
  CHECK_THROWS_WITH(pendulum->step(ints), Contains("pass float actions"));
  const std::vector<float> wrong_size = {0.5f};
  CHECK_THROWS_WITH(pendulum->step(wrong_size), Contains("got 1 action values for 2 envs"));

  CHECK_THROWS_WITH(make("CartPole-v2"), Contains("unknown environment 'CartPole-v2'") &&
                                             Contains("did you mean CartPole-v1"));
  CHECK_THROWS_WITH(make("pendulum"), Contains("did you mean Pendulum-v1"));
  CHECK_THROWS_WITH(make("Pendulum-v1", {.params = {{"gravity", "9.81"}}}),
                    Contains("Pendulum-v1 has no parameter 'gravity'; its parameters are: g, "
                             "numpy2"));
  CHECK_THROWS_WITH(make("Pendulum-v1", {.params = {{"g", "strong"}}}),
                    Contains("g = 'strong' is not a valid number"));
  CHECK_THROWS_WITH(make("CartPole-v1", {.num_envs = 0}), Contains("num_envs = 0"));
  CHECK_THROWS_WITH(make("CartPole-v1", {.threads = 0}), Contains("threads = 0"));
  CHECK_THROWS_WITH(cartpole->draw(9, *std::make_unique<sim::DrawList>()),
                    Contains("env 9 does not exist"));
}

TEST_CASE("env parameters change the dynamics", "[envs][batched]") {
  auto standard = make("Pendulum-v1");
  auto lunar = make("Pendulum-v1", {.params = {{"g", "1.62"}}});
  standard->reset(0);
  lunar->reset(0);
  const std::vector<float> zero = {0.0f};
  CHECK(standard->step(zero).observations[2] != lunar->step(zero).observations[2]);
}

}  // namespace
}  // namespace rl::envs

namespace rl::envs {
namespace {

/// Observations, rewards and flags of `steps` steps with actions drawn from `seed`.
std::vector<double> continue_for(VecEnv& env, int steps, std::uint64_t seed) {
  ActionSource actions(env.spec().action_space, env.num_envs(), seed);
  std::vector<double> out;
  for (int t = 0; t < steps; ++t) {
    const Batch& b = actions.step(env);
    out.insert(out.end(), b.observations.begin(), b.observations.end());
    out.insert(out.end(), b.rewards_exact.begin(), b.rewards_exact.end());
    for (std::int64_t i = 0; i < env.num_envs(); ++i) {
      out.push_back(b.terminated[i] + 2 * b.truncated[i]);
      if (b.done(i)) {
        out.push_back(b.episode_returns[i]);
      }
    }
  }
  return out;
}

TEST_CASE("a snapshot restores an env to continue exactly as the original", "[envs][contract]") {
  for (const std::string& id : all_ids()) {
    INFO(id);
    auto original = make(id, {.num_envs = 5, .max_episode_steps = 40});
    original->reset(9);
    continue_for(*original, 77, 1);  // mid-episode, after some autoresets
    const std::vector<std::uint64_t> saved = original->snapshot();
    const std::vector<double> expected = continue_for(*original, 150, 2);
    auto copy = make(id, {.num_envs = 5, .max_episode_steps = 40});
    copy->restore(saved);
    CHECK(continue_for(*copy, 150, 2) == expected);
    auto other = make(id, {.num_envs = 4});
    CHECK_THROWS_WITH(other->restore(saved), Contains("number of envs"));
  }
}

}  // namespace
}  // namespace rl::envs
