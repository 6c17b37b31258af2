// The five classic-control environments stepped with a fixed action, for scenes to render.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "envs/registry.hpp"
#include "sim/draw_list.hpp"

namespace rl::test {

inline constexpr std::array<const char*, 5> kClassicEnvs = {
    "CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"};

/// Steps env 0 once with the same action every time: the last discrete action, or 60% of the
/// largest value of every Box dimension.
inline void step_with_fixed_action(envs::VecEnv& env) {
  const envs::Space& space = env.spec().action_space;
  if (const auto* discrete = std::get_if<envs::Discrete>(&space)) {
    const std::vector<std::int32_t> action{
        static_cast<std::int32_t>(discrete->start + discrete->n - 1)};
    env.step(action);
  } else {
    const auto& box = std::get<envs::Box>(space);
    std::vector<float> action(static_cast<size_t>(box.size()));
    for (size_t i = 0; i < action.size(); ++i) {
      action[i] = 0.6f * box.high[i];
    }
    env.step(action);
  }
}

/// The scene of env `id` reset with seed 0 and stepped `steps` times with the fixed action.
inline sim::DrawList scene_after(const std::string& id, int steps) {
  auto env = envs::make(id);
  env->reset(0);
  for (int t = 0; t < steps; ++t) {
    step_with_fixed_action(*env);
  }
  sim::DrawList scene;
  env->draw(0, scene);
  return scene;
}

}  // namespace rl::test
