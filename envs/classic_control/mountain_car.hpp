// MountainCar-v0 (Moore 1990), matching Gymnasium's classic_control/mountain_car.py bit for bit.
//
// Observation  Box(2): position [-1.2, 0.6], velocity [-0.07, 0.07]; float32 of the state.
// Action       Discrete(3): 0 accelerate left, 1 do nothing, 2 accelerate right.
// Reward       -1 per step.
// Start        position uniform in [-0.6, -0.4), velocity 0.
// Terminated   position >= 0.5 with velocity >= goal_velocity.
// Truncated    after 200 steps.
#pragma once

#include <cstdint>
#include <memory>

#include "envs/dynamics.hpp"
#include "envs/options.hpp"

namespace rl::envs {

struct MountainCar {
  struct Params {
    double goal_velocity = 0;

    template <class V>
    void visit_fields(V&& v) {
      v("goal_velocity", goal_velocity, "minimum velocity at the goal position");
    }
  };
  struct State {
    double position = 0;
    double velocity = 0;
  };
  using Action = std::int32_t;
  static constexpr std::int64_t kStateSize = 2;

  static EnvSpec spec(const Params& p);
  static State reset(const Params& p, NumpyRandom& rng);
  static Transition step(const Params& p, State& s, Action action);
  static void observe(const Params& p, const State& s, float* out);
  static void draw(const Params& p, const State& s, sim::DrawList& scene);
  static void get_state(const State& s, double* out);
  static State set_state(const double* in);
};

std::unique_ptr<VecEnv> make_mountain_car(const EnvOptions& options);

/// The hill both MountainCar environments drive on: height sin(3x) * 0.45 + 0.55.
void draw_mountain(double position, double goal_position, sim::DrawList& scene);

}  // namespace rl::envs
