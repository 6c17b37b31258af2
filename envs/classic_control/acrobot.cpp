#include "envs/classic_control/acrobot.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "envs/batched_env_impl.hpp"

namespace rl::envs {

namespace {
constexpr double kPi = std::numbers::pi;
constexpr double kMaxVel1 = 4 * kPi;
constexpr double kMaxVel2 = 9 * kPi;
constexpr double kDt = 0.2;
constexpr double kTorques[] = {-1.0, 0.0, 1.0};

using Vector5 = std::array<double, 5>;  // theta1, theta2, omega1, omega2, torque

// Gymnasium's _dsdt with m1 = m2 = l1 = I1 = I2 = 1, lc1 = lc2 = 0.5, g = 9.8, folded as written
// there; pow(x, 2) is libm's (the envs library builds with -fno-builtin-pow).
Vector5 derivative(const Vector5& y) {
  const double theta1 = y[0];
  const double theta2 = y[1];
  const double omega1 = y[2];
  const double omega2 = y[3];
  const double torque = y[4];
  const double cos2 = std::cos(theta2);
  const double sin2 = std::sin(theta2);
  const double d1 = ((0.25 + (1.25 + cos2)) + 1.0) + 1.0;
  const double d2 = (0.25 + 0.5 * cos2) + 1.0;
  const double phi2 = 4.9 * std::cos((theta1 + theta2) - 1.5707963267948966);
  const double phi1 = ((((-0.5) * std::pow(omega2, 2)) * sin2 - (omega2 * omega1) * sin2) +
                       14.700000000000001 * std::cos(theta1 - 1.5707963267948966)) +
                      phi2;
  const double domega2 =
      (((torque + (d2 / d1) * phi1) - (0.5 * std::pow(omega1, 2)) * sin2) - phi2) /
      (1.25 - std::pow(d2, 2) / d1);
  const double domega1 = -(d2 * domega2 + phi1) / d1;
  return {omega1, omega2, domega1, domega2, 0.0};
}

/// y + h * k, element by element.
Vector5 along(const Vector5& y, double h, const Vector5& k) {
  Vector5 out;
  for (size_t i = 0; i < 5; ++i) {
    out[i] = y[i] + h * k[i];
  }
  return out;
}

double wrap(double x) {
  while (x > kPi) {
    x = x - 2 * kPi;
  }
  while (x < -kPi) {
    x = x + 2 * kPi;
  }
  return x;
}
}  // namespace

EnvSpec Acrobot::spec(const Params&) {
  const auto v1 = static_cast<float>(kMaxVel1);
  const auto v2 = static_cast<float>(kMaxVel2);
  return {.id = "Acrobot-v1",
          .observation_space = Box{{-1, -1, -1, -1, -v1, -v2}, {1, 1, 1, 1, v1, v2}, {6}},
          .action_space = Discrete{3},
          .max_episode_steps = 500,
          .reward_threshold = -100.0,
          .render_fps = 15,
          .action_names = {"torque -1", "torque 0", "torque +1"},
          .noop_action = 1};
}

Acrobot::State Acrobot::reset(const Params&, NumpyRandom& rng) {
  std::array<double, 4> values{};
  for (double& v : values) {
    v = static_cast<float>(rng.uniform(-0.1, 0.1));  // Gymnasium: .astype(np.float32)
  }
  return {values[0], values[1], values[2], values[3]};
}

// One classical RK4 step of 0.2 s on (theta1, theta2, omega1, omega2, torque), as Gymnasium's rk4.
Transition Acrobot::step(const Params&, State& s, Action action) {
  const Vector5 y{s.theta1, s.theta2, s.omega1, s.omega2, kTorques[action]};
  const Vector5 k1 = derivative(y);
  const Vector5 k2 = derivative(along(y, kDt / 2.0, k1));
  const Vector5 k3 = derivative(along(y, kDt / 2.0, k2));
  const Vector5 k4 = derivative(along(y, kDt, k3));
  Vector5 next;
  for (size_t i = 0; i < 5; ++i) {
    next[i] = y[i] + kDt / 6.0 * (((k1[i] + 2 * k2[i]) + 2 * k3[i]) + k4[i]);
  }
  s.theta1 = wrap(next[0]);
  s.theta2 = wrap(next[1]);
  s.omega1 = std::min(std::max(next[2], -kMaxVel1), kMaxVel1);
  s.omega2 = std::min(std::max(next[3], -kMaxVel2), kMaxVel2);
  const bool terminated = -std::cos(s.theta1) - std::cos(s.theta2 + s.theta1) > 1.0;
  return {terminated ? 0.0 : -1.0, terminated};
}

void Acrobot::observe(const Params&, const State& s, float* out) {
  out[0] = static_cast<float>(std::cos(s.theta1));
  out[1] = static_cast<float>(std::sin(s.theta1));
  out[2] = static_cast<float>(std::cos(s.theta2));
  out[3] = static_cast<float>(std::sin(s.theta2));
  out[4] = static_cast<float>(s.omega1);
  out[5] = static_cast<float>(s.omega2);
}

// Two links hanging from the pivot (angles from straight down) and the goal height.
void Acrobot::draw(const Params&, const State& s, sim::DrawList& scene) {
  scene.world_min = {-2.2, -2.2};
  scene.world_max = {2.2, 2.2};
  scene.background = {255, 255, 255};
  scene.clear();
  scene.add(sim::Segment{{-2.2, 1}, {2.2, 1}, 0, {0, 0, 0}});
  const sim::Vec2 elbow{std::sin(s.theta1), -std::cos(s.theta1)};
  const sim::Vec2 end{elbow.x + std::sin(s.theta1 + s.theta2),
                      elbow.y - std::cos(s.theta1 + s.theta2)};
  scene.add(sim::Segment{{0, 0}, elbow, 0.2, {0, 204, 204}});
  scene.add(sim::Segment{elbow, end, 0.2, {0, 204, 204}});
  scene.add(sim::Circle{{0, 0}, 0.1, {204, 204, 0}});
  scene.add(sim::Circle{elbow, 0.1, {204, 204, 0}});
}

void Acrobot::get_state(const State& s, double* out) {
  out[0] = s.theta1;
  out[1] = s.theta2;
  out[2] = s.omega1;
  out[3] = s.omega2;
}

Acrobot::State Acrobot::set_state(const double* in) {
  return {in[0], in[1], in[2], in[3]};
}

template class BatchedEnv<Acrobot>;

std::unique_ptr<VecEnv> make_acrobot(const EnvOptions& options) {
  return make_batched<Acrobot>(options);
}

}  // namespace rl::envs
