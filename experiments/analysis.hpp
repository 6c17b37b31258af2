// What `rl analyze` computes from run logs, apart from how it prints it: per run the numbers a
// Stable-Baselines3 user reads off Monitor and EvalCallback files (mean return of the last 100
// episodes, best evaluation, when the trailing mean first reached the env's reward threshold),
// per (env, agent) group the mean and a 95% Student-t confidence interval across seeds (as RL
// Zoo's reports), and the learning curves and CSV rows that show them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "experiments/plot.hpp"
#include "log/run_log.hpp"

namespace rl::experiments {

/// Episodes in the final return, as SB3's ep_info_buffer (rollout/ep_rew_mean).
constexpr size_t kFinalReturnEpisodes = 100;
/// Episodes in the trailing mean that decides "solved" and smooths the learning curves.
constexpr size_t kTrailingEpisodes = 20;

/// The evaluation with the highest mean return (the first of equal ones).
struct BestEval {
  double mean_return = 0;  ///< mean over that evaluation's episodes
  std::int64_t step = 0;  ///< training steps when it ran
};

/// The episode at which the mean return of the last kTrailingEpisodes first reached the
/// threshold.
struct Solved {
  std::int64_t episode = 0;  ///< index of that episode, from 0
  std::int64_t step = 0;  ///< env steps over all envs when it finished (its global_step)
  double time = 0;  ///< seconds since the run started when it finished
};

/// One run log, summarised.
struct RunSummary {
  std::string path;  ///< the file, as given
  std::string env;
  std::string agent;
  std::string seed;  ///< as configured; empty when the log has none
  std::string status;  ///< finished, running, interrupted or diverged
  std::string status_message;  ///< why it stopped, when it did not finish
  std::int64_t steps = 0;  ///< env steps done
  std::optional<std::int64_t> planned_steps;  ///< the run's training budget (--steps)
  double wall_time = 0;  ///< seconds of training
  std::optional<double> steps_per_second;  ///< absent before any time was measured
  std::int64_t episodes = 0;  ///< finished training episodes
  std::optional<double> final_return;  ///< mean of the last 100 episodes (fewer if fewer)
  std::optional<BestEval> best_eval;  ///< absent without evaluations
  std::optional<double> threshold;  ///< the return that counts as solved; absent: not judged
  std::optional<Solved> solved;  ///< absent when not judged or not (yet) reached
};

/// A run's learning curve: at each episode's global step, the mean return of the last
/// min(kTrailingEpisodes, so far) episodes (RL Zoo's plot_train with a rolling window).
struct LearningCurve {
  std::vector<double> x;  ///< global step of each episode
  std::vector<double> y;  ///< trailing mean return up to and including it
};

/// A summary and curve read from one file.
struct AnalyzedRun {
  RunSummary summary;
  LearningCurve curve;
};

/// A mean across runs with the half-width of its 95% confidence interval:
/// t_quantile_95(n - 1) * sd / sqrt(n), sd the sample standard deviation.
struct Estimate {
  double mean = 0;
  std::optional<double> ci95;  ///< absent for a single value
  int n = 0;  ///< values it is over
};

/// The runs that share an env and an agent (the seeds of one experiment).
struct GroupSummary {
  std::string env;
  std::string agent;
  std::vector<size_t> runs;  ///< indices into the summaries, in their order
  std::optional<Estimate> final_return;  ///< over the runs with episodes
  std::optional<Estimate> best_eval;  ///< over the runs with evaluations
  std::optional<Estimate> wall_time;
  std::optional<Estimate> steps_per_second;
  std::optional<Estimate> solved_step;  ///< over the runs that solved
  std::optional<Estimate> solved_time;  ///< over the runs that solved
  int solved = 0;  ///< runs that reached their threshold
  bool judged = false;  ///< some run had a threshold, so `solved` of runs.size() means something
};

/// The env's own reward_threshold (Gymnasium's), or none for envs without one and for ids this
/// build does not know (a log from another version).
std::optional<double> env_reward_threshold(const std::string& env_id);

/// The evaluation with the highest mean return; none when there are no evaluations.
std::optional<BestEval> best_evaluation(const log::EvalTable& eval);

/// The first episode at which the mean of the last kTrailingEpisodes returns is >= threshold;
/// none before kTrailingEpisodes episodes or when it never is.
std::optional<Solved> first_solved(const log::EpisodeColumns& episodes, double threshold);

/// Summarises run, read from path. threshold_override replaces the env's reward_threshold.
/// Throws naming path when the log lacks its env or agent.
RunSummary summarize_run(const log::RunLog& run, const std::string& path,
                         std::optional<double> threshold_override);

LearningCurve learning_curve(const log::EpisodeColumns& episodes);

/// Reads the run log at path (without checkpoints and policies) and summarises it. Throws
/// read_run_log's one-line error naming the path for missing, non-HDF5 and truncated files.
AnalyzedRun analyze_file(const std::string& path, std::optional<double> threshold_override);

/// The mean and confidence half-width of values; none when empty.
std::optional<Estimate> estimate(const std::vector<double>& values);

/// Runs grouped by (env, agent), groups in the order of their first run.
std::vector<GroupSummary> group_runs(const std::vector<RunSummary>& runs);

/// Learning curves of runs (indices as in runs) per group: one mean curve with a confidence
/// band per group (none for a single run), labelled "ppo on CartPole-v1 (3 seeds)", and the
/// threshold line when every plotted run shares one env that has one (or threshold_override).
/// Runs with fewer than 2 episodes are left out and listed in `left_out`.
struct LearningCurvePlot {
  PlotSpec spec;  ///< no curves when no run could be drawn
  std::vector<std::string> left_out;  ///< paths of runs with too few episodes
};
LearningCurvePlot learning_curve_plot(const std::vector<AnalyzedRun>& runs,
                                      std::optional<double> threshold_override);

/// The CSV that --csv writes: a header row, then one row per run with every RunSummary field.
/// Plain numbers (shortest text that reads back exactly), an empty cell for a missing value.
std::string runs_csv(const std::vector<RunSummary>& runs);

/// Writes contents to path through a temporary file beside it and a rename, so a reader never
/// sees half a file. Throws rl::Error naming path, the system's reason and the fix.
void write_text_file(const std::string& path, const std::string& contents);

}  // namespace rl::experiments
