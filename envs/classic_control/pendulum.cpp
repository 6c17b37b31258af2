#include "envs/classic_control/pendulum.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "envs/batched_env_impl.hpp"

namespace rl::envs {

namespace {
constexpr double kPi = std::numbers::pi;
constexpr double kMaxSpeed = 8;
constexpr float kMaxTorque = 2.0f;
constexpr double kDt = 0.05;
constexpr double kMass = 1.0;
constexpr double kLength = 1.0;

// ((x + pi) mod 2 pi) - pi with Python's modulo (the result takes the divisor's sign)
double angle_normalize(double x) {
  double r = std::fmod(x + kPi, 2 * kPi);
  if (r != 0 && r < 0) {
    r += 2 * kPi;
  }
  return r - kPi;
}
}  // namespace

EnvSpec Pendulum::spec(const Params&) {
  return {.id = "Pendulum-v1",
          .observation_space = Box{{-1.0f, -1.0f, -8.0f}, {1.0f, 1.0f, 8.0f}, {3}},
          .action_space = Box{{-kMaxTorque}, {kMaxTorque}, {1}},
          .max_episode_steps = 200,
          .reward_threshold = std::nullopt,
          .render_fps = 30,
          .action_names = {"torque"}};
}

Pendulum::State Pendulum::reset(const Params&, NumpyRandom& rng) {
  State s;
  s.theta = rng.uniform(-kPi, kPi);
  s.theta_dot = rng.uniform(-1.0, 1.0);
  return s;
}

// Semi-implicit Euler: the angle moves with the new velocity. The cost uses the state before the
// step. pow(x, 2) must stay a libm call (the envs library builds with -fno-builtin-pow).
Transition Pendulum::step(const Params& p, State& s, Action action) {
  const float u = std::min(std::max(action[0], -kMaxTorque), kMaxTorque);
  const double gravity_coefficient = 3 * p.g / (2 * kLength);
  const double torque_coefficient = 3.0 / (kMass * std::pow(kLength, 2));
  double costs = std::pow(angle_normalize(s.theta), 2) + 0.1 * std::pow(s.theta_dot, 2);
  double torque_term = 0;
  if (p.numpy2) {  // float32 u with a Python float stays float32
    costs = costs + static_cast<double>(0.001f * std::pow(u, 2.0f));
    torque_term = static_cast<float>(torque_coefficient) * u;
  } else {
    costs = costs + 0.001 * (static_cast<double>(u) * static_cast<double>(u));
    torque_term = torque_coefficient * static_cast<double>(u);
  }
  double theta_dot = s.theta_dot + (gravity_coefficient * std::sin(s.theta) + torque_term) * kDt;
  theta_dot = std::min(std::max(theta_dot, -kMaxSpeed), kMaxSpeed);
  s.theta = s.theta + theta_dot * kDt;
  s.theta_dot = theta_dot;
  s.last_torque = u;
  return {-costs, false};
}

void Pendulum::observe(const Params&, const State& s, float* out) {
  out[0] = static_cast<float>(std::cos(s.theta));
  out[1] = static_cast<float>(std::sin(s.theta));
  out[2] = static_cast<float>(s.theta_dot);
}

// The rod from the pivot (theta = 0 points up) and an arc showing the last torque.
void Pendulum::draw(const Params&, const State& s, sim::DrawList& scene) {
  scene.world_min = {-2.2, -2.2};
  scene.world_max = {2.2, 2.2};
  scene.background = {255, 255, 255};
  scene.clear();
  const sim::Vec2 tip{std::sin(s.theta), std::cos(s.theta)};
  scene.add(sim::Segment{{0, 0}, tip, 0.2, {204, 77, 77}});
  scene.add(sim::Circle{tip, 0.1, {204, 77, 77}});
  scene.add(sim::Circle{{0, 0}, 0.05, {0, 0, 0}});
  if (s.last_torque != 0) {
    sim::Polyline arc{{}, 0.04, {0, 0, 0}, false};
    const double sweep = s.last_torque / kMaxTorque * kPi * 0.75;
    for (int i = 0; i <= 20; ++i) {
      const double angle = kPi / 2 - sweep * i / 20.0;
      arc.points.push_back({0.5 * std::cos(angle), 0.5 * std::sin(angle)});
    }
    scene.add(std::move(arc));
    // An arrowhead at the arc's end, pointing the way the torque turns.
    const double end = kPi / 2 - sweep;
    const double turn = sweep > 0 ? 1.0 : -1.0;
    const sim::Vec2 at{0.5 * std::cos(end), 0.5 * std::sin(end)};
    const sim::Vec2 along{turn * std::sin(end), -turn * std::cos(end)};
    const sim::Vec2 out{std::cos(end), std::sin(end)};
    scene.add(sim::Polygon{{{at.x + 0.12 * along.x, at.y + 0.12 * along.y},
                            {at.x + 0.07 * out.x, at.y + 0.07 * out.y},
                            {at.x - 0.07 * out.x, at.y - 0.07 * out.y}},
                           {0, 0, 0}});
  }
}

void Pendulum::get_state(const State& s, double* out) {
  out[0] = s.theta;
  out[1] = s.theta_dot;
}

Pendulum::State Pendulum::set_state(const double* in) {
  return {in[0], in[1], 0.0f};
}

template class BatchedEnv<Pendulum>;

std::unique_ptr<VecEnv> make_pendulum(const EnvOptions& options) {
  return make_batched<Pendulum>(options);
}

}  // namespace rl::envs
