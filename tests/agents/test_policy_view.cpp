// describe(): what viewers draw of a policy must agree with what the policy does.
#include <algorithm>
#include <numeric>

#include <catch2/catch.hpp>

#include "agents/a2c.hpp"
#include "agents/dqn.hpp"
#include "agents/ppo.hpp"
#include "agents/reinforce.hpp"
#include "agents/sac.hpp"
#include "envs/registry.hpp"

namespace rl::agents {
namespace {

/// Over a few hundred states of a random walk: the view's argmax (discrete) or values
/// (continuous) equal the greedy action the agent takes in that state.
void check_view_matches_greedy_action(Agent& agent, envs::VecEnv& env, PolicyView::Kind kind) {
  envs::NumpyRandom rng(7);
  env.reset(3);
  Actions greedy;
  Actions random;
  random.resize_for(env.spec().action_space, 1);
  PolicyView view;
  for (int step = 0; step < 300; ++step) {
    const envs::ObservationMatrix observation = env.last().observation_matrix();
    agent.describe(observation, view);
    agent.act(observation, true, greedy);
    REQUIRE(view.kind == kind);
    if (kind == PolicyView::Kind::action) {
      REQUIRE(view.values.size() == greedy.continuous.size());
      for (size_t j = 0; j < view.values.size(); ++j) {
        CHECK(view.values[j] == Approx(greedy.continuous[j]).margin(1e-6));
      }
    } else {
      const auto best = std::max_element(view.values.begin(), view.values.end());
      CHECK(best - view.values.begin() == greedy.discrete[0]);
      if (kind == PolicyView::Kind::probabilities) {
        CHECK(std::accumulate(view.values.begin(), view.values.end(), 0.0) == Approx(1.0));
        CHECK(std::all_of(view.values.begin(), view.values.end(), [](float p) { return p >= 0; }));
      }
    }
    if (const auto* discrete = std::get_if<envs::Discrete>(&env.spec().action_space)) {
      random.discrete[0] = static_cast<std::int32_t>(discrete->sample(rng));
    } else {
      std::get<envs::Box>(env.spec().action_space).sample(rng, random.continuous);
    }
    random.step(env);
  }
}

TEST_CASE("policy views agree with the greedy actions", "[agents][view]") {
  auto cartpole = envs::make("CartPole-v1", {.num_envs = 1});
  auto pendulum = envs::make("Pendulum-v1", {.num_envs = 1});
  SECTION("PPO, A2C and REINFORCE: action probabilities; PPO on Box: the mean action") {
    PpoConfig ppo_config;
    ppo_config.seed = 2;
    Ppo ppo(*cartpole, ppo_config);
    check_view_matches_greedy_action(ppo, *cartpole, PolicyView::Kind::probabilities);
    A2c a2c(*cartpole, A2cConfig{});
    check_view_matches_greedy_action(a2c, *cartpole, PolicyView::Kind::probabilities);
    Reinforce reinforce(*cartpole, ReinforceConfig{});
    check_view_matches_greedy_action(reinforce, *cartpole, PolicyView::Kind::probabilities);
    Ppo continuous(*pendulum, PpoConfig{});
    check_view_matches_greedy_action(continuous, *pendulum, PolicyView::Kind::action);
  }
  SECTION("DQN: Q-values") {
    Dqn dqn(*cartpole, DqnConfig{});
    check_view_matches_greedy_action(dqn, *cartpole, PolicyView::Kind::q_values);
  }
  SECTION("SAC: the deterministic action in env units") {
    Sac sac(*pendulum, SacConfig{});
    check_view_matches_greedy_action(sac, *pendulum, PolicyView::Kind::action);
  }
}

}  // namespace
}  // namespace rl::agents
