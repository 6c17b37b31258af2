// What an environment author writes: the dynamics of one copy, as plain structs and static
// functions (rl-tools' and Gymnasium FuncEnv's split). BatchedEnv turns any of them into a VecEnv
// with batching, seeding, time limits, episode statistics and autoreset.
#pragma once

#include <concepts>
#include <cstdint>
#include <span>

#include "envs/random.hpp"
#include "envs/vec_env.hpp"
#include "sim/draw_list.hpp"

namespace rl::envs {

/// The result of one step of one env, before the time limit is applied.
struct Transition {
  double reward = 0;
  bool terminated = false;
};

/// The shape of an environment's dynamics:
///   Params    options with defaults and a visit_fields(v) listing (name, field, help)
///   State     the internal state
///   Action    std::int32_t (Discrete) or const float* (Box, action-size floats)
///   spec      spaces, time limit and reward threshold
///   reset     a fresh initial state drawn from rng
///   step      advances the state by one action
///   observe   writes the float32 observation
///   draw      describes the scene for a renderer
///   kStateSize, get_state/set_state   the state as doubles, for tests and tools
template <class D>
concept Dynamics = requires(const typename D::Params& params, typename D::State& state,
                            const typename D::State& const_state, typename D::Action action,
                            NumpyRandom& rng, float* observation, sim::DrawList& scene,
                            double* values, const double* const_values) {
  { D::kStateSize } -> std::convertible_to<std::int64_t>;
  { D::spec(params) } -> std::same_as<EnvSpec>;
  { D::reset(params, rng) } -> std::same_as<typename D::State>;
  { D::step(params, state, action) } -> std::same_as<Transition>;
  {D::observe(params, const_state, observation)};
  {D::draw(params, const_state, scene)};
  {D::get_state(const_state, values)};
  { D::set_state(const_values) } -> std::same_as<typename D::State>;
};

}  // namespace rl::envs
