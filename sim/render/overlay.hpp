// What viewers draw over a scene, in pixels rather than world units: who is acting and how it is
// going (episode, step, return), what the policy makes of the moment (action probabilities,
// Q-values or the action vector, as bars) and a status line (paused, speed, key help).
#pragma once

#include <string>
#include <vector>

namespace rl::sim {

/// One bar per entry, drawn from the baseline max(low, min(0, high)) towards its value, with the
/// label under it and the value printed; `highlighted` (or -1) is the chosen action.
struct Bars {
  std::string title;  ///< e.g. "action probabilities", "Q-values", "action"
  std::vector<std::string> labels;
  std::vector<float> values;
  float low = 0;  ///< the value axis: values are clamped to [low, high] when drawn
  float high = 1;
  int highlighted = -1;
};

struct Overlay {
  std::vector<std::string> lines;  ///< top-left, one per line
  std::vector<Bars> bars;  ///< top-right, stacked
  std::string status;  ///< bottom-left, e.g. "paused - space resumes, right arrow steps"

  void clear() {
    lines.clear();
    bars.clear();
    status.clear();
  }
};

}  // namespace rl::sim
