#include "envs/classic_control/mountain_car_continuous.hpp"

#include <cmath>

#include "envs/batched_env_impl.hpp"
#include "envs/classic_control/mountain_car.hpp"

namespace rl::envs {

namespace {
constexpr double kMinPosition = -1.2;
constexpr double kMaxPosition = 0.6;
constexpr double kMaxSpeed = 0.07;
constexpr double kGoalPosition = 0.45;
constexpr double kPower = 0.0015;

float f32(double x) {
  return static_cast<float>(x);
}

// Everything after the velocity increment, in binary64. Returns terminated.
bool finish_step_f64(double& position, double& velocity, double goal_velocity) {
  if (velocity > kMaxSpeed) {
    velocity = kMaxSpeed;
  }
  if (velocity < -kMaxSpeed) {
    velocity = -kMaxSpeed;
  }
  position = position + velocity;
  if (position > kMaxPosition) {
    position = kMaxPosition;
  }
  if (position < kMinPosition) {
    position = kMinPosition;
  }
  if (position == kMinPosition && velocity < 0) {
    velocity = 0;
  }
  return position >= kGoalPosition && velocity >= goal_velocity;
}

// NumPy 1: every operation in binary64 on the (possibly float32) state values.
bool step_numpy1(double& position, double& velocity, double force, double goal_velocity) {
  velocity = velocity + (force * kPower - 0.0025 * std::cos(3 * position));
  return finish_step_f64(position, velocity, goal_velocity);
}

// NumPy 2 (NEP 50): an operation between a float32 value and a Python float is done in float32,
// with the Python float rounded first. The float32 values are the action and, after the first
// step, the state; a clamp assigns a Python float, which is binary64 again.
bool step_numpy2(double& position, double& velocity, bool state_float32, float action,
                 double goal_velocity) {
  // force = min(max(action, -1.0), 1.0) keeps the float32 action or a Python float bound
  const bool clipped = action < -1.0f || action > 1.0f;
  const double bound = action < 0 ? -1.0 : 1.0;
  if (!state_float32) {  // first step: the state is binary64
    const double gravity_term = 0.0025 * std::cos(3 * position);
    const double dv = clipped ? bound * kPower - gravity_term
                              : static_cast<double>(action * f32(kPower) - f32(gravity_term));
    velocity = velocity + dv;
    return finish_step_f64(position, velocity, goal_velocity);
  }
  const float p = f32(position);
  const float v = f32(velocity);
  const double gravity_term = 0.0025 * std::cos(static_cast<double>(3.0f * p));
  const float v1 = clipped ? v + f32(bound * kPower - gravity_term)
                           : v + (action * f32(kPower) - f32(gravity_term));
  // velocity: float32 unless clamped to a Python float
  double new_velocity = v1;
  bool velocity_f32 = true;
  if (v1 > f32(kMaxSpeed)) {
    new_velocity = kMaxSpeed;
    velocity_f32 = false;
  }
  if (velocity_f32 && v1 < f32(-kMaxSpeed)) {
    new_velocity = -kMaxSpeed;
    velocity_f32 = false;
  }
  const float p1 = p + f32(new_velocity);
  double new_position = p1;
  bool position_f32 = true;
  if (p1 > f32(kMaxPosition)) {
    new_position = kMaxPosition;
    position_f32 = false;
  }
  if (position_f32 && p1 < f32(kMinPosition)) {
    new_position = kMinPosition;
    position_f32 = false;
  }
  const double min_position = position_f32 ? f32(kMinPosition) : kMinPosition;
  if (new_position == min_position && new_velocity < 0) {
    new_velocity = 0;
  }
  const double goal = position_f32 ? f32(kGoalPosition) : kGoalPosition;
  const double goal_v = velocity_f32 ? f32(goal_velocity) : goal_velocity;
  position = new_position;
  velocity = new_velocity;
  return new_position >= goal && new_velocity >= goal_v;
}

}  // namespace

EnvSpec MountainCarContinuous::spec(const Params&) {
  return {.id = "MountainCarContinuous-v0",
          .observation_space =
              Box{{f32(kMinPosition), f32(-kMaxSpeed)}, {f32(kMaxPosition), f32(kMaxSpeed)}, {2}},
          .action_space = Box{{-1.0f}, {1.0f}, {1}},
          .max_episode_steps = 999,
          .reward_threshold = 90.0,
          .render_fps = 30,
          .action_names = {"force"}};
}

MountainCarContinuous::State MountainCarContinuous::reset(const Params&, NumpyRandom& rng) {
  return {rng.uniform(-0.6, -0.4), 0.0, false};
}

Transition MountainCarContinuous::step(const Params& p, State& s, Action action) {
  const float a = action[0];
  bool terminated = false;
  if (p.numpy2) {
    terminated = step_numpy2(s.position, s.velocity, s.float32, a, p.goal_velocity);
  } else {
    const double force = std::min(std::max(static_cast<double>(a), -1.0), 1.0);
    terminated = step_numpy1(s.position, s.velocity, force, p.goal_velocity);
  }
  // the unclipped action is charged; math.pow(a, 2) of a float32 value is exact in binary64
  const double reward = (terminated ? 100.0 : 0.0) - std::pow(static_cast<double>(a), 2) * 0.1;
  // Gymnasium stores the new state as a float32 array
  const float position = f32(s.position);
  const float velocity = f32(s.velocity);
  s = {position, velocity, true};
  return {reward, terminated};
}

void MountainCarContinuous::observe(const Params&, const State& s, float* out) {
  out[0] = f32(s.position);
  out[1] = f32(s.velocity);
}

void MountainCarContinuous::draw(const Params&, const State& s, sim::DrawList& scene) {
  draw_mountain(s.position, kGoalPosition, scene);
}

void MountainCarContinuous::get_state(const State& s, double* out) {
  out[0] = s.position;
  out[1] = s.velocity;
}

MountainCarContinuous::State MountainCarContinuous::set_state(const double* in) {
  // float32 exactly when both values are float32-representable, as after any step
  const bool float32 =
      static_cast<double>(f32(in[0])) == in[0] && static_cast<double>(f32(in[1])) == in[1];
  return {in[0], in[1], float32};
}

template class BatchedEnv<MountainCarContinuous>;

std::unique_ptr<VecEnv> make_mountain_car_continuous(const EnvOptions& options) {
  return make_batched<MountainCarContinuous>(options);
}

}  // namespace rl::envs
