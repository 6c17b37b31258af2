// `rl analyze`: tabulates run logs (one row per run, then the mean and 95% confidence interval
// across the seeds of each env and agent, as RL Zoo's reports) and draws their learning curves
// (as RL Zoo's plot_train). The numbers come from experiments/analysis.hpp; this file prints them.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "experiments/analysis.hpp"
#include "experiments/command.hpp"
#include "experiments/options.hpp"

namespace rl::experiments {

namespace {

constexpr const char* kUsage =
    "rl analyze RUN.h5 [RUN2.h5 ...] [--plot curves.png] [--csv FILE] [--threshold X] [--json]";

/// Text columns line up on the left, numbers on the right.
enum class Align { kLeft, kRight };

/// A fixed-width table: each column as wide as its widest cell, two spaces between columns.
struct Table {
  std::vector<std::pair<std::string, Align>> columns;
  std::vector<std::vector<std::string>> rows;
};

/// Characters on screen, counting a multi-byte UTF-8 character ("±") once.
size_t display_width(const std::string& text) {
  return static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

void print_table(const Table& table) {
  std::vector<size_t> widths;
  for (const auto& [header, align] : table.columns) {
    widths.push_back(display_width(header));
  }
  for (const auto& row : table.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], display_width(row[c]));
    }
  }
  const auto print_row = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t c = 0; c < cells.size(); ++c) {
      const std::string padding(widths[c] - display_width(cells[c]), ' ');
      const bool right = table.columns[c].second == Align::kRight;
      line += right ? padding + cells[c] : cells[c] + (c + 1 < cells.size() ? padding : "");
      line += c + 1 < cells.size() ? "  " : "";
    }
    std::cout << line << '\n';
  };
  std::vector<std::string> headers;
  for (const auto& [header, align] : table.columns) {
    headers.push_back(header);
  }
  print_row(headers);
  for (const auto& row : table.rows) {
    print_row(row);
  }
}

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

std::string return_text(double value) {
  return format("%.2f", value);
}

std::string seconds_text(double value) {
  return format("%.1f s", value);
}

std::string steps_text(double value) {
  return format("%.0f", value);
}

/// Rates at a glance: 850, 6.7k, 79.5k, 1.25M.
std::string rate_text(double value) {
  if (std::abs(value) < 1000) {
    return format("%.0f", value);
  }
  if (std::abs(value) < 1e6) {
    return format("%.1fk", value / 1e3);
  }
  return format("%.2fM", value / 1e6);
}

/// "mean ± ci95 unit", or the mean alone when it is over a single run; "-" when absent.
std::string estimate_text(const std::optional<Estimate>& e, std::string (*number)(double),
                          const std::string& unit = "") {
  if (!e) {
    return "-";
  }
  return (e->ci95 ? number(e->mean) + " ± " + number(*e->ci95) : number(e->mean)) + unit;
}

std::string seconds_number(double value) {
  return format("%.1f", value);
}

std::string status_text(const RunSummary& run) {
  if (run.status == "finished" || !run.planned_steps || *run.planned_steps <= 0) {
    return run.status;
  }
  const double done =
      100.0 * static_cast<double>(run.steps) / static_cast<double>(*run.planned_steps);
  return run.status + format(" (%.0f%%)", std::min(done, 100.0));
}

void print_runs(const std::vector<RunSummary>& runs) {
  Table table;
  table.columns = {{"run", Align::kLeft},
                   {"env", Align::kLeft},
                   {"agent", Align::kLeft},
                   {"seed", Align::kRight},
                   {"status", Align::kLeft},
                   {"steps", Align::kRight},
                   {"time", Align::kRight},
                   {"steps/s", Align::kRight},
                   {"episodes", Align::kRight},
                   {"final return", Align::kRight},
                   {"best eval", Align::kRight},
                   {"at step", Align::kRight},
                   {"solved at step", Align::kRight},
                   {"solved after", Align::kRight}};
  for (const RunSummary& run : runs) {
    const bool judged = run.threshold.has_value();
    table.rows.push_back({
        run.path,
        run.env,
        run.agent,
        run.seed.empty() ? "-" : run.seed,
        status_text(run),
        std::to_string(run.steps),
        seconds_text(run.wall_time),
        run.steps_per_second ? rate_text(*run.steps_per_second) : "-",
        std::to_string(run.episodes),
        run.final_return ? return_text(*run.final_return) : "-",
        run.best_eval ? return_text(run.best_eval->mean_return) : "-",
        run.best_eval ? std::to_string(run.best_eval->step) : "-",
        run.solved ? std::to_string(run.solved->step) : (judged ? "no" : "-"),
        run.solved ? seconds_text(run.solved->time) : "-",
    });
  }
  print_table(table);
}

std::string joined(const std::vector<std::string>& parts) {
  std::string text;
  for (const std::string& part : parts) {
    text += (text.empty() ? "" : ", ") + part;
  }
  return text;
}

/// What the columns mean, with each env's threshold, so the table reads on its own; then why
/// each unfinished run stopped.
void print_legend(const std::vector<RunSummary>& runs, std::optional<double> threshold_override) {
  std::cout << "\nfinal return: mean of the last " << kFinalReturnEpisodes
            << " training episodes; best eval: highest mean evaluation return, at step\n"
            << "solved: first step (and time) at which the mean of the last " << kTrailingEpisodes
            << " episodes reached ";
  if (threshold_override) {
    std::cout << format("%g", *threshold_override) << " (--threshold)\n";
  } else {
    std::vector<std::string> thresholds;  // "475 on CartPole-v1"
    std::vector<std::string> envs_without;
    for (const RunSummary& run : runs) {
      const std::string text =
          run.threshold ? format("%g", *run.threshold) + " on " + run.env : run.env;
      auto& list = run.threshold ? thresholds : envs_without;
      if (std::find(list.begin(), list.end(), text) == list.end()) {
        list.push_back(text);
      }
    }
    std::cout << (thresholds.empty() ? "the env's reward threshold" : joined(thresholds)) << '\n';
    if (!envs_without.empty()) {
      std::cout << "  (" << joined(envs_without) << (envs_without.size() == 1 ? " has" : " have")
                << " no reward threshold; give one with --threshold)\n";
    }
  }
  for (const RunSummary& run : runs) {
    if (run.status == "finished") {
      continue;
    }
    std::cout << run.path << ": " << run.status
              << (run.status_message.empty() ? "" : ": " + run.status_message);
    if (run.status == "running") {
      std::cout << " (still training, or killed: the table shows its last save; continue a "
                   "killed run with rl train --resume "
                << run.path << ")";
    } else if (run.status == "interrupted") {
      std::cout << " (continue it with rl train --resume " << run.path << ")";
    }
    std::cout << '\n';
  }
}

void print_groups(const std::vector<RunSummary>& runs, const std::vector<GroupSummary>& groups) {
  Table table;
  table.columns = {{"env", Align::kLeft},
                   {"agent", Align::kLeft},
                   {"runs", Align::kRight},
                   {"final return", Align::kRight},
                   {"best eval", Align::kRight},
                   {"solved", Align::kRight},
                   {"solved at step", Align::kRight},
                   {"solved after", Align::kRight},
                   {"time", Align::kRight},
                   {"steps/s", Align::kRight}};
  std::vector<std::string> notes;
  for (const GroupSummary& g : groups) {
    if (g.runs.size() < 2) {
      continue;
    }
    const auto unfinished = std::count_if(g.runs.begin(), g.runs.end(),
                                          [&](size_t i) { return runs[i].status != "finished"; });
    if (unfinished > 0) {
      notes.push_back(message(g.agent, " on ", g.env, ": ", unfinished, " of ", g.runs.size(),
                              " runs did not finish, so the group mixes training budgets"));
    }
    table.rows.push_back({
        g.env,
        g.agent,
        std::to_string(g.runs.size()),
        estimate_text(g.final_return, return_text),
        estimate_text(g.best_eval, return_text),
        g.judged ? std::to_string(g.solved) + "/" + std::to_string(g.runs.size()) : "-",
        estimate_text(g.solved_step, steps_text),
        estimate_text(g.solved_time, seconds_number, " s"),
        estimate_text(g.wall_time, seconds_number, " s"),
        estimate_text(g.steps_per_second, rate_text),
    });
  }
  if (table.rows.empty()) {
    return;
  }
  std::cout << "\ngroups: mean ± 95% confidence interval across runs (Student t); solved at "
               "step/after: over the runs that solved\n";
  print_table(table);
  for (const std::string& note : notes) {
    std::cout << note << '\n';
  }
}

nlohmann::json optional_json(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

/// A number when it is one (as every seed rl train writes), else the text.
nlohmann::json seed_json(const std::string& seed) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(seed.data(), seed.data() + seed.size(), value);
  if (seed.empty() || error != std::errc() || end != seed.data() + seed.size()) {
    return seed.empty() ? nlohmann::json(nullptr) : nlohmann::json(seed);
  }
  return value;
}

void print_json(const std::vector<RunSummary>& runs) {
  for (const RunSummary& run : runs) {
    nlohmann::json out = {
        {"run", run.path},
        {"env", run.env},
        {"agent", run.agent},
        {"seed", seed_json(run.seed)},
        {"status", run.status},
        {"status_message", run.status_message},
        {"steps", run.steps},
        {"planned_steps",
         run.planned_steps ? nlohmann::json(*run.planned_steps) : nlohmann::json(nullptr)},
        {"wall_time", run.wall_time},
        {"steps_per_second", optional_json(run.steps_per_second)},
        {"episodes", run.episodes},
        {"final_return", optional_json(run.final_return)},
        {"best_eval", run.best_eval ? nlohmann::json(run.best_eval->mean_return) : nullptr},
        {"best_eval_step", run.best_eval ? nlohmann::json(run.best_eval->step) : nullptr},
        {"threshold", optional_json(run.threshold)},
        {"solved", run.threshold ? nlohmann::json(run.solved.has_value()) : nullptr},
        {"solved_episode", run.solved ? nlohmann::json(run.solved->episode) : nullptr},
        {"solved_step", run.solved ? nlohmann::json(run.solved->step) : nullptr},
        {"solved_time", run.solved ? nlohmann::json(run.solved->time) : nullptr},
    };
    std::cout << out.dump() << '\n';
  }
}

void write_plot(const std::vector<AnalyzedRun>& runs, std::optional<double> threshold_override,
                const std::string& path) {
  const LearningCurvePlot plot = learning_curve_plot(runs, threshold_override);
  for (const std::string& left_out : plot.left_out) {
    std::cerr << "rl analyze: " << left_out
              << " has fewer than 2 episodes, too few for a learning curve; it is not plotted\n";
  }
  if (plot.spec.curves.empty()) {
    throw Error(message("cannot draw ", path,
                        ": no run has the 2 or more episodes a learning curve needs; train "
                        "longer, or leave out --plot"));
  }
  write_plot_png(plot.spec, path);
}

/// The run logs named on the command line, each once (a shell glob may repeat one).
std::vector<std::string> distinct_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> distinct;
  std::set<std::filesystem::path> seen;
  for (const std::string& path : paths) {
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
      throw UsageError(message(path, " is a folder; pass the run logs in it, e.g. rl analyze ",
                               (std::filesystem::path(path) / "*.h5").string()));
    }
    std::filesystem::path key = std::filesystem::weakly_canonical(path, error);
    if (!seen.insert(error ? std::filesystem::path(path) : key).second) {
      std::cerr << "rl analyze: " << path << " is given twice; analysing it once\n";
      continue;
    }
    distinct.push_back(path);
  }
  return distinct;
}

}  // namespace

int run_analyze(Args args) {
  std::vector<std::string> paths;
  std::string plot_path;
  std::string csv_path;
  std::optional<double> threshold;
  bool json = false;
  po::options_description options("rl analyze options");
  options.add_options()("plot", po::value(&plot_path),
                        "draw learning curves (mean and 95% band across seeds) to this PNG")(
      "csv", po::value(&csv_path), "write one row per run to this CSV file")(
      "threshold", po::value<double>()->notifier([&](double x) { threshold = x; }),
      "the return that counts as solved (default: each env's reward threshold)")(
      "json", po::bool_switch(&json), "print one JSON object per run instead of the tables")(
      "help,h", "print this help and exit");
  po::options_description hidden;
  hidden.add_options()("runs", po::value(&paths), "run logs");
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("runs", -1);

  // parse_options with the run logs as positional arguments, which it does not take.
  po::variables_map values;
  try {
    po::store(po::command_line_parser(static_cast<int>(args.size()), args.data())
                  .options(all)
                  .positional(positional)
                  .style(kCommandLineStyle)
                  .run(),
              values);
    if (values.count("help") != 0) {
      std::cout << "usage: " << kUsage << "\n\nRUN.h5: run logs written by rl train (runs that "
                << "share env and agent are grouped as seeds)\n\n"
                << options << '\n';
      return 0;
    }
    po::notify(values);
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + " (usage: " + kUsage + "; see --help)");
  }
  if (paths.empty()) {
    throw UsageError(
        message("no run logs given; pass the files rl train wrote, e.g. rl analyze "
                "runs/*.h5 (usage: ",
                kUsage, ")"));
  }
  if (threshold && !std::isfinite(*threshold)) {
    throw UsageError(message("--threshold = ", *threshold, " must be a finite return, e.g. 475"));
  }

  std::vector<AnalyzedRun> runs;
  for (const std::string& path : distinct_paths(paths)) {
    runs.push_back(analyze_file(path, threshold));
  }
  std::vector<RunSummary> summaries;
  for (const AnalyzedRun& run : runs) {
    summaries.push_back(run.summary);
  }

  if (json) {
    print_json(summaries);
  } else {
    print_runs(summaries);
    print_legend(summaries, threshold);
    print_groups(summaries, group_runs(summaries));
  }
  if (!csv_path.empty()) {
    write_text_file(csv_path, runs_csv(summaries));
  }
  if (!plot_path.empty()) {
    write_plot(runs, threshold, plot_path);
  }
  return 0;
}

}  // namespace rl::experiments
