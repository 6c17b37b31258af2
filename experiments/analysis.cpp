#include "experiments/analysis.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>
#include <type_traits>

#include "core/error.hpp"
#include "envs/registry.hpp"

namespace rl::experiments {

namespace {

/// Mean of values[first, last).
double mean_of(const std::vector<double>& values, size_t first, size_t last) {
  double total = 0;
  for (size_t i = first; i < last; ++i) {
    total += values[i];
  }
  return total / static_cast<double>(last - first);
}

std::optional<std::string> option_or_none(const log::RunLog& run, const std::string& key) {
  if (!run.has_option(key)) {
    return std::nullopt;
  }
  return run.option(key);
}

std::string required_option(const log::RunLog& run, const std::string& key,
                            const std::string& path) {
  check(run.has_option(key), path, " has no '", key,
        "' option, so it was not written by rl train; pass a run log written by rl train");
  return run.option(key);
}

/// The shortest text that reads back as exactly this number.
std::string exact_number(double value) {
  char text[32];
  const auto [end, error] = std::to_chars(text, text + sizeof text, value);
  return error == std::errc() ? std::string(text, end) : std::string();
}

/// A threshold for a label: 475, -100, 0.5.
std::string threshold_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

/// A CSV cell, quoted when it holds a separator, a quote or a line break (RFC 4180).
std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) {
    return text;
  }
  std::string quoted = "\"";
  for (char c : text) {
    quoted += c;
    if (c == '"') {
      quoted += '"';
    }
  }
  return quoted + "\"";
}

template <class T>
std::string csv_number(const std::optional<T>& value) {
  if (!value) {
    return "";
  }
  if constexpr (std::is_integral_v<T>) {
    return std::to_string(*value);
  } else {
    return exact_number(*value);
  }
}

}  // namespace

std::optional<double> env_reward_threshold(const std::string& env_id) {
  for (const envs::RegisteredEnv& env : envs::registered_envs()) {
    if (env_id == env.id) {
      return envs::make(env_id)->spec().reward_threshold;
    }
  }
  return std::nullopt;
}

std::optional<BestEval> best_evaluation(const log::EvalTable& eval) {
  std::optional<BestEval> best;
  for (size_t i = 0; i < eval.size(); ++i) {
    const std::vector<double>& results = eval.results[i];
    if (results.empty()) {
      continue;
    }
    const double mean = mean_of(results, 0, results.size());
    if (!best || mean > best->mean_return) {
      best = BestEval{mean, eval.timesteps[i]};
    }
  }
  return best;
}

std::optional<Solved> first_solved(const log::EpisodeColumns& episodes, double threshold) {
  // Each window is summed afresh: a running sum drifts, and "reached 475" must mean exactly that.
  for (size_t last = kTrailingEpisodes; last <= episodes.size(); ++last) {
    if (mean_of(episodes.r, last - kTrailingEpisodes, last) >= threshold) {
      const size_t i = last - 1;
      return Solved{static_cast<std::int64_t>(i), episodes.global_step[i], episodes.t[i]};
    }
  }
  return std::nullopt;
}

RunSummary summarize_run(const log::RunLog& run, const std::string& path,
                         std::optional<double> threshold_override) {
  RunSummary s;
  s.path = path;
  s.env = required_option(run, "env", path);
  s.agent = required_option(run, "agent", path);
  s.seed = option_or_none(run, "seed").value_or("");
  s.status = run.status;
  s.status_message = run.status_message;
  s.steps = run.steps_done;
  if (const auto steps = option_or_none(run, "steps")) {
    std::int64_t planned = 0;
    const auto [end, error] =
        std::from_chars(steps->data(), steps->data() + steps->size(), planned);
    if (error == std::errc() && end == steps->data() + steps->size()) {
      s.planned_steps = planned;
    }
  }
  s.wall_time = run.wall_time;
  if (run.wall_time > 0) {
    s.steps_per_second = static_cast<double>(run.steps_done) / run.wall_time;
  }
  const log::EpisodeColumns& episodes = run.episodes;
  s.episodes = static_cast<std::int64_t>(episodes.size());
  if (episodes.size() > 0) {
    const size_t n = std::min(kFinalReturnEpisodes, episodes.size());
    s.final_return = mean_of(episodes.r, episodes.size() - n, episodes.size());
  }
  s.best_eval = best_evaluation(run.eval);
  s.threshold = threshold_override ? threshold_override : env_reward_threshold(s.env);
  if (s.threshold) {
    s.solved = first_solved(episodes, *s.threshold);
  }
  return s;
}

LearningCurve learning_curve(const log::EpisodeColumns& episodes) {
  LearningCurve curve;
  for (size_t last = 1; last <= episodes.size(); ++last) {
    const size_t first = last > kTrailingEpisodes ? last - kTrailingEpisodes : 0;
    curve.x.push_back(static_cast<double>(episodes.global_step[last - 1]));
    curve.y.push_back(mean_of(episodes.r, first, last));
  }
  return curve;
}

AnalyzedRun analyze_file(const std::string& path, std::optional<double> threshold_override) {
  const log::RunLog run = log::read_run_log(path);
  return {summarize_run(run, path, threshold_override), learning_curve(run.episodes)};
}

std::optional<Estimate> estimate(const std::vector<double>& values) {
  if (values.empty()) {
    return std::nullopt;
  }
  const size_t n = values.size();
  Estimate e;
  e.n = static_cast<int>(n);
  e.mean = mean_of(values, 0, n);
  if (n > 1) {
    // 95% CI of the mean: mean +- t(n-1) * s / sqrt(n), s the sample standard deviation.
    double squares = 0;
    for (double v : values) {
      squares += (v - e.mean) * (v - e.mean);
    }
    const double sd = std::sqrt(squares / static_cast<double>(n - 1));
    e.ci95 = t_quantile_95(static_cast<int>(n) - 1) * sd / std::sqrt(static_cast<double>(n));
  }
  return e;
}

std::vector<GroupSummary> group_runs(const std::vector<RunSummary>& runs) {
  std::vector<GroupSummary> groups;
  for (size_t i = 0; i < runs.size(); ++i) {
    auto group = std::find_if(groups.begin(), groups.end(), [&](const GroupSummary& g) {
      return g.env == runs[i].env && g.agent == runs[i].agent;
    });
    if (group == groups.end()) {
      GroupSummary g;
      g.env = runs[i].env;
      g.agent = runs[i].agent;
      groups.push_back(std::move(g));
      group = groups.end() - 1;
    }
    group->runs.push_back(i);
  }
  for (GroupSummary& g : groups) {
    std::vector<double> final_return, best_eval, wall_time, steps_per_second, solved_step,
        solved_time;
    for (size_t i : g.runs) {
      const RunSummary& run = runs[i];
      if (run.final_return) {
        final_return.push_back(*run.final_return);
      }
      if (run.best_eval) {
        best_eval.push_back(run.best_eval->mean_return);
      }
      wall_time.push_back(run.wall_time);
      if (run.steps_per_second) {
        steps_per_second.push_back(*run.steps_per_second);
      }
      if (run.solved) {
        solved_step.push_back(static_cast<double>(run.solved->step));
        solved_time.push_back(run.solved->time);
      }
      g.judged = g.judged || run.threshold.has_value();
    }
    g.final_return = estimate(final_return);
    g.best_eval = estimate(best_eval);
    g.wall_time = estimate(wall_time);
    g.steps_per_second = estimate(steps_per_second);
    g.solved_step = estimate(solved_step);
    g.solved_time = estimate(solved_time);
    g.solved = static_cast<int>(solved_step.size());
  }
  return groups;
}

LearningCurvePlot learning_curve_plot(const std::vector<AnalyzedRun>& runs,
                                      std::optional<double> threshold_override) {
  std::vector<RunSummary> summaries;
  for (const AnalyzedRun& run : runs) {
    summaries.push_back(run.summary);
  }
  LearningCurvePlot plot;
  std::set<std::string> plotted_envs;
  for (const GroupSummary& group : group_runs(summaries)) {
    std::vector<std::vector<double>> xs;
    std::vector<std::vector<double>> ys;
    for (size_t i : group.runs) {
      // A trailing mean over one episode is a point, not a curve.
      if (runs[i].curve.x.size() < 2) {
        plot.left_out.push_back(runs[i].summary.path);
        continue;
      }
      xs.push_back(runs[i].curve.x);
      ys.push_back(runs[i].curve.y);
    }
    if (xs.empty()) {
      continue;
    }
    const std::string label = message(group.agent, " on ", group.env, " (", xs.size(),
                                      xs.size() == 1 ? " seed)" : " seeds)");
    plot.spec.curves.push_back(mean_curve(label, xs, ys));
    plotted_envs.insert(group.env);
  }
  const std::string what =
      message("episode return (mean of last ", kTrailingEpisodes, " episodes)");
  plot.spec.title = plotted_envs.size() == 1 ? *plotted_envs.begin() + ": " + what : what;
  plot.spec.threshold = threshold_override;
  if (!plot.spec.threshold && plotted_envs.size() == 1) {
    plot.spec.threshold = env_reward_threshold(*plotted_envs.begin());
  }
  if (plot.spec.threshold) {
    plot.spec.threshold_label = "solved (" + threshold_text(*plot.spec.threshold) + ")";
  }
  return plot;
}

std::string runs_csv(const std::vector<RunSummary>& runs) {
  std::string csv =
      "path,env,agent,seed,status,steps,planned_steps,wall_time,steps_per_second,episodes,"
      "final_return,best_eval,best_eval_step,threshold,solved,solved_episode,solved_step,"
      "solved_time,status_message\n";
  for (const RunSummary& run : runs) {
    const auto best = run.best_eval;
    const auto solved = run.solved;
    const std::vector<std::string> cells = {
        csv_cell(run.path),
        csv_cell(run.env),
        csv_cell(run.agent),
        csv_cell(run.seed),
        csv_cell(run.status),
        std::to_string(run.steps),
        csv_number(run.planned_steps),
        exact_number(run.wall_time),
        csv_number(run.steps_per_second),
        std::to_string(run.episodes),
        csv_number(run.final_return),
        best ? exact_number(best->mean_return) : "",
        best ? std::to_string(best->step) : "",
        csv_number(run.threshold),
        run.threshold ? (solved ? "1" : "0") : "",
        solved ? std::to_string(solved->episode) : "",
        solved ? std::to_string(solved->step) : "",
        solved ? exact_number(solved->time) : "",
        csv_cell(run.status_message),
    };
    for (size_t c = 0; c < cells.size(); ++c) {
      csv += cells[c];
      csv += c + 1 < cells.size() ? ',' : '\n';
    }
  }
  return csv;
}

void write_text_file(const std::string& path, const std::string& contents) {
  const std::string temporary = path + ".tmp";
  // errno is read as the argument, before remove() can change it.
  const auto failure = [&](int error) {
    std::remove(temporary.c_str());
    return Error(message("cannot write ", path, ": ", std::strerror(error),
                         "; give a path in an existing folder you can write to"));
  };
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  if (file == nullptr) {
    throw failure(errno);
  }
  const bool written = std::fwrite(contents.data(), 1, contents.size(), file) == contents.size();
  const int write_error = errno;
  // fclose flushes, so a full disk may only show here.
  if (std::fclose(file) != 0 || !written) {
    throw failure(written ? errno : write_error);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    throw failure(errno);
  }
}

}  // namespace rl::experiments
