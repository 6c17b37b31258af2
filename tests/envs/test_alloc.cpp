// Stepping batched environments (and wrappers) allocates nothing after warm-up, with autoresets
// and with threads.
#include <catch2/catch.hpp>

#ifdef RL_COUNT_ALLOCATIONS

#include <vector>

#include "envs/registry.hpp"
#include "envs/wrappers/actions.hpp"
#include "envs/wrappers/frame_stack.hpp"
#include "envs/wrappers/normalize.hpp"
#include "tests/support/alloc_counter.hpp"

namespace rl::envs {
namespace {

/// Steps env `steps` times with pre-drawn random actions; returns the allocations made by the
/// second half.
long allocations_while_stepping(VecEnv& env, int steps) {
  const std::int64_t n = env.num_envs();
  NumpyRandom rng(0);
  std::vector<std::int32_t> discrete;
  std::vector<float> continuous;
  const Space& space = env.spec().action_space;
  if (const auto* d = std::get_if<Discrete>(&space)) {
    for (std::int64_t k = 0; k < n * steps; ++k) {
      discrete.push_back(static_cast<std::int32_t>(d->sample(rng)));
    }
  } else {
    const auto& box = std::get<Box>(space);
    continuous.resize(static_cast<size_t>(n * steps * box.size()), 0.0f);
    for (float& a : continuous) {
      a = static_cast<float>(rng.uniform(-3, 3));
    }
  }
  const std::int64_t width = flat_size(space);
  const auto step = [&](int t) {
    if (!discrete.empty()) {
      env.step(std::span(discrete).subspan(static_cast<size_t>(t * n), static_cast<size_t>(n)));
    } else {
      env.step(std::span(continuous)
                   .subspan(static_cast<size_t>(t * n * width), static_cast<size_t>(n * width)));
    }
  };
  env.reset(0);
  for (int t = 0; t < steps / 2; ++t) {
    step(t);
  }
  const test::AllocationCounter counter;
  for (int t = steps / 2; t < steps; ++t) {
    step(t);
  }
  return counter.count();
}

TEST_CASE("stepping every registered env allocates nothing after warm-up", "[envs][alloc]") {
  for (const RegisteredEnv& entry : registered_envs()) {
    for (int threads : {1, 2}) {
      INFO(entry.id << " with " << threads << " threads");
      auto env = entry.make({.num_envs = 16, .threads = threads, .max_episode_steps = 50});
      CHECK(allocations_while_stepping(*env, 400) == 0);  // includes many autoresets
    }
  }
}

TEST_CASE("wrapped envs step without allocating after warm-up", "[envs][alloc]") {
  std::unique_ptr<VecEnv> env = make("Pendulum-v1", {.num_envs = 8, .max_episode_steps = 50});
  env = std::make_unique<RescaleAction>(std::move(env));
  env = std::make_unique<ClipAction>(std::move(env));
  env = std::make_unique<FrameStack>(std::move(env), 4);
  env = std::make_unique<NormalizeObservation>(std::move(env));
  env = std::make_unique<NormalizeReward>(std::move(env));
  CHECK(allocations_while_stepping(*env, 400) == 0);
}

}  // namespace
}  // namespace rl::envs

#endif  // RL_COUNT_ALLOCATIONS
