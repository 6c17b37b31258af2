#include "experiments/progress.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <unistd.h>

namespace rl::experiments {

namespace {

std::string duration_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) {
    return "--:--";
  }
  const auto total = static_cast<long long>(seconds + 0.5);
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60,
                  total % 60);
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", total / 60, total % 60);
  }
  return text;
}

std::string rate_text(double per_second) {
  char text[32];
  if (per_second >= 1e6) {
    std::snprintf(text, sizeof text, "%.2fM", per_second / 1e6);
  } else if (per_second >= 1e3) {
    std::snprintf(text, sizeof text, "%.1fk", per_second / 1e3);
  } else {
    std::snprintf(text, sizeof text, "%.0f", per_second);
  }
  return text;
}

}  // namespace

Progress::Mode Progress::mode_for(bool quiet) {
  if (quiet) {
    return Mode::kQuiet;
  }
  return ::isatty(STDERR_FILENO) != 0 ? Mode::kBar : Mode::kLines;
}

Progress::Progress(Mode mode, std::int64_t first_step, std::int64_t total_steps,
                   double line_seconds, std::FILE* out)
    : mode_(mode),
      first_step_(first_step),
      total_steps_(total_steps),
      line_seconds_(line_seconds),
      out_(out) {
  if (mode_ == Mode::kLines) {
    last_draw_ = start_;  // the first line after line_seconds, once the rate means something
  }
}

void Progress::update(std::int64_t step, std::int64_t episodes,
                      std::optional<double> recent_return) {
  if (mode_ == Mode::kQuiet) {
    return;
  }
  const auto now = Clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  if (since < (mode_ == Mode::kBar ? 0.1 : line_seconds_)) {
    return;
  }
  last_draw_ = now;
  draw(step, episodes, recent_return);
}

void Progress::finish(std::int64_t step, std::int64_t episodes,
                      std::optional<double> recent_return) {
  if (mode_ == Mode::kQuiet) {
    return;
  }
  draw(step, episodes, recent_return);
  if (mode_ == Mode::kBar) {
    std::fputc('\n', out_);
    drawn_ = false;
  }
  std::fflush(out_);
}

void Progress::clear() {
  if (mode_ == Mode::kBar && drawn_) {
    std::fputs("\r\033[K", out_);
    drawn_ = false;
  }
}

void Progress::draw(std::int64_t step, std::int64_t episodes, std::optional<double> recent_return) {
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(step - first_step_) / elapsed : 0;
  const double fraction =
      total_steps_ > 0
          ? std::clamp(static_cast<double>(step) / static_cast<double>(total_steps_), 0.0, 1.0)
          : 1.0;
  const double eta =
      rate > 0 ? std::max(0.0, static_cast<double>(total_steps_ - step) / rate) : NAN;
  char returns[64] = "return -";
  if (recent_return) {
    std::snprintf(returns, sizeof returns, "return %.1f (last 100)", *recent_return);
  }
  if (mode_ == Mode::kBar) {
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(fraction * kWidth);
    std::string bar(static_cast<size_t>(filled), '=');
    if (filled < kWidth) {
      bar += '>';
      bar += std::string(static_cast<size_t>(kWidth - filled - 1), ' ');
    }
    std::fprintf(out_, "\r\033[K%3.0f%% [%s] %lld/%lld steps | %s steps/s | ETA %s | %s",
                 fraction * 100, bar.c_str(), static_cast<long long>(step),
                 static_cast<long long>(total_steps_), rate_text(rate).c_str(),
                 duration_text(eta).c_str(), returns);
    drawn_ = true;
  } else {
    std::fprintf(out_,
                 "step %lld/%lld (%.0f%%) | %s steps/s | %s elapsed, ETA %s | %lld episodes | %s\n",
                 static_cast<long long>(step), static_cast<long long>(total_steps_), fraction * 100,
                 rate_text(rate).c_str(), duration_text(elapsed).c_str(),
                 duration_text(eta).c_str(), static_cast<long long>(episodes), returns);
  }
  std::fflush(out_);
}

}  // namespace rl::experiments
