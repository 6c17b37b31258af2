#include "envs/classic_control/cartpole.hpp"

#include <cmath>
#include <numbers>

#include "envs/batched_env_impl.hpp"

namespace rl::envs {

namespace {
// 12 * 2 * pi / 360, evaluated in Gymnasium's order.
constexpr double kThetaThreshold = 12 * 2 * std::numbers::pi / 360;
constexpr double kXThreshold = 2.4;
}  // namespace

EnvSpec CartPole::spec(const Params&) {
  const float inf = std::numeric_limits<float>::infinity();
  const auto theta_bound = static_cast<float>(kThetaThreshold * 2);
  const auto x_bound = static_cast<float>(kXThreshold * 2);
  return {.id = "CartPole-v1",
          .observation_space =
              Box{{-x_bound, -inf, -theta_bound, -inf}, {x_bound, inf, theta_bound, inf}, {4}},
          .action_space = Discrete{2},
          .max_episode_steps = 500,
          .reward_threshold = 475.0,
          .render_fps = 50,
          .action_names = {"push left", "push right"}};
}

CartPole::State CartPole::reset(const Params&, NumpyRandom& rng) {
  State s;
  s.x = rng.uniform(-0.05, 0.05);
  s.x_dot = rng.uniform(-0.05, 0.05);
  s.theta = rng.uniform(-0.05, 0.05);
  s.theta_dot = rng.uniform(-0.05, 0.05);
  return s;
}

// Explicit Euler, as Gymnasium's default "euler" integrator; positions use the old velocities.
Transition CartPole::step(const Params& p, State& s, Action action) {
  const double total_mass = p.masspole + p.masscart;
  const double polemass_length = p.masspole * p.length;
  const double force = action == 1 ? p.force_mag : -p.force_mag;
  const double costheta = std::cos(s.theta);
  const double sintheta = std::sin(s.theta);
  const double temp =
      (force + polemass_length * (s.theta_dot * s.theta_dot) * sintheta) / total_mass;
  const double thetaacc =
      (p.gravity * sintheta - costheta * temp) /
      (p.length * (4.0 / 3.0 - p.masspole * (costheta * costheta) / total_mass));
  const double xacc = temp - polemass_length * thetaacc * costheta / total_mass;
  s.x = s.x + p.tau * s.x_dot;
  s.x_dot = s.x_dot + p.tau * xacc;
  s.theta = s.theta + p.tau * s.theta_dot;
  s.theta_dot = s.theta_dot + p.tau * thetaacc;
  const bool terminated = s.x < -kXThreshold || s.x > kXThreshold || s.theta < -kThetaThreshold ||
                          s.theta > kThetaThreshold;
  double reward = 1.0;
  if (p.sutton_barto_reward) {
    reward = terminated ? -1.0 : 0.0;
  }
  return {reward, terminated};
}

void CartPole::observe(const Params&, const State& s, float* out) {
  out[0] = static_cast<float>(s.x);
  out[1] = static_cast<float>(s.x_dot);
  out[2] = static_cast<float>(s.theta);
  out[3] = static_cast<float>(s.theta_dot);
}

// The cart on its track and the pole, in metres, framed like Gymnasium's 600x400 rendering.
void CartPole::draw(const Params& p, const State& s, sim::DrawList& scene) {
  const double world_half_width = kXThreshold * 2;
  scene.world_min = {-world_half_width, -0.8};
  scene.world_max = {world_half_width, 2.4};
  scene.background = {255, 255, 255};
  scene.clear();
  scene.add(sim::Segment{{-world_half_width, 0}, {world_half_width, 0}, 0, {0, 0, 0}});
  const double cart_w = 0.5;
  const double cart_h = 0.3;
  const double axle_y = 0.1;
  scene.add(sim::Polygon{{{s.x - cart_w / 2, axle_y - cart_h / 2},
                          {s.x + cart_w / 2, axle_y - cart_h / 2},
                          {s.x + cart_w / 2, axle_y + cart_h / 2},
                          {s.x - cart_w / 2, axle_y + cart_h / 2}},
                         {0, 0, 0}});
  const double pole_length = 2 * p.length;
  const sim::Vec2 tip{s.x + pole_length * std::sin(s.theta),
                      axle_y + pole_length * std::cos(s.theta)};
  scene.add(sim::Segment{{s.x, axle_y}, tip, 0.1, {202, 152, 101}});
  scene.add(sim::Circle{{s.x, axle_y}, 0.05, {129, 132, 203}});
}

void CartPole::get_state(const State& s, double* out) {
  out[0] = s.x;
  out[1] = s.x_dot;
  out[2] = s.theta;
  out[3] = s.theta_dot;
}

CartPole::State CartPole::set_state(const double* in) {
  return {in[0], in[1], in[2], in[3]};
}

template class BatchedEnv<CartPole>;

std::unique_ptr<VecEnv> make_cartpole(const EnvOptions& options) {
  return make_batched<CartPole>(options);
}

}  // namespace rl::envs
