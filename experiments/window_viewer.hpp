// The interactive loop of `rl watch` and `rl play`: episodes shown in a window in real time with
// keys to pause, single-step, restart, change speed and quit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "experiments/episode_player.hpp"
#include "sim/render/canvas.hpp"
#include "sim/render/window.hpp"

namespace rl::experiments {

struct ViewerSettings {
  double fps = 50;  ///< env steps shown per second; + and - double and halve it
  std::int64_t episodes = 0;  ///< stop after this many finished episodes; 0: until Esc
  bool start_paused = false;  ///< wait for space (or an action key in play) before the first step
  /// Ask the chooser for the action right before each step (keyboard play reads the keys held
  /// then), rather than right after the previous step (a policy's choice, shown in advance).
  bool choose_at_step = false;
  double hold_seconds = 1.0;  ///< how long an episode's last frame stays before the next starts
  std::vector<std::string> heading;  ///< first overlay lines (env, who acts)
  std::string keys_help;  ///< shown in the status line while playing
};

enum class ViewerEnd { finished, quit, closed };

/// The status line: speed and the keys.
std::string viewer_status(double fps, bool paused, const std::string& keys_help);

/// Plays episodes in the window until `episodes` have finished, Esc, or the window closes.
/// Keys: space pauses and resumes, right arrow takes one step while paused, R starts a new
/// episode, + and - change the speed, Esc quits. `on_key` (may be empty) sees every key press
/// first, e.g. to unpause keyboard play on its first action key.
ViewerEnd view_episodes(sim::Window& window, sim::Canvas& canvas, EpisodePlayer& player,
                        ViewerSettings& settings, bool (*is_action_key)(sim::Key) = nullptr);

}  // namespace rl::experiments
