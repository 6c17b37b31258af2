// Pendulum-v1, matching Gymnasium's classic_control/pendulum.py bit for bit, under NumPy 1
// arithmetic by default and NumPy 2 (NEP 50) with numpy2=true.
//
// Observation  Box(3): cos(theta), sin(theta) in [-1, 1], angular velocity [-8, 8].
// Action       Box(-2, 2, (1,)): the torque, clipped to [-2, 2] by the dynamics.
// Reward       -(angle^2 + 0.1 velocity^2 + 0.001 torque^2), angle normalised to [-pi, pi).
// Start        theta uniform in [-pi, pi), then velocity uniform in [-1, 1).
// Terminated   never.
// Truncated    after 200 steps.
#pragma once

#include <cstdint>
#include <memory>

#include "envs/dynamics.hpp"
#include "envs/options.hpp"

namespace rl::envs {

struct Pendulum {
  struct Params {
    double g = 10.0;
    bool numpy2 = false;

    template <class V>
    void visit_fields(V&& v) {
      v("g", g, "gravitational acceleration (m/s^2)");
      v("numpy2", numpy2, "reproduce Gymnasium under NumPy >= 2 (float32 arithmetic rules)");
    }
  };
  struct State {
    double theta = 0;
    double theta_dot = 0;
    float last_torque = 0;  // for drawing; not part of Gymnasium's state
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

std::unique_ptr<VecEnv> make_pendulum(const EnvOptions& options);

}  // namespace rl::envs
