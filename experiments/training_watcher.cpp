#include "experiments/training_watcher.hpp"

#include <string>

#include "envs/registry.hpp"
#include "experiments/episode_player.hpp"
#include "experiments/window_viewer.hpp"
#include "sim/render/canvas.hpp"
#include "sim/render/window.hpp"

namespace rl::experiments {

namespace {
using Clock = std::chrono::steady_clock;
// Between watches the last frame is shown again this often, so the window never looks hung.
constexpr auto kRefreshInterval = std::chrono::milliseconds(100);
}  // namespace

struct TrainingWatcher::Impl {
  Impl(const RunSettings& settings, const WatchSettings& watch)
      : every(watch.every),
        window(window_title(settings), watch.width, watch.height),
        canvas(watch.width, watch.height) {
    envs::EnvOptions options = settings.env_options(1);
    options.autoreset = envs::AutoReset::kDisabled;
    env = envs::make(settings.env_id, options);
    view.fps = watch.fps > 0 ? watch.fps : env->spec().render_fps;
    view.episodes = 1;
    view.hold_seconds = 0.5;
    agent_name = settings.agent;
    seed = settings.seed + 2'000'000;  // apart from the training and evaluation seeds
    next_watch = watch.every;
  }

  static std::string window_title(const RunSettings& settings) {
    return "rl train: " + settings.agent + " on " + settings.env_id;
  }

  std::int64_t every;
  sim::Window window;
  sim::Canvas canvas;
  std::unique_ptr<envs::VecEnv> env;
  ViewerSettings view;
  std::string agent_name;
  std::uint64_t seed = 0;
  std::int64_t next_watch = 0;
  std::int64_t watched = 0;
  Clock::time_point last_refresh{};
};

TrainingWatcher::TrainingWatcher(const RunSettings& settings, const WatchSettings& watch) {
  if (const auto problem = sim::Window::display_problem()) {
    throw Error("--watch-every: " + *problem);
  }
  impl_ = std::make_unique<Impl>(settings, watch);
}

TrainingWatcher::~TrainingWatcher() = default;

bool TrainingWatcher::watching() const {
  return impl_->window.is_open();
}

void TrainingWatcher::between_slices(agents::Agent& agent, std::int64_t step) {
  Impl& w = *impl_;
  if (!w.window.is_open()) {
    return;
  }
  if (step < w.next_watch) {
    for (const sim::WindowEvent& event : w.window.poll()) {
      if (event.type == sim::WindowEvent::Type::key_pressed && event.key == sim::Key::escape) {
        w.window.close();
      }
    }
    const auto now = Clock::now();
    if (w.window.is_open() && now - w.last_refresh > kRefreshInterval) {
      w.window.show(w.canvas.image());
      w.last_refresh = now;
    }
    return;
  }
  // One greedy episode of the current policy; a new env seed each time.
  PolicyChooser chooser(agent, w.env->spec(), true);
  EpisodePlayer player(*w.env, chooser, w.seed + static_cast<std::uint64_t>(w.watched));
  w.view.heading = {w.env->spec().id + "   " + w.agent_name + " policy after " +
                        std::to_string(step) + " training steps (greedy)",
                    "training paused while this episode plays; close the window to stop watching"};
  if (view_episodes(w.window, w.canvas, player, w.view) != ViewerEnd::finished) {
    w.window.close();
  }
  ++w.watched;
  w.next_watch = (step / w.every + 1) * w.every;
}

}  // namespace rl::experiments
