// MountainCarContinuous-v0, matching Gymnasium's classic_control/continuous_mountain_car.py bit
// for bit, under NumPy 1 arithmetic by default and NumPy 2 (NEP 50) with numpy2=true.
//
// Observation  Box(2): position [-1.2, 0.6], velocity [-0.07, 0.07]; the state itself, which is
//              float32 after the first step.
// Action       Box(-1, 1, (1,)): the force, clipped to [-1, 1] by the dynamics.
// Reward       -0.1 * action^2 per step (the unclipped action), +100 on reaching the goal.
// Start        position uniform in [-0.6, -0.4), velocity 0.
// Terminated   position >= 0.45 with velocity >= goal_velocity.
// Truncated    after 999 steps.
#pragma once

#include <cstdint>
#include <memory>

#include "envs/dynamics.hpp"
#include "envs/options.hpp"

namespace rl::envs {

struct MountainCarContinuous {
  struct Params {
    double goal_velocity = 0;
    bool numpy2 = false;

    template <class V>
    void visit_fields(V&& v) {
      v("goal_velocity", goal_velocity, "minimum velocity at the goal position");
      v("numpy2", numpy2, "reproduce Gymnasium under NumPy >= 2 (float32 arithmetic rules)");
    }
  };
  struct State {
    double position = 0;
    double velocity = 0;
    bool float32 = false;  // Gymnasium stores the state as float32 after the first step
  };
  using Action = const float*;
  static constexpr std::int64_t kStateSize = 2;

  static EnvSpec spec(const Params& p);
  static State reset(const Params& p, NumpyRandom& rng);
  static Transition step(const Params& p, State& s, Action action);
  static void observe(const Params& p, const State& s, float* out);
  static void draw(const Params& p, const State& s, sim::DrawList& scene);
  static void get_state(const State& s, double* out);
  static State set_state(const double* in);
};

std::unique_ptr<VecEnv> make_mountain_car_continuous(const EnvOptions& options);

}  // namespace rl::envs
