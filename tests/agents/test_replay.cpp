// Replay storage: the ring, uniform and prioritised sampling, the sum tree, n-step transitions.
#include <cmath>
#include <map>
#include <vector>

#include <catch2/catch.hpp>

#include "agents/n_step.hpp"
#include "agents/prioritized_replay.hpp"
#include "agents/replay_buffer.hpp"
#include "agents/sum_tree.hpp"

namespace rl::agents {
namespace {

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

void add_numbered(ReplayBuffer& buffer, int k) {
  const std::vector<float> obs = {static_cast<float>(k), 0};
  const std::vector<float> next = {static_cast<float>(k + 1), 1};
  const std::vector<float> action = {static_cast<float>(k % 3)};
  buffer.add(obs, action, k * 10.0, next, k % 5 == 0, k % 7 == 0, 0.99);
}

TEST_CASE("the replay ring keeps the newest transitions in columns", "[agents][replay]") {
  ReplayBuffer buffer(4, 2, 1, true);
  for (int k = 1; k <= 6; ++k) {
    add_numbered(buffer, k);
  }
  CHECK(buffer.size() == 4);
  ReplayBatch batch;
  const std::vector<std::int64_t> rows = {0, 1, 2, 3};
  buffer.gather(rows, batch);
  // rows 0 and 1 were overwritten by transitions 5 and 6
  CHECK(batch.observations(0, 0) == 5);
  CHECK(batch.observations(1, 0) == 6);
  CHECK(batch.observations(2, 0) == 3);
  CHECK(batch.next_observations(2, 0) == 4);
  CHECK(batch.discrete_actions[2] == 0);
  CHECK(batch.rewards(0, 0) == 50);
  CHECK(batch.terminated(0, 0) == 1);  // 5 % 5 == 0
  CHECK(batch.terminated(1, 0) == 0);
  CHECK(batch.discounts(3, 0) == 0.99f);
  CHECK(batch.weights.isOnes());
}

TEST_CASE("uniform sampling covers the buffer evenly", "[agents][replay]") {
  ReplayBuffer buffer(10, 2, 1, true);
  for (int k = 0; k < 10; ++k) {
    add_numbered(buffer, k);
  }
  nn::Rng rng(1);
  ReplayBatch batch;
  std::vector<int> counts(10, 0);
  for (int i = 0; i < 2000; ++i) {
    buffer.sample(10, rng, batch);
    for (nn::Index j = 0; j < 10; ++j) {
      ++counts[static_cast<size_t>(batch.observations(j, 0))];
    }
  }
  for (int c : counts) {
    CHECK(c > 1700);
    CHECK(c < 2300);
  }
}

TEST_CASE("the sum tree finds leaves by prefix sums", "[agents][replay]") {
  SumTree tree(5);
  const double priorities[] = {1, 0, 3, 2, 4};
  for (int i = 0; i < 5; ++i) {
    tree.set(i, priorities[i]);
  }
  CHECK(tree.total() == 10);
  CHECK(tree.min() == 0);
  CHECK(tree.find(0.5) == 0);
  CHECK(tree.find(1.0) == 2);  // leaf 1 has no mass
  CHECK(tree.find(3.99) == 2);
  CHECK(tree.find(4.0) == 3);
  CHECK(tree.find(9.99) == 4);
  tree.set(4, 0.5);
  CHECK(tree.total() == 6.5);
}

TEST_CASE("prioritised replay samples in proportion to priority^alpha with IS weights",
          "[agents][replay]") {
  PrioritizedReplayBuffer buffer(4, 2, 1, true, 1.0);
  for (int k = 0; k < 4; ++k) {
    const std::vector<float> obs = {static_cast<float>(k), 0};
    const std::vector<float> action = {0};
    buffer.add(obs, action, 0, obs, false, false, 0.99);
  }
  const std::vector<std::int64_t> rows = {0, 1, 2, 3};
  const std::vector<float> errors = {1, 2, 3, 4};  // priorities ~ 1, 2, 3, 4
  buffer.update_priorities(rows, errors);
  nn::Rng rng(2);
  ReplayBatch batch;
  std::vector<double> counts(4, 0);
  const int draws = 20000;
  for (int i = 0; i < draws / 10; ++i) {
    buffer.sample(10, 0.5, rng, batch);
    for (nn::Index j = 0; j < 10; ++j) {
      const auto row = static_cast<size_t>(batch.observations(j, 0));
      ++counts[row];
      // w = (N P)^-beta / max w, with P = p / 10 and max w at p = 1
      const double expected = std::pow(4 * (row + 1) / 10.0, -0.5) / std::pow(0.4, -0.5);
      CHECK_THAT(batch.weights(j, 0), WithinRel(expected, 1e-4));
    }
  }
  for (size_t r = 0; r < 4; ++r) {
    CHECK_THAT(counts[r] / draws, WithinAbs((r + 1) / 10.0, 0.02));
  }
}

TEST_CASE("n-step transitions sum discounted rewards and flush at episode ends",
          "[agents][replay]") {
  const double g = 0.5;
  NStepCollector collector(1, 3, g, 1, 1);
  struct Emitted {
    float observation;
    double reward;
    float next;
    bool terminated;
    bool truncated;
    double discount;
  };
  std::vector<Emitted> out;
  const auto emit = [&](std::span<const float> o, std::span<const float>, double r,
                        std::span<const float> next, bool term, bool trunc, double discount) {
    out.push_back({o[0], r, next[0], term, trunc, discount});
  };
  const std::vector<float> action = {0};
  const auto step = [&](float s, double r, float next, bool term, bool trunc) {
    const std::vector<float> o = {s};
    const std::vector<float> n = {next};
    collector.add(0, o, action, r, n, term, trunc, emit);
  };
  step(0, 1, 1, false, false);
  step(1, 2, 2, false, false);
  CHECK(out.empty());
  step(2, 4, 3, false, false);  // s0's 3-step transition is complete
  REQUIRE(out.size() == 1);
  CHECK(out[0].observation == 0);
  CHECK(out[0].reward == 1 + g * 2 + g * g * 4);
  CHECK(out[0].next == 3);
  CHECK(out[0].discount == g * g * g);
  step(3, 8, 4, false, true);  // truncated: s1, s2, s3 flush, bootstrapping from 4
  REQUIRE(out.size() == 4);
  CHECK(out[1].observation == 1);
  CHECK(out[1].reward == 2 + g * 4 + g * g * 8);
  CHECK(out[2].reward == 4 + g * 8);
  CHECK(out[2].discount == g * g);
  CHECK(out[3].reward == 8);
  CHECK(out[3].discount == g);
  CHECK(out[3].truncated);
  CHECK_FALSE(out[3].terminated);
  step(10, 1, 11, true, false);  // a new episode that terminates at once
  REQUIRE(out.size() == 5);
  CHECK(out[4].observation == 10);
  CHECK(out[4].terminated);
}

}  // namespace
}  // namespace rl::agents
