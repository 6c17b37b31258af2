// The keys of `rl play`, turned into actions.
//   Discrete actions: each digit key takes the action with that index; the arrow keys take the
//   actions named "left"/"-1" and "right"/"+1" (CartPole, MountainCar, Acrobot). While no key is
//   held the env's no-op action is taken, or, where there is none (CartPole), the last one.
//   Box actions: left/right arrows set the first dimension to its low/high bound, down/up the
//   second; with no key held the action is 0 (clipped into the bounds).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "experiments/episode_player.hpp"
#include "sim/render/window.hpp"

namespace rl::experiments {

class KeyboardChooser : public Chooser {
 public:
  /// held(key) says whether a key is held down now (the window's key state).
  KeyboardChooser(std::function<bool(sim::Key)> held, const envs::EnvSpec& spec);

  /// The keys this env's actions use, for the status line.
  std::string help() const;
  void choose(const envs::Batch& last, agents::Actions& out, std::vector<sim::Bars>& view) override;

 private:
  std::function<bool(sim::Key)> held_;
  const envs::EnvSpec& spec_;
  std::vector<std::string> labels_;
  std::optional<int> left_;
  std::optional<int> right_;
  int last_ = 0;
};

/// Whether a key takes an action in rl play (arrows and digits), e.g. to start the game.
bool is_action_key(sim::Key key);

}  // namespace rl::experiments
