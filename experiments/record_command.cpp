// `rl record`: episodes of a saved policy (or of random actions) drawn off-screen, with the same
// overlays as `rl watch`, into an animated GIF or numbered PNG frames. Needs no display.
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>

#include "envs/registry.hpp"
#include "experiments/command.hpp"
#include "experiments/episode_player.hpp"
#include "experiments/options.hpp"
#include "experiments/saved_policy.hpp"
#include "sim/render/gif_writer.hpp"

namespace rl::experiments {

namespace {

constexpr const char* kUsage =
    "rl record (--run RUN.h5 | --env ID) --out FILE.gif|FOLDER/ [--episodes N] [--fps F] "
    "[--seed N] [--checkpoint STEP] [--stochastic]";

namespace fs = std::filesystem;

/// Where frames go: one GIF written to a temporary name and renamed when complete (so an
/// existing file survives a failed recording), or PNG files frame_000000.png, ... in a folder.
class FrameSink {
 public:
  FrameSink(const std::string& out, int width, int height, double fps)
      : out_(out), to_folder_(out.ends_with('/')) {
    const fs::path target = to_folder_ ? fs::path(out).parent_path() : fs::path(out);
    const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code error;
    if (!fs::is_directory(parent, error)) {
      throw UsageError(message("--out ", out, ": the folder ", parent.string(),
                               " does not exist; create it first or choose another --out"));
    }
    if (to_folder_) {
      fs::create_directory(target, error);
      if (error || !fs::is_directory(target)) {
        throw Error(message("--out ", out, ": cannot create the folder (",
                            error ? error.message() : "a file has that name", ")"));
      }
      folder_ = target;
    } else {
      if (!out.ends_with(".gif")) {
        throw UsageError(message("--out ", out,
                                 " must end in .gif (an animated GIF) or / (a folder of PNG "
                                 "frames)"));
      }
      if (fs::is_directory(target, error)) {
        throw UsageError(message("--out ", out,
                                 " is a folder; end it with / to write PNG frames "
                                 "into it, or name a .gif file"));
      }
      temporary_ = out + ".tmp";
      gif_ = std::make_unique<sim::GifWriter>(temporary_, width, height, fps);
    }
  }
  ~FrameSink() {
    if (gif_) {  // not finished: an error stopped the recording
      gif_.reset();
      std::error_code ignored;
      fs::remove(temporary_, ignored);
    }
  }

  void add(const sim::Image& frame) {
    if (gif_) {
      gif_->add(frame);
    } else {
      char name[32];
      std::snprintf(name, sizeof name, "frame_%06lld.png", static_cast<long long>(frames_));
      sim::write_png(frame, (folder_ / name).string());
    }
    ++frames_;
  }

  void finish() {
    if (gif_) {
      gif_->finish();
      gif_.reset();
      std::error_code error;
      fs::rename(temporary_, out_, error);
      if (error) {
        throw Error(message("cannot rename ", temporary_, " to ", out_, ": ", error.message()));
      }
    }
  }

  std::int64_t frames() const { return frames_; }

 private:
  std::string out_;
  bool to_folder_;
  fs::path folder_;
  std::string temporary_;
  std::unique_ptr<sim::GifWriter> gif_;
  std::int64_t frames_ = 0;
};

}  // namespace

int run_record(Args args) {
  std::string path;
  std::string env_id;
  std::string out;
  std::int64_t episodes = 1;
  double fps = 0;
  std::uint64_t seed = 0;
  std::int64_t checkpoint = -1;
  std::vector<std::string> sets;
  bool stochastic = false;
  int width = 600;
  int height = 400;
  std::int64_t max_steps = 0;
  po::options_description options("rl record options");
  options.add_options()("run", po::value(&path), "record this run log's saved policy")(
      "env", po::value(&env_id),
      "the env (alone: uniformly random actions; with --run: another env with the same spaces)")(
      "out", po::value(&out), "FILE.gif for an animated GIF, FOLDER/ for PNG frames")(
      "episodes", po::value(&episodes)->default_value(episodes), "episodes to record")(
      "fps", po::value(&fps), "playback frames per second (default: the env's render_fps)")(
      "seed", po::value(&seed)->default_value(seed), "seed of the first episode (then +1 each)")(
      "checkpoint", po::value(&checkpoint), "record the policy saved at this step (default: last)")(
      "set", po::value(&sets)->composing(), "env.KEY=VALUE: change an env parameter")(
      "stochastic", po::bool_switch(&stochastic),
      "sample the policy's actions, not the greedy ones")(
      "max-steps", po::value(&max_steps)->default_value(max_steps),
      "stop each episode after this many steps; 0: at its end")(
      "width", po::value(&width)->default_value(width), "frame width in pixels")(
      "height", po::value(&height)->default_value(height), "frame height in pixels");
  po::variables_map values;
  if (!parse_options(args, kUsage, options, values)) {
    return 0;
  }
  if (path.empty() && env_id.empty()) {
    throw UsageError(
        message("nothing to record; pass --run RUN.h5 or --env ID (usage: ", kUsage, ")"));
  }
  if (out.empty()) {
    throw UsageError(
        message("no --out given; pass --out FILE.gif or --out FOLDER/ (usage: ", kUsage, ")"));
  }
  if (max_steps < 0) {
    throw UsageError(message("--max-steps = ", max_steps, " must be at least 0 (0: no limit)"));
  }
  check_view_options(episodes, values.count("fps") != 0 ? std::optional<double>(fps) : std::nullopt,
                     width, height, false);

  std::optional<SavedPolicy> saved;
  std::unique_ptr<envs::VecEnv> env;
  std::unique_ptr<agents::Agent> agent;
  std::unique_ptr<Chooser> chooser;
  std::vector<std::string> heading;
  if (!path.empty()) {
    saved = load_saved_policy(
        path, checkpoint >= 0 ? std::optional<std::int64_t>(checkpoint) : std::nullopt, env_id,
        sets);
    envs::EnvOptions env_options = saved->settings.env_options(1);
    env_options.autoreset = envs::AutoReset::kDisabled;
    env = envs::make(saved->settings.env_id, env_options);
    agent = saved->make_agent(*env);
    chooser = std::make_unique<PolicyChooser>(*agent, env->spec(), !stochastic);
    heading = {saved->settings.env_id + "   " + saved->settings.agent + " policy at step " +
               std::to_string(saved->step) + (stochastic ? " (sampled)" : " (greedy)")};
  } else {
    env = envs::make(env_id, viewing_env_options(sets));
    chooser = std::make_unique<RandomChooser>(env->spec(), seed);
    heading = {env->spec().id + "   uniformly random actions"};
  }
  const double frame_rate = values.count("fps") != 0 ? fps : env->spec().render_fps;
  EpisodePlayer player(*env, *chooser, seed);
  sim::Canvas canvas(width, height);
  FrameSink sink(out, width, height, frame_rate);
  // An episode's last frame is held for half a second, so it can be seen in a looping GIF.
  const auto held_frames = static_cast<std::int64_t>(frame_rate / 2) + 1;
  for (std::int64_t e = 0; e < episodes; ++e) {
    player.begin_episode();
    player.draw(canvas, heading, "");
    sink.add(canvas.image());
    while (!player.episode_over() && (max_steps == 0 || player.step_count() < max_steps)) {
      player.step();
      player.draw(canvas, heading, "");
      sink.add(canvas.image());
    }
    const sim::Image& last_frame = canvas.image();  // converted once, added again
    for (std::int64_t k = 1; k < held_frames; ++k) {
      sink.add(last_frame);
    }
  }
  sink.finish();
  std::printf("recorded %lld episode%s (%lld frames at %g fps, %dx%d) to %s",
              static_cast<long long>(episodes), episodes == 1 ? "" : "s",
              static_cast<long long>(sink.frames()), frame_rate, width, height, out.c_str());
  std::printf("%s\n", player.returns_text().c_str());
  return 0;
}

}  // namespace rl::experiments
