// `rl train --watch-every N`: a window that shows the policy being trained. Every N env steps
// (at the next slice boundary) training pauses while one greedy episode plays in the window;
// between watches the window only answers events, and once it is closed (or Esc) nothing more is
// drawn, so training runs at full speed.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "agents/agent.hpp"
#include "experiments/run_settings.hpp"

namespace rl::experiments {

struct WatchSettings {
  std::int64_t every = 0;  ///< env steps between watched episodes
  double fps = 0;  ///< env steps per second in the window; 0: the env's render_fps
  int width = 600;
  int height = 400;
};

class TrainingWatcher {
 public:
  /// Opens the window; throws rl::Error naming the fix when there is no display.
  TrainingWatcher(const RunSettings& settings, const WatchSettings& watch);
  ~TrainingWatcher();

  /// Called between training slices with the agent and the env steps trained so far.
  void between_slices(agents::Agent& agent, std::int64_t step);
  /// Whether the window is still open (closing it stops the watching).
  bool watching() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rl::experiments
