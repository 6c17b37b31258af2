// Acrobot-v1 (Sutton 1996; Sutton & Barto 2018), the "book" dynamics, matching Gymnasium's
// classic_control/acrobot.py bit for bit.
//
// Observation  Box(6): cos/sin of both joint angles, angular velocities [-4 pi, 4 pi], [-9 pi, 9
// pi]. Action       Discrete(3): torque -1, 0 or +1 on the joint between the links. Reward       -1
// per step, 0 on the step that reaches the goal. Start        the four state values uniform in
// [-0.1, 0.1), rounded to float32. Terminated   -cos(theta1) - cos(theta2 + theta1) > 1 (the free
// end above the bar). Truncated    after 500 steps.
#pragma once

#include <cstdint>
#include <memory>

#include "envs/dynamics.hpp"
#include "envs/options.hpp"

namespace rl::envs {

struct Acrobot {
  struct Params {
    template <class V>
    void visit_fields(V&&) {}
  };
  struct State {
    double theta1 = 0;
    double theta2 = 0;
    double omega1 = 0;
    double omega2 = 0;
  };
  using Action = std::int32_t;
  static constexpr std::int64_t kStateSize = 4;

  static EnvSpec spec(const Params& p);
  static State reset(const Params& p, NumpyRandom& rng);
  static Transition step(const Params& p, State& s, Action action);
  static void observe(const Params& p, const State& s, float* out);
  static void draw(const Params& p, const State& s, sim::DrawList& scene);
  static void get_state(const State& s, double* out);
  static State set_state(const double* in);
};

std::unique_ptr<VecEnv> make_acrobot(const EnvOptions& options);

}  // namespace rl::envs
