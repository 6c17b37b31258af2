// `rl play`: a person plays an env from the keyboard in a window (keyboard_chooser.hpp has the
// keys).
#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <variant>

#include "envs/registry.hpp"
#include "experiments/command.hpp"
#include "experiments/episode_player.hpp"
#include "experiments/keyboard_chooser.hpp"
#include "experiments/options.hpp"
#include "experiments/window_viewer.hpp"

namespace rl::experiments {

namespace {

constexpr const char* kUsage = "rl play --env ID [--fps F] [--episodes N] [--seed N]";

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
  KeyboardChooser chooser([&window](sim::Key key) { return window.held(key); }, env->spec());
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
  std::printf("played %zu finished episode%s of %s%s\n", returns.size(),
              returns.size() == 1 ? "" : "s", env_id.c_str(), player.returns_text().c_str());
  return 0;
}

}  // namespace rl::experiments
