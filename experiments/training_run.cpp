#include "experiments/training_run.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include "agents/evaluate.hpp"
#include "envs/registry.hpp"
#include "log/write_error.hpp"

namespace rl::experiments {

namespace {

using Clock = std::chrono::steady_clock;

/// Steps per learn() call: short enough to stop promptly, and at fixed multiples so a resumed run
/// makes the same calls as an uninterrupted one.
std::int64_t slice_steps(std::int64_t num_envs) {
  return std::max<std::int64_t>(1000, num_envs);
}

std::int64_t next_multiple(std::int64_t step, std::int64_t every) {
  return (step / every + 1) * every;
}

/// Records what the agent reports into the run log and keeps the file on disk recent.
class Recorder final : public agents::Logger {
 public:
  Recorder(log::RunLog& run, std::string path, double time_offset, Progress& progress,
           double flush_seconds)
      : run_(run),
        path_(std::move(path)),
        time_offset_(time_offset),
        progress_(progress),
        flush_seconds_(flush_seconds) {}

  void scalar(std::string_view key, std::int64_t step, double value) override {
    run_.metrics.add(std::string(key), step, elapsed(), value);
    maybe_flush(step);
  }

  void episode(const agents::EpisodeRecord& e) override {
    log::EpisodeColumns& columns = run_.episodes;
    columns.r.push_back(e.episode_return);
    columns.l.push_back(e.length);
    columns.t.push_back(elapsed());
    columns.global_step.push_back(e.step);
    columns.env_index.push_back(e.env_index);
    columns.terminated.push_back(e.terminated ? 1 : 0);
    columns.truncated.push_back(e.truncated ? 1 : 0);
    progress_.update(e.step, static_cast<std::int64_t>(columns.size()), recent_return());
    maybe_flush(e.step);
  }

  /// Seconds since the run started, counting earlier invocations of a resumed run.
  double elapsed() const {
    return time_offset_ + std::chrono::duration<double>(Clock::now() - start_).count();
  }

  std::optional<double> recent_return() const {
    const std::vector<double>& r = run_.episodes.r;
    if (r.empty()) {
      return std::nullopt;
    }
    const size_t n = std::min<size_t>(100, r.size());
    double total = 0;
    for (size_t i = r.size() - n; i < r.size(); ++i) {
      total += r[i];
    }
    return total / static_cast<double>(n);
  }

  void note_step(std::int64_t step) { run_.steps_done = std::max(run_.steps_done, step); }

  /// Writes the whole log now; durable at checkpoints and at the end.
  void flush(bool durable) {
    run_.wall_time = elapsed();
    const auto begin = Clock::now();
    log::write_run_log(run_, path_, durable);
    last_flush_ = Clock::now();
    last_write_seconds_ = std::chrono::duration<double>(last_flush_ - begin).count();
  }

  void maybe_flush(std::int64_t step) {
    note_step(step);
    const double since = std::chrono::duration<double>(Clock::now() - last_flush_).count();
    // A large log (a big replay buffer in the checkpoint) is rewritten less often, so writing
    // never takes more than a tenth of the time.
    if (since >= std::max(flush_seconds_, 10 * last_write_seconds_)) {
      flush(false);
    }
  }

 private:
  log::RunLog& run_;
  std::string path_;
  double time_offset_;
  Progress& progress_;
  double flush_seconds_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_flush_ = Clock::now();
  double last_write_seconds_ = 0;
};

void restore_checkpoint(agents::Agent& agent, envs::VecEnv& env, log::RunLog& run,
                        const RunSettings& settings, const std::string& path) {
  const log::Checkpoint& c = *run.checkpoint;
  try {
    agent.load_training_state(c.training);
    env.restore(c.env);
  } catch (const Error& e) {
    throw Error(message(path, " cannot be resumed as ", settings.agent, " on ", settings.env_id,
                        " with these settings (", e.what(),
                        "); resume without --set, or start a new run"));
  }
  check(agent.steps() == c.step, path, ": the checkpoint says step ", c.step,
        " but its training state is at step ", agent.steps(), "; the file is damaged");
  run.episodes.truncate(c.episodes);
  run.metrics.truncate(c.metric_rows);
  run.eval.truncate(c.eval_rows);
  std::erase_if(run.policies, [&](const auto& policy) { return policy.first > c.step; });
  run.steps_done = c.step;
}

}  // namespace

TrainingSummary train(RunSettings& settings, log::RunLog& run, const std::string& path,
                      const TrainingOptions& options) {
  auto env = envs::make(settings.env_id, settings.env_options(settings.num_envs));
  auto agent = settings.agent_settings->make(*env);
  const bool resuming = run.checkpoint.has_value();
  if (resuming) {
    restore_checkpoint(*agent, *env, run, settings, path);
  }
  const std::int64_t first_step = agent->steps();
  const double time_offset = resuming ? run.checkpoint->wall_time : 0.0;
  auto eval_env = envs::make(
      settings.env_id, settings.env_options(std::min<std::int64_t>(settings.eval_episodes, 8)));

  Progress progress(options.progress, first_step, settings.steps, options.progress_seconds);
  Recorder recorder(run, path, time_offset, progress, options.flush_seconds);
  run.status = "running";
  run.status_message.clear();

  auto checkpoint = [&] {
    log::Checkpoint c;
    c.step = agent->steps();
    c.wall_time = recorder.elapsed();
    c.episodes = run.episodes.size();
    c.metric_rows = run.metrics.size();
    c.eval_rows = run.eval.size();
    c.training = agent->training_state();
    c.env = env->snapshot();
    run.checkpoint = std::move(c);
    if (run.policies.empty() || run.policies.back().first != agent->steps()) {
      run.policies.emplace_back(agent->steps(), agent->policy_state());
    }
    recorder.note_step(agent->steps());
    recorder.flush(true);
  };

  TrainingSummary summary;
  const auto start = Clock::now();
  if (!resuming) {
    checkpoint();  // step 0: a run killed at once still resumes
  }
  const std::int64_t slice = slice_steps(settings.num_envs);
  std::int64_t next_checkpoint = next_multiple(agent->steps(), settings.checkpoint_every);
  std::int64_t next_eval = settings.eval_every > 0
                               ? next_multiple(agent->steps(), settings.eval_every)
                               : std::numeric_limits<std::int64_t>::max();
  bool checkpointed = true;
  summary.status = "finished";
  try {
    while (agent->steps() < settings.steps) {
      const std::int64_t target = std::min(
          {next_multiple(agent->steps(), slice), settings.steps, next_checkpoint, next_eval});
      agent->learn(target - agent->steps(), recorder);
      checkpointed = false;
      const std::int64_t step = agent->steps();
      recorder.note_step(step);
      if (step >= next_eval) {
        const agents::EvaluationResult result =
            agents::evaluate(*agent, *eval_env, settings.eval_episodes,
                             settings.seed + 1'000'000 + run.eval.size(), true);
        run.eval.timesteps.push_back(step);
        run.eval.t.push_back(recorder.elapsed());
        run.eval.results.push_back(result.returns);
        run.eval.ep_lengths.push_back(result.lengths);
        recorder.scalar("eval/mean_reward", step, result.mean_return());
        recorder.scalar("eval/mean_ep_length", step, result.mean_length());
        next_eval = next_multiple(step, settings.eval_every);
      }
      if (step >= next_checkpoint || step >= settings.steps) {
        checkpoint();
        checkpointed = true;
        next_checkpoint = next_multiple(step, settings.checkpoint_every);
      }
      if (options.stop != nullptr && options.stop->load()) {
        summary.status = "interrupted";
        break;
      }
      progress.update(step, static_cast<std::int64_t>(run.episodes.size()),
                      recorder.recent_return());
      if (options.between_slices) {
        options.between_slices(*agent, step);
      }
    }
    if (!checkpointed) {
      checkpoint();
    }
  } catch (const agents::TrainingDiverged& e) {
    progress.clear();
    run.status = "diverged";
    run.status_message = e.what();
    recorder.flush(true);
    std::string rate = settings.agent + ".learning_rate";
    for (const agents::Field& field : settings.agent_settings->fields()) {
      if (field.name.ends_with("lr")) {  // SAC: policy_lr and q_lr
        rate = settings.agent + "." + field.name;
        break;
      }
    }
    throw DivergedError(message("training diverged: ", e.what_happened(), "; ", path,
                                " keeps everything up to the last good checkpoint (step ",
                                run.checkpoint->step, "); lower the learning rate and continue: ",
                                "rl train --resume ", path, " --set ", rate, "=..."));
  }
  run.status = summary.status;
  recorder.flush(true);
  progress.finish(agent->steps(), static_cast<std::int64_t>(run.episodes.size()),
                  recorder.recent_return());

  summary.steps = agent->steps();
  summary.steps_this_run = agent->steps() - first_step;
  summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  summary.episodes = static_cast<std::int64_t>(run.episodes.size());
  summary.recent_return = recorder.recent_return();
  for (size_t i = 0; i < run.eval.size(); ++i) {
    const auto& results = run.eval.results[i];
    if (results.empty()) {
      continue;
    }
    double mean = 0;
    for (double r : results) {
      mean += r;
    }
    mean /= static_cast<double>(results.size());
    if (!summary.best_eval || mean > *summary.best_eval) {
      summary.best_eval = mean;
      summary.best_eval_step = run.eval.timesteps[i];
    }
  }
  return summary;
}

}  // namespace rl::experiments
