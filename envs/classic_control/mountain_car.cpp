#include "envs/classic_control/mountain_car.hpp"

#include <algorithm>
#include <cmath>

#include "envs/batched_env_impl.hpp"

namespace rl::envs {

namespace {
constexpr double kMinPosition = -1.2;
constexpr double kMaxPosition = 0.6;
constexpr double kMaxSpeed = 0.07;
constexpr double kGoalPosition = 0.5;
constexpr double kForce = 0.001;
constexpr double kGravity = 0.0025;
}  // namespace

EnvSpec MountainCar::spec(const Params&) {
  return {
      .id = "MountainCar-v0",
      .observation_space = Box{{static_cast<float>(kMinPosition), static_cast<float>(-kMaxSpeed)},
                               {static_cast<float>(kMaxPosition), static_cast<float>(kMaxSpeed)},
                               {2}},
      .action_space = Discrete{3},
      .max_episode_steps = 200,
      .reward_threshold = -110.0,
      .render_fps = 30,
      .action_names = {"push left", "no push", "push right"},
      .noop_action = 1};
}

MountainCar::State MountainCar::reset(const Params&, NumpyRandom& rng) {
  return {rng.uniform(-0.6, -0.4), 0.0};
}

Transition MountainCar::step(const Params& p, State& s, Action action) {
  // the increment is formed first, then added (Python's +=)
  double velocity = s.velocity + ((action - 1) * kForce + std::cos(3 * s.position) * (-kGravity));
  velocity = std::min(std::max(velocity, -kMaxSpeed), kMaxSpeed);
  double position = s.position + velocity;
  position = std::min(std::max(position, kMinPosition), kMaxPosition);
  if (position == kMinPosition && velocity < 0) {
    velocity = 0;
  }
  s = {position, velocity};
  return {-1.0, position >= kGoalPosition && velocity >= p.goal_velocity};
}

void MountainCar::observe(const Params&, const State& s, float* out) {
  out[0] = static_cast<float>(s.position);
  out[1] = static_cast<float>(s.velocity);
}

void draw_mountain(double position, double goal_position, sim::DrawList& scene) {
  const auto height = [](double x) { return std::sin(3 * x) * 0.45 + 0.55; };
  scene.world_min = {kMinPosition, -0.1};
  scene.world_max = {kMaxPosition, 1.2};
  scene.background = {255, 255, 255};
  scene.clear();
  sim::Polyline hill{{}, 0, {0, 0, 0}, false};
  for (int i = 0; i <= 100; ++i) {
    const double x = kMinPosition + (kMaxPosition - kMinPosition) * i / 100.0;
    hill.points.push_back({x, height(x)});
  }
  scene.add(std::move(hill));
  const double flag_y = height(goal_position);
  scene.add(sim::Segment{{goal_position, flag_y}, {goal_position, flag_y + 0.1}, 0, {0, 0, 0}});
  scene.add(sim::Polygon{{{goal_position, flag_y + 0.1},
                          {goal_position, flag_y + 0.075},
                          {goal_position + 0.05, flag_y + 0.0875}},
                         {204, 204, 0}});
  // the car: a box tilted along the slope, with two wheels
  const double angle = std::atan(std::cos(3 * position) * 0.45 * 3);
  const double c = std::cos(angle);
  const double sn = std::sin(angle);
  const double base = height(position);
  const auto at = [&](double along, double up) {
    return sim::Vec2{position + along * c - up * sn, base + along * sn + up * c};
  };
  const double half = 0.06;
  const double clearance = 0.02;
  scene.add(sim::Polygon{{at(-half, clearance), at(half, clearance), at(half, clearance + 0.04),
                          at(-half, clearance + 0.04)},
                         {0, 0, 0}});
  scene.add(sim::Circle{at(-half * 0.6, clearance), 0.015, {128, 128, 128}});
  scene.add(sim::Circle{at(half * 0.6, clearance), 0.015, {128, 128, 128}});
}

void MountainCar::draw(const Params&, const State& s, sim::DrawList& scene) {
  draw_mountain(s.position, kGoalPosition, scene);
}

void MountainCar::get_state(const State& s, double* out) {
  out[0] = s.position;
  out[1] = s.velocity;
}

MountainCar::State MountainCar::set_state(const double* in) {
  return {in[0], in[1]};
}

template class BatchedEnv<MountainCar>;

std::unique_ptr<VecEnv> make_mountain_car(const EnvOptions& options) {
  return make_batched<MountainCar>(options);
}

}  // namespace rl::envs
