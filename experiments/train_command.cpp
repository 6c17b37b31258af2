// `rl train`: trains an agent on an environment and logs everything to one HDF5 file; with
// --resume, continues such a run from its last checkpoint.
#include <atomic>
#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>

#include "agents/registry.hpp"
#include "core/edit_distance.hpp"
#include "envs/registry.hpp"
#include "experiments/command.hpp"
#include "experiments/options.hpp"
#include "experiments/run_settings.hpp"
#include "experiments/training_run.hpp"
#include "experiments/training_watcher.hpp"
#include "log/write_error.hpp"
#include <unistd.h>

namespace rl::experiments {

namespace {

constexpr const char* kUsage =
    "rl train --env ID --agent NAME [--seed N] [--steps N] [--num-envs N] [--config FILE.ini] "
    "[--set KEY=VALUE ...] --out RUN.h5\n"
    "       rl train --resume RUN.h5 [--steps N] [--set KEY=VALUE ...]";

std::atomic<bool> g_stop{false};

extern "C" void on_interrupt(int) {
  g_stop.store(true);
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C stops at once; the file stays readable
}

std::string option_help(const OptionInfo& info) {
  return info.default_value.empty() ? info.help
                                    : info.help + " (default: " + info.default_value + ")";
}

/// Adds every option as a string; values are typed and checked by resolve_settings.
void add_string_options(po::options_description& description,
                        const std::vector<OptionInfo>& infos) {
  for (const OptionInfo& info : infos) {
    description.add_options()(info.name.c_str(), po::value<std::string>(),
                              option_help(info).c_str());
  }
}

struct GeneralOptions {
  std::string config;
  std::vector<std::string> sets;
  std::string out;
  std::string resume;
  bool force = false;
  bool quiet = false;
  bool print_config = false;
  bool list_presets = false;
  double progress_every = 10;
  std::int64_t watch_every = 0;
  double watch_fps = 0;
};

po::options_description general_options(GeneralOptions& g) {
  po::options_description d("Run");
  d.add_options()("out", po::value(&g.out), "the run log to write (HDF5)")(
      "force", po::bool_switch(&g.force), "overwrite --out if it exists")(
      "resume", po::value(&g.resume), "continue the run in this log from its last checkpoint")(
      "config", po::value(&g.config),
      "INI file of options (`key = value`, [section] for env.* and <agent>.*)")(
      "set", po::value(&g.sets)->composing(),
      "KEY=VALUE for any option below, e.g. ppo.learning_rate=1e-3 (repeatable; wins over the "
      "rest)")("quiet", po::bool_switch(&g.quiet), "print only the final summary")(
      "progress-every", po::value(&g.progress_every)->default_value(g.progress_every),
      "seconds between progress lines when stderr is not a terminal")(
      "watch-every", po::value(&g.watch_every)->default_value(g.watch_every),
      "every N env steps, pause training to show one greedy episode of the policy in a window "
      "(needs a display; closing the window stops it); 0: never")(
      "watch-fps", po::value(&g.watch_fps),
      "env steps per second in that window (default: the env's render_fps)")(
      "print-config", po::bool_switch(&g.print_config),
      "print the resolved options as an INI file for --config, and exit")(
      "presets", po::bool_switch(&g.list_presets),
      "list the (env, agent) pairs with tuned presets (experiments/configs/*.ini), and exit")(
      "help,h", "print this help (with --env and --agent: their options and preset values)");
  return d;
}

/// Every option name `rl train` knows for (env, agent), for "did you mean".
std::vector<std::string> known_names(const std::string& env_id, const std::string& agent) {
  std::vector<std::string> names = {"out",       "force",        "resume",         "config",
                                    "set",       "quiet",        "progress-every", "watch-every",
                                    "watch-fps", "print-config", "presets"};
  for (const OptionInfo& info : run_option_infos()) {
    names.push_back(info.name);
  }
  if (!env_id.empty()) {
    for (const OptionInfo& info : env_option_infos(env_id)) {
      names.push_back(info.name);
    }
    if (!agent.empty()) {
      for (const OptionInfo& info : agent_option_infos(agent, env_id)) {
        names.push_back(info.name);
      }
    }
  }
  return names;
}

[[noreturn]] void unknown_option(const std::string& name, const std::string& where,
                                 const std::string& env_id, const std::string& agent) {
  std::string bare = name;
  while (!bare.empty() && bare.front() == '-') {
    bare.erase(bare.begin());
  }
  std::string best;
  size_t best_distance = std::string::npos;
  for (const std::string& candidate : known_names(env_id, agent)) {
    const size_t d = edit_distance(bare, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  throw UsageError(message(where, "unknown option '", bare, "'; did you mean '", best,
                           "'? (`rl train --env ", env_id.empty() ? "ID" : env_id, " --agent ",
                           agent.empty() ? "NAME" : agent, " --help` lists them all)"));
}

/// Key/value pairs of an INI file; unknown keys, bad syntax and unreadable files throw one line.
std::vector<std::pair<std::string, std::string>> read_ini(const std::string& path,
                                                          const po::options_description& known,
                                                          const std::string& env_id,
                                                          const std::string& agent,
                                                          bool strict = true) {
  std::ifstream in(path);
  if (!in) {
    throw UsageError(message("config file ", path, " cannot be read (", std::strerror(errno),
                             "); check the path given to --config"));
  }
  std::vector<std::pair<std::string, std::string>> out;
  try {
    const po::parsed_options parsed = po::parse_config_file(in, known, true);
    for (const po::option& o : parsed.options) {
      if (o.unregistered) {
        if (!strict) {
          continue;
        }
        unknown_option(o.string_key, path + ": ", env_id, agent);
      }
      out.emplace_back(o.string_key, o.value.empty() ? "" : o.value.front());
    }
  } catch (const po::error& e) {
    throw UsageError(message(path, " is not a valid INI file (", e.what(),
                             "); write `key = value` lines, with [env] or [",
                             agent.empty() ? "agent" : agent, "] sections for their options"));
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_sets(const std::vector<std::string>& sets) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& s : sets) {
    const size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw UsageError(
          message("--set '", s, "' is not KEY=VALUE; write e.g. --set ppo.learning_rate=1e-3"));
    }
    out.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  return out;
}

std::string command_line(Args args) {
  std::string text = "rl";
  for (char* arg : args) {
    text += ' ';
    text += arg;
  }
  return text;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

/// A new log may be written at path: its folder exists and is writable, and it is new or forced.
void check_output(const std::string& path, bool force) {
  if (path.empty()) {
    throw UsageError("no run log given; pass --out RUN.h5 (or --resume RUN.h5 to continue one)");
  }
  namespace fs = std::filesystem;
  const fs::path folder =
      fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    throw UsageError(message("--out ", path, ": folder ", folder.string(),
                             " does not exist; create it first (mkdir -p ", folder.string(), ")"));
  }
  if (::access(folder.c_str(), W_OK) != 0) {
    throw UsageError(message("--out ", path, ": folder ", folder.string(),
                             " is not writable; choose a folder you can write to"));
  }
  if (fs::is_directory(path, error)) {
    throw UsageError(
        message("--out ", path, " is a folder; name a file such as ", path, "/run.h5"));
  }
  if (fs::exists(path, error) && !force) {
    throw UsageError(message("--out ", path, " already exists; pass --force to overwrite it or ",
                             "`--resume ", path, "` to continue it"));
  }
}

void print_help(const po::options_description& general, const std::string& env_id,
                const std::string& agent) {
  std::cout
      << "usage: " << kUsage << "\n\n"
      << "Trains AGENT on ENV and logs config, episodes, metrics, evaluations and checkpoints "
         "to RUN.h5.\nOptions come from the tuned preset, then --config, then the command "
         "line, then --set.\n\n"
      << general << '\n';
  po::options_description run("Training (also INI keys and --set keys)");
  std::vector<OptionInfo> run_infos = run_option_infos();
  if (!env_id.empty() && !agent.empty()) {  // the preset's budget and copies
    const auto preset = agents::agent_settings(agent, env_id);
    for (OptionInfo& info : run_infos) {
      if (info.name == "steps" || info.name == "num-envs") {
        info.help = info.help.substr(0, info.help.find(" (default"));
        info.default_value =
            std::to_string(info.name == "steps" ? preset->preset_steps : preset->preset_num_envs);
      }
    }
  }
  add_string_options(run, run_infos);
  std::cout << run << '\n';
  const std::string env_for_help = env_id.empty() ? "CartPole-v1" : env_id;
  if (!env_id.empty()) {
    po::options_description env("Environment " + env_id + " ([env] section in INI files)");
    add_string_options(env, env_option_infos(env_id));
    std::cout << env << '\n';
  } else {
    std::cout << "Environment options: pass --env ID with --help to list them (`rl envs --params`)"
              << "\n\n";
  }
  for (const agents::RegisteredAgent& registered : agents::registered_agents()) {
    if (!agent.empty() && agent != registered.name) {
      continue;
    }
    const auto settings = registered.settings(env_for_help);
    po::options_description section(
        message("Agent ", registered.name, ": ", registered.summary, " ([", registered.name,
                "] section in INI files; values shown are the preset for ", env_for_help,
                settings->tuned ? ")" : ", untuned)"));
    add_string_options(section, agent_option_infos(registered.name, env_for_help));
    std::cout << section << '\n';
  }
}

void print_summary(const RunSettings& s, const TrainingSummary& t, const std::string& path) {
  std::cout << s.agent << " on " << s.env_id << ", seed " << s.seed << ": " << t.steps << " steps";
  if (t.steps_this_run != t.steps) {
    std::cout << " (" << t.steps_this_run << " in this invocation)";
  }
  char rate[64];
  std::snprintf(rate, sizeof rate, " in %.1f s (%.0f steps/s), ", t.seconds,
                t.seconds > 0 ? static_cast<double>(t.steps_this_run) / t.seconds : 0.0);
  std::cout << rate << t.episodes << " episodes\n";
  if (t.recent_return) {
    std::printf("  mean return of the last 100 episodes %.2f", *t.recent_return);
    std::fflush(stdout);
  }
  if (t.best_eval) {
    std::printf("; best evaluation %.2f at step %lld", *t.best_eval,
                static_cast<long long>(t.best_eval_step));
    std::fflush(stdout);
  }
  std::cout << "\n  log: " << path << "   (rl eval --run " << path << ", rl analyze " << path
            << ")\n";
  if (t.status == "interrupted") {
    std::cout << "  interrupted; continue with: rl train --resume " << path << '\n';
  }
}

}  // namespace

int run_train(Args args) {
  GeneralOptions g;
  po::options_description general = general_options(g);
  po::options_description run_options("Training");
  add_string_options(run_options, run_option_infos());

  // Pass 1: find env and agent (command line, INI file or the resumed log) to know the options.
  po::options_description first;
  first.add(general).add(run_options);
  po::variables_map first_values;
  try {
    po::store(po::command_line_parser(static_cast<int>(args.size()), args.data())
                  .options(first)
                  .style(kCommandLineStyle)
                  .allow_unregistered()
                  .run(),
              first_values);
    po::notify(first_values);
  } catch (const po::error& e) {
    throw UsageError(message(e.what(), " (see rl train --help)"));
  }
  auto cli_value = [&](const char* name) {
    return first_values.count(name) != 0 ? first_values[name].as<std::string>() : std::string();
  };
  std::string env_id = cli_value("env");
  std::string agent = cli_value("agent");
  log::RunLog resumed;
  const bool resuming = !g.resume.empty();
  if (resuming) {
    if (!g.config.empty()) {
      throw UsageError(
          "--config cannot be used with --resume: a run keeps its configuration; "
          "change single values with --set KEY=VALUE");
    }
    if (!g.out.empty() && g.out != g.resume) {
      throw UsageError("--out cannot differ from --resume: the resumed run continues in " +
                       g.resume);
    }
    resumed = log::read_run_log(g.resume, {.checkpoint = true, .policies = true});
    check(resumed.checkpoint.has_value(), g.resume,
          " has no checkpoint to resume from; start a new run with --out");
    for (const auto& [key, given] : {std::pair{"env", env_id}, std::pair{"agent", agent}}) {
      if (!given.empty() && given != resumed.option(key)) {
        throw UsageError(message(g.resume, " is a run of ", key, " ", resumed.option(key), ", not ",
                                 given, "; drop --", key, " or start a new run"));
      }
    }
    env_id = resumed.option("env");
    agent = resumed.option("agent");
  } else if (!g.config.empty() && (env_id.empty() || agent.empty())) {
    po::options_description pair;
    pair.add_options()("env", po::value<std::string>(), "")("agent", po::value<std::string>(), "");
    for (const auto& [key, value] : read_ini(g.config, pair, "", "", false)) {
      std::string& target = key == "env" ? env_id : agent;
      if (target.empty()) {
        target = value;
      }
    }
  }
  if (!env_id.empty()) {
    (void)envs::find_env(env_id);  // an unknown env fails here, naming the closest ids
  }
  if (!agent.empty()) {
    (void)agents::agent_settings(agent, env_id.empty() ? "CartPole-v1" : env_id);
  }
  if (first_values.count("help") != 0) {
    print_help(general, env_id, agent);
    return 0;
  }
  if (g.list_presets) {
    for (const agents::RegisteredAgent& registered : agents::registered_agents()) {
      for (const std::string& tuned : registered.tuned_envs()) {
        std::cout << tuned << ' ' << registered.name << '\n';
      }
    }
    return 0;
  }
  if (env_id.empty() || agent.empty()) {
    throw UsageError(message("no ", env_id.empty() ? "--env ID" : "--agent NAME",
                             " given; rl train needs both (or --resume RUN.h5); see --help"));
  }

  // Pass 2: every option, strictly, from the command line and the INI file.
  po::options_description env_options("Environment");
  add_string_options(env_options, env_option_infos(env_id));
  po::options_description agent_options("Agent");
  add_string_options(agent_options, agent_option_infos(agent, env_id));
  po::options_description all;
  all.add(general).add(run_options).add(env_options).add(agent_options);
  po::variables_map values;
  try {
    po::store(po::command_line_parser(static_cast<int>(args.size()), args.data())
                  .options(all)
                  .style(kCommandLineStyle)
                  .run(),
              values);
    po::notify(values);
  } catch (const po::unknown_option& e) {
    unknown_option(e.get_option_name(), "", env_id, agent);
  } catch (const po::error& e) {
    throw UsageError(message(e.what(), " (see rl train --help)"));
  }
  po::options_description settable;
  settable.add(run_options).add(env_options).add(agent_options);
  std::vector<std::pair<std::string, std::string>> pairs;
  if (!resuming) {
    pairs = {{"env", env_id}, {"agent", agent}};
    if (!g.config.empty()) {
      const auto from_file = read_ini(g.config, settable, env_id, agent);
      pairs.insert(pairs.end(), from_file.begin(), from_file.end());
      try {  // name the file when one of its values is bad
        (void)resolve_settings(pairs);
      } catch (const Error& e) {
        throw UsageError(message(g.config, ": ", e.what()));
      }
    }
  }
  for (const auto& option : settable.options()) {
    const std::string& name = option->long_name();
    if (values.count(name) != 0 && name != "env" && name != "agent") {
      pairs.emplace_back(name, values[name].as<std::string>());
    }
  }
  const auto sets = parse_sets(g.sets);
  pairs.insert(pairs.end(), sets.begin(), sets.end());

  RunSettings settings;
  log::RunLog run;
  std::string path;
  if (resuming) {
    path = g.resume;
    (void)settings_from_log(resumed, {}, path);  // the file's own configuration must load
    std::vector<std::pair<std::string, std::string>> with_overrides;
    for (const log::ConfigEntry& entry : resumed.config) {
      with_overrides.emplace_back(entry.key, entry.value);
    }
    with_overrides.insert(with_overrides.end(), pairs.begin(), pairs.end());
    settings = resolve_settings(with_overrides);
    run = std::move(resumed);
    run.config = settings.config_entries();
    run.command_line += "\nresumed: " + command_line(args);
  } else {
    settings = resolve_settings(pairs);
    if (g.print_config) {
      std::cout << settings_ini(settings, message(settings.agent, " on ", settings.env_id,
                                                  settings.agent_settings->tuned
                                                      ? ": tuned preset"
                                                      : ": default hyperparameters (untuned)"));
      return 0;
    }
    path = g.out;
    check_output(path, g.force);
    run.config = settings.config_entries();
    run.command_line = command_line(args);
    run.version = log::build_version();
    run.start_time = utc_now();
  }
  if (resuming && run.checkpoint->step >= settings.steps) {
    throw UsageError(message(path, " already trained ", run.checkpoint->step,
                             " steps of its budget of ", settings.steps,
                             "; pass a larger --steps to train further"));
  }

  if (g.watch_every < 0) {
    throw UsageError(message("--watch-every = ", g.watch_every, " must be at least 0 (0: never)"));
  }
  if (values.count("watch-fps") != 0 && !(g.watch_fps > 0 && g.watch_fps <= 2000)) {
    throw UsageError(message("--watch-fps = ", g.watch_fps, " must be above 0 and at most 2000"));
  }
  std::unique_ptr<TrainingWatcher> watcher;
  if (g.watch_every > 0) {
    watcher = std::make_unique<TrainingWatcher>(
        settings, WatchSettings{.every = g.watch_every, .fps = g.watch_fps});
  }

  // Past a file size limit, writes should fail with EFBIG (reported) rather than kill us.
  std::signal(SIGXFSZ, SIG_IGN);
  g_stop.store(false);
  std::signal(SIGINT, on_interrupt);
  TrainingOptions options;
  options.progress = Progress::mode_for(g.quiet);
  options.progress_seconds = g.progress_every;
  options.stop = &g_stop;
  if (watcher) {
    options.between_slices = [&watcher](agents::Agent& trained, std::int64_t step) {
      watcher->between_slices(trained, step);
    };
  }
  TrainingSummary summary;
  try {
    summary = train(settings, run, path, options);
  } catch (const log::WriteError& e) {
    std::signal(SIGINT, SIG_DFL);
    throw UsageError(message(e.what(), e.disk_full()
                                           ? "; free some space and continue with `rl train "
                                             "--resume " +
                                                 path + "` (the last file written is intact)"
                                           : "; check the folder and its permissions"));
  } catch (const DivergedError& e) {
    std::signal(SIGINT, SIG_DFL);
    throw UsageError(e.what());
  }
  std::signal(SIGINT, SIG_DFL);
  print_summary(settings, summary, path);
  return summary.status == "interrupted" ? 130 : 0;
}

}  // namespace rl::experiments
