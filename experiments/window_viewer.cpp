#include "experiments/window_viewer.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

namespace rl::experiments {

namespace {

using Clock = std::chrono::steady_clock;

constexpr double kMinFps = 0.25;
constexpr double kMaxFps = 2000;
// Events are polled at least this often, so keys and closing respond even at 1 frame per second.
constexpr auto kPollInterval = std::chrono::milliseconds(15);

}  // namespace

std::string viewer_status(double fps, bool paused, const std::string& keys_help) {
  char speed[64];
  std::snprintf(speed, sizeof speed, "%g steps/s", fps);
  if (paused) {
    return std::string("paused (") + speed +
           ")   space resumes   right arrow steps   R new episode" + "   Esc quits";
  }
  return std::string(speed) + "   space pause   +/- speed   R new episode   Esc quit" +
         (keys_help.empty() ? "" : "   " + keys_help);
}

ViewerEnd view_episodes(sim::Window& window, sim::Canvas& canvas, EpisodePlayer& player,
                        ViewerSettings& settings, bool (*is_action_key)(sim::Key)) {
  bool paused = settings.start_paused;
  bool step_once = false;
  bool dirty = true;
  if (player.episode() == 0 || player.episode_over()) {
    player.begin_episode();
  }
  auto next_frame = Clock::now();
  auto ended_at = Clock::time_point{};
  while (true) {
    for (const sim::WindowEvent& event : window.poll()) {
      if (event.type == sim::WindowEvent::Type::closed) {
        return ViewerEnd::closed;
      }
      if (event.type == sim::WindowEvent::Type::resized) {
        canvas.resize(event.width, event.height);
        dirty = true;
        continue;
      }
      if (event.type != sim::WindowEvent::Type::key_pressed) {
        continue;
      }
      dirty = true;
      switch (event.key) {
        case sim::Key::escape: return ViewerEnd::quit;
        case sim::Key::space:
          paused = !paused;
          next_frame = Clock::now();
          break;
        case sim::Key::right:
          if (paused) {
            step_once = true;
          }
          break;
        case sim::Key::r:
          player.begin_episode();
          ended_at = {};
          break;
        case sim::Key::plus: settings.fps = std::min(kMaxFps, settings.fps * 2); break;
        case sim::Key::minus: settings.fps = std::max(kMinFps, settings.fps / 2); break;
        default: break;
      }
      if (paused && settings.start_paused && is_action_key != nullptr && is_action_key(event.key) &&
          player.step_count() == 0) {
        paused = false;  // keyboard play starts with the first action key
        next_frame = Clock::now();
      }
    }
    if (!window.is_open()) {
      return ViewerEnd::closed;
    }
    const auto now = Clock::now();
    if ((!paused || step_once) && now >= next_frame) {
      if (player.episode_over()) {
        if (ended_at == Clock::time_point{}) {
          ended_at = now;
        }
        const bool held_long_enough =
            step_once || now - ended_at >= std::chrono::duration<double>(settings.hold_seconds);
        if (held_long_enough) {
          if (settings.episodes > 0 &&
              static_cast<std::int64_t>(player.returns().size()) >= settings.episodes) {
            return ViewerEnd::finished;
          }
          player.begin_episode();
          ended_at = {};
        }
      } else {
        if (settings.choose_at_step) {
          player.rechoose();
        }
        player.step();
      }
      step_once = false;
      dirty = true;
      next_frame += std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(1.0 / settings.fps));
      if (next_frame < now) {  // fell behind (a slow frame): do not try to catch up
        next_frame = now;
      }
    }
    if (dirty) {
      player.draw(canvas, settings.heading,
                  viewer_status(settings.fps, paused, settings.keys_help));
      window.show(canvas.image());
      dirty = false;
    }
    const auto wake =
        paused ? Clock::now() + kPollInterval : std::min(next_frame, Clock::now() + kPollInterval);
    std::this_thread::sleep_until(wake);
  }
}

}  // namespace rl::experiments
