// One training run from its settings to a finished run log: the loop `rl train` runs. It learns
// in slices that end at fixed step multiples, evaluates and checkpoints at their boundaries,
// rewrites the log every second or two (so a kill loses at most a few seconds of episodes) and
// durably at every checkpoint, and continues a run from its last checkpoint exactly as if it had
// never stopped.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "experiments/progress.hpp"
#include "experiments/run_settings.hpp"
#include "log/run_log.hpp"

namespace rl::experiments {

struct TrainingOptions {
  Progress::Mode progress = Progress::Mode::kQuiet;
  double progress_seconds = 10;  ///< between plain progress lines
  double flush_seconds = 1;  ///< least time between rewrites of the log
  /// Set (e.g. by a SIGINT handler) to stop at the next slice with a checkpoint.
  const std::atomic<bool>* stop = nullptr;
  /// Called between slices with the agent and its step count (rl train --watch-every); it must
  /// leave the agent's training state alone.
  std::function<void(agents::Agent&, std::int64_t)> between_slices;
};

struct TrainingSummary {
  std::string status;  ///< finished or interrupted
  std::int64_t steps = 0;
  double seconds = 0;  ///< this invocation's training time
  std::int64_t steps_this_run = 0;
  std::int64_t episodes = 0;
  std::optional<double> recent_return;  ///< mean of the last 100 training episodes
  std::optional<double> best_eval;
  std::int64_t best_eval_step = 0;
};

/// Thrown after the log is saved when a loss became NaN or infinite; the message names the step
/// and the checkpoint that remains.
class DivergedError : public Error {
 public:
  using Error::Error;
};

/// Trains per settings, recording into run and rewriting `path`. A run that holds a checkpoint
/// (read with its training state) continues from it; its later rows are dropped and redone.
/// Throws DivergedError, log::WriteError (after which the previous file is intact) or Error.
TrainingSummary train(RunSettings& settings, log::RunLog& run, const std::string& path,
                      const TrainingOptions& options);

}  // namespace rl::experiments
