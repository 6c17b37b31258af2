// `rl play`: a person plays an env from the keyboard in a window.
//   Discrete actions: each digit key takes the action with that index; the arrow keys take the
//   actions named "left"/"-1" and "right"/"+1" (CartPole, MountainCar, Acrobot). While no key is
//   held the env's no-op action is taken, or, where there is none (CartPole), the last one.
//   Box actions: left/right arrows set the first dimension to its low/high bound, down/up the
//   second; with no key held the action is 0 (clipped into the bounds).
#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <variant>

#include "envs/registry.hpp"
#include "experiments/command.hpp"
#include "experiments/episode_player.hpp"
#include "experiments/options.hpp"
#include "experiments/window_viewer.hpp"

namespace rl::experiments {

namespace {

constexpr const char* kUsage = "rl play --env ID [--fps F] [--episodes N] [--seed N]";

bool contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

/// Turns the keys held in the window into actions.
class KeyboardChooser : public Chooser {
 public:
  KeyboardChooser(const sim::Window& window, const envs::EnvSpec& spec)
      : window_(window), spec_(spec), labels_(action_labels(spec)) {
    if (const auto* discrete = std::get_if<envs::Discrete>(&spec.action_space)) {
      for (std::int64_t a = 0; a < discrete->n; ++a) {
        const std::string& name = labels_[static_cast<size_t>(a)];
        if (contains(name, "left") || contains(name, "-1")) {
          left_ = static_cast<int>(a);
        }
        if (contains(name, "right") || contains(name, "+1")) {
          right_ = static_cast<int>(a);
        }
      }
      last_ = spec.noop_action.value_or(0);
    }
  }

  /// The keys this env's actions use, for the status line.
  std::string help() const {
    if (const auto* discrete = std::get_if<envs::Discrete>(&spec_.action_space)) {
      std::string text;
      if (left_ || right_) {
        text += "arrows: " + (left_ ? labels_[static_cast<size_t>(*left_)] : std::string("-")) +
                " / " + (right_ ? labels_[static_cast<size_t>(*right_)] : std::string("-")) + "   ";
      }
      text += "keys 0-" + std::to_string(std::min<std::int64_t>(discrete->n, 10) - 1) + ": actions";
      return text;
    }
    return flat_size(spec_.action_space) > 1 ? "arrows: left/right and down/up set the action"
                                             : "left/right arrows set the action";
  }

  void choose(const envs::Batch&, agents::Actions& out, std::vector<sim::Bars>& view) override {
    view.clear();
    if (const auto* discrete = std::get_if<envs::Discrete>(&spec_.action_space)) {
      std::optional<int> chosen;
      for (int digit = 0; digit < std::min<std::int64_t>(discrete->n, 10); ++digit) {
        if (window_.held(static_cast<sim::Key>(static_cast<int>(sim::Key::digit0) + digit))) {
          chosen = digit;
        }
      }
      if (left_ && window_.held(sim::Key::left)) {
        chosen = *left_;
      }
      if (right_ && window_.held(sim::Key::right)) {
        chosen = *right_;
      }
      if (!chosen && spec_.noop_action) {
        chosen = *spec_.noop_action;
      }
      last_ = chosen.value_or(last_);
      out.continuous.clear();
      out.discrete.assign(1, static_cast<std::int32_t>(discrete->start + last_));
      sim::Bars bars;
      bars.title = "your action";
      bars.labels = labels_;
      bars.values.assign(static_cast<size_t>(discrete->n), 0.0f);
      bars.values[static_cast<size_t>(last_)] = 1;
      bars.highlighted = last_;
      view.push_back(std::move(bars));
      return;
    }
    const auto& box = std::get<envs::Box>(spec_.action_space);
    const size_t size = box.low.size();
    out.discrete.clear();
    out.continuous.assign(size, 0.0f);
    const std::array<std::pair<sim::Key, sim::Key>, 2> axes = {
        std::pair{sim::Key::left, sim::Key::right}, std::pair{sim::Key::down, sim::Key::up}};
    for (size_t d = 0; d < size; ++d) {
      float value = std::clamp(0.0f, box.low[d], box.high[d]);
      if (d < axes.size()) {
        if (window_.held(axes[d].first)) {
          value = box.low[d];
        }
        if (window_.held(axes[d].second)) {
          value = box.high[d];
        }
      }
      out.continuous[d] = value;
    }
    view.push_back(action_bars(spec_, out.continuous));
    view.back().title = "your action";
  }

 private:
  const sim::Window& window_;
  const envs::EnvSpec& spec_;
  std::vector<std::string> labels_;
  std::optional<int> left_;
  std::optional<int> right_;
  int last_ = 0;
};

bool is_action_key(sim::Key key) {
  return key == sim::Key::left || key == sim::Key::right || key == sim::Key::up ||
         key == sim::Key::down ||
         (static_cast<int>(key) >= static_cast<int>(sim::Key::digit0) &&
          static_cast<int>(key) <= static_cast<int>(sim::Key::digit9));
}

}  // namespace

int run_play(Args args) {
  std::string env_id;
  double fps = 0;
  std::int64_t episodes = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> sets;
  int width = 720;
  int height = 480;
  po::options_description options(
      "rl play options (keys: arrows or digits act, space pauses, R starts a new episode, +/- "
      "change speed, Esc quits; the first action key starts the game)");
  options.add_options()("env", po::value(&env_id), "the env to play (`rl envs` lists them)")(
      "fps", po::value(&fps), "env steps per second (default: the env's render_fps)")(
      "episodes", po::value(&episodes)->default_value(episodes),
      "stop after this many episodes; 0: until Esc or the window closes")(
      "seed", po::value(&seed)->default_value(seed), "seed of the first episode (then +1 each)")(
      "set", po::value(&sets)->composing(), "env.KEY=VALUE: change an env parameter")(
      "width", po::value(&width)->default_value(width), "window width in pixels")(
      "height", po::value(&height)->default_value(height), "window height in pixels");
  po::variables_map values;
  if (!parse_options(args, kUsage, options, values)) {
    return 0;
  }
  if (env_id.empty()) {
    throw UsageError(message("no env given; pass --env ID (usage: ", kUsage, ")"));
  }
  check_view_options(episodes, values.count("fps") != 0 ? std::optional<double>(fps) : std::nullopt,
                     width, height, true);
  auto env = envs::make(env_id, viewing_env_options(sets));
  if (std::holds_alternative<envs::MultiDiscrete>(env->spec().action_space)) {
    throw UsageError(
        message(env_id, " has MultiDiscrete actions, which rl play cannot map to keys"));
  }
  if (const auto problem = sim::Window::display_problem()) {
    throw Error("play: " + *problem);
  }
  sim::Window window("rl play: " + env_id, width, height);
  sim::Canvas canvas(width, height);
  KeyboardChooser chooser(window, env->spec());
  EpisodePlayer player(*env, chooser, seed);
  ViewerSettings view;
  view.fps = values.count("fps") != 0 ? fps : env->spec().render_fps;
  view.episodes = episodes;
  view.start_paused = true;
  view.choose_at_step = true;
  view.heading = {env_id + "   you play (an action key or space starts)"};
  view.keys_help = chooser.help();
  view_episodes(window, canvas, player, view, is_action_key);
  const auto& returns = player.returns();
  std::printf("played %zu finished episode%s of %s", returns.size(), returns.size() == 1 ? "" : "s",
              env_id.c_str());
  if (!returns.empty()) {
    std::printf(": returns");
    for (double r : returns) {
      std::printf(" %.2f", r);
    }
  }
  std::printf("\n");
  return 0;
}

}  // namespace rl::experiments
