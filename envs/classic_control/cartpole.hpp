// CartPole-v1 (Barto, Sutton & Anderson 1983), matching Gymnasium's
// classic_control/cartpole.py bit for bit (../shared/conformance/README.md).
//
// Observation  Box(4): cart position [-4.8, 4.8], cart velocity, pole angle [-0.418, 0.418] rad,
//              pole angular velocity; float32 of the float64 state.
// Action       Discrete(2): 0 pushes the cart left, 1 right, with force 10.
// Reward       +1 for every step, the terminating one included (sutton_barto_reward: 0 per step
//              and -1 on termination).
// Start        each state variable uniform in [-0.05, 0.05), drawn as Gymnasium does.
// Terminated   |x| > 2.4 or |theta| > 12 degrees.
// Truncated    after 500 steps.
// Differs      stepping after termination without reset raises instead of warning.
#pragma once

#include <cstdint>
#include <memory>

#include "envs/dynamics.hpp"
#include "envs/options.hpp"

namespace rl::envs {

struct CartPole {
  struct Params {
    double gravity = 9.8;
    double masscart = 1.0;
    double masspole = 0.1;
    double length = 0.5;  // half the pole's length
    double force_mag = 10.0;
    double tau = 0.02;  // seconds per step
    bool sutton_barto_reward = false;

    template <class V>
    void visit_fields(V&& v) {
      v("gravity", gravity, "gravitational acceleration (m/s^2)");
      v("masscart", masscart, "mass of the cart (kg)");
      v("masspole", masspole, "mass of the pole (kg)");
      v("length", length, "half the pole's length (m)");
      v("force_mag", force_mag, "force of a push (N)");
      v("tau", tau, "seconds between steps");
      v("sutton_barto_reward", sutton_barto_reward,
        "reward 0 per step and -1 on termination instead of +1 per step");
    }
  };
  struct State {
    double x = 0;
    double x_dot = 0;
    double theta = 0;
    double theta_dot = 0;
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

std::unique_ptr<VecEnv> make_cartpole(const EnvOptions& options);

}  // namespace rl::envs
