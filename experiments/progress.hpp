// What `rl train` shows while it runs: a bar redrawn in place on a terminal (steps, steps/s, ETA,
// recent mean return), plain lines every few seconds when the output is a file or a pipe,
// nothing with --quiet. Written to stderr so stdout keeps only the final summary.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>

namespace rl::experiments {

class Progress {
 public:
  enum class Mode { kBar, kLines, kQuiet };

  /// kBar when stderr is a terminal, else kLines (or kQuiet when quiet).
  static Mode mode_for(bool quiet);

  Progress(Mode mode, std::int64_t first_step, std::int64_t total_steps, double line_seconds,
           std::FILE* out = stderr);

  /// Redraws at most ~10 times a second (bar) or every line_seconds (lines).
  void update(std::int64_t step, std::int64_t episodes, std::optional<double> recent_return);
  /// The last redraw, and a newline after the bar.
  void finish(std::int64_t step, std::int64_t episodes, std::optional<double> recent_return);
  /// Clears the bar before another message is printed.
  void clear();

 private:
  void draw(std::int64_t step, std::int64_t episodes, std::optional<double> recent_return);

  using Clock = std::chrono::steady_clock;
  Mode mode_;
  std::int64_t first_step_;
  std::int64_t total_steps_;
  double line_seconds_;
  std::FILE* out_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_draw_{};
  bool drawn_ = false;
};

}  // namespace rl::experiments
