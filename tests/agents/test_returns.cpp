// The pure target helpers against hand-computed values: termination stops bootstrapping,
// truncation does not.
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include "agents/returns.hpp"

namespace rl::agents {
namespace {

using Catch::Matchers::WithinAbs;

TEST_CASE("td_target bootstraps unless the episode terminated", "[agents][returns]") {
  CHECK(td_target(1.0, 10.0, false, 0.9) == 1.0 + 0.9 * 10.0);
  CHECK(td_target(1.0, 10.0, true, 0.9) == 1.0);
}

TEST_CASE("gae matches a hand-worked example with a truncation and a termination",
          "[agents][returns]") {
  // one env, four steps: the episode is truncated after step 1 (bootstrap from the final
  // state's value 5) and terminated after step 3 (no bootstrap).
  const std::vector<float> rewards = {1, 2, 3, 4};
  const std::vector<float> values = {0.5f, 1.0f, 1.5f, 2.0f};
  const std::vector<float> next_values = {1.0f, 5.0f, 2.0f, 9.0f};
  const std::vector<std::uint8_t> terminated = {0, 0, 0, 1};
  const std::vector<std::uint8_t> truncated = {0, 1, 0, 0};
  std::vector<float> advantages(4);
  const double g = 0.9;
  const double l = 0.8;
  gae(rewards, values, next_values, terminated, truncated, 1, g, l, advantages);
  const double d3 = 4 - 2.0;  // terminated: no bootstrap
  const double d2 = 3 + g * 2.0 - 1.5;
  const double d1 = 2 + g * 5.0 - 1.0;  // truncated: bootstrap from the final state
  const double d0 = 1 + g * 1.0 - 0.5;
  const double a3 = d3;
  const double a2 = d2 + g * l * a3;
  const double a1 = d1;  // the episode ended: nothing flows back across it
  const double a0 = d0 + g * l * a1;
  CHECK_THAT(advantages[3], WithinAbs(a3, 1e-6));
  CHECK_THAT(advantages[2], WithinAbs(a2, 1e-6));
  CHECK_THAT(advantages[1], WithinAbs(a1, 1e-6));
  CHECK_THAT(advantages[0], WithinAbs(a0, 1e-6));
}

TEST_CASE("gae keeps envs apart in a time-major batch", "[agents][returns]") {
  // two envs interleaved (t0e0, t0e1, t1e0, t1e1); env 1 terminates at t0
  const std::vector<float> rewards = {1, 10, 1, 10};
  const std::vector<float> values = {0, 0, 0, 0};
  const std::vector<float> next_values = {0, 100, 0, 0};
  const std::vector<std::uint8_t> terminated = {0, 1, 0, 0};
  const std::vector<std::uint8_t> truncated = {0, 0, 0, 0};
  std::vector<float> advantages(4);
  gae(rewards, values, next_values, terminated, truncated, 2, 0.5, 1.0, advantages);
  CHECK(advantages[3] == 10);
  CHECK(advantages[2] == 1);
  CHECK(advantages[1] == 10);  // terminated: neither bootstrap nor the next step's advantage
  CHECK(advantages[0] == 1 + 0.5f * 1);
}

TEST_CASE("discounted returns bootstrap at truncation and stop at termination",
          "[agents][returns]") {
  const std::vector<float> rewards = {1, 1, 1, 1, 1};
  const std::vector<std::uint8_t> terminated = {0, 1, 0, 0, 0};
  const std::vector<std::uint8_t> truncated = {0, 0, 0, 1, 0};
  const std::vector<float> bootstrap = {0, 0, 0, 20, 0};
  std::vector<float> returns(5);
  discounted_returns(rewards, terminated, truncated, bootstrap, 3.0, 0.5, returns);
  CHECK(returns[4] == 1 + 0.5f * 3);  // continues from the tail value
  CHECK(returns[3] == 1 + 0.5f * 20);  // truncated: the final state's value
  CHECK(returns[2] == 1 + 0.5f * returns[3]);
  CHECK(returns[1] == 1);  // terminated
  CHECK(returns[0] == 1 + 0.5f * 1);
}

}  // namespace
}  // namespace rl::agents
