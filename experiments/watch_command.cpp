// `rl watch`: plays a run log's saved policy in a window, with the policy's view of each moment
// (action probabilities, Q-values or the action vector) drawn over the scene.
#include <cstdio>
#include <optional>

#include "envs/registry.hpp"
#include "experiments/command.hpp"
#include "experiments/episode_player.hpp"
#include "experiments/options.hpp"
#include "experiments/saved_policy.hpp"
#include "experiments/window_viewer.hpp"

namespace rl::experiments {

namespace {

constexpr const char* kUsage =
    "rl watch --run RUN.h5 [--episodes N] [--fps F] [--seed N] [--checkpoint STEP] [--stochastic]";

}  // namespace

int run_watch(Args args) {
  std::string path;
  std::int64_t episodes = 3;
  double fps = 0;
  std::uint64_t seed = 0;
  std::int64_t checkpoint = -1;
  std::string env_id;
  std::vector<std::string> sets;
  bool stochastic = false;
  int width = 720;
  int height = 480;
  po::options_description options(
      "rl watch options (keys: space pauses, right arrow steps while "
      "paused, R starts a new episode, +/- change speed, Esc quits)");
  options.add_options()("run", po::value(&path), "the run log written by rl train")(
      "episodes", po::value(&episodes)->default_value(episodes),
      "episodes to show; 0 shows them until Esc or the window closes")(
      "fps", po::value(&fps), "env steps per second (default: the env's render_fps)")(
      "seed", po::value(&seed)->default_value(seed), "seed of the first episode (then +1 each)")(
      "checkpoint", po::value(&checkpoint),
      "show the policy saved at this step (default: the last)")(
      "env", po::value(&env_id), "show it on another env with the same spaces")(
      "set", po::value(&sets)->composing(), "env.KEY=VALUE: change an env parameter")(
      "stochastic", po::bool_switch(&stochastic), "sample actions instead of the greedy ones")(
      "width", po::value(&width)->default_value(width), "window width in pixels")(
      "height", po::value(&height)->default_value(height), "window height in pixels");
  po::variables_map values;
  if (!parse_options(args, kUsage, options, values)) {
    return 0;
  }
  if (path.empty()) {
    throw UsageError(message("no run log given; pass --run RUN.h5 (usage: ", kUsage, ")"));
  }
  check_view_options(episodes, values.count("fps") != 0 ? std::optional<double>(fps) : std::nullopt,
                     width, height, true);
  if (const auto problem = sim::Window::display_problem()) {
    throw Error("watch: " + *problem);
  }
  const SavedPolicy saved = load_saved_policy(
      path, checkpoint >= 0 ? std::optional<std::int64_t>(checkpoint) : std::nullopt, env_id, sets);
  envs::EnvOptions env_options = saved.settings.env_options(1);
  env_options.autoreset = envs::AutoReset::kDisabled;
  auto env = envs::make(saved.settings.env_id, env_options);
  auto agent = saved.make_agent(*env);
  PolicyChooser chooser(*agent, env->spec(), !stochastic);
  EpisodePlayer player(*env, chooser, seed);

  ViewerSettings view;
  view.fps = values.count("fps") != 0 ? fps : env->spec().render_fps;
  view.episodes = episodes;
  view.heading = {saved.settings.env_id + "   " + saved.settings.agent + " policy at step " +
                  std::to_string(saved.step) + (stochastic ? " (sampled)" : " (greedy)")};
  sim::Window window("rl watch: " + saved.settings.env_id + " - " + path, width, height);
  sim::Canvas canvas(width, height);
  const ViewerEnd end = view_episodes(window, canvas, player, view);
  const auto& returns = player.returns();
  std::printf("watched %zu finished episode%s of %s on %s%s%s\n", returns.size(),
              returns.size() == 1 ? "" : "s", path.c_str(), saved.settings.env_id.c_str(),
              player.returns_text().c_str(),
              end == ViewerEnd::finished ? ""
              : end == ViewerEnd::quit   ? " (Esc)"
                                         : " (window closed)");
  return 0;
}

}  // namespace rl::experiments
