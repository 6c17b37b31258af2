// A training run's log: what was run (every resolved option), what happened (episodes as
// Stable-Baselines3's Monitor writes them, logger metrics under SB3's key names, periodic greedy
// evaluations as SB3's EvalCallback stores them) and how to continue it (the last checkpoint and
// the policy at every checkpoint). In memory here; docs/run_log.md describes the HDF5 file.
//
// The file on disk is always complete: it is written whole to a temporary file beside it and
// renamed over the old one, so a kill at any moment leaves either the previous or the new file,
// both of which open with plain h5py, h5dump and `rl analyze`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nn/state_dict.hpp"

namespace rl::log {

/// One resolved option, with the kind of value it holds (the file stores it typed).
struct ConfigEntry {
  enum class Kind { kInteger, kFloat, kBool, kString };
  std::string key;  ///< "env", "steps", "ppo.learning_rate", "env.gravity", ...
  std::string value;  ///< as text that parses back to the same value
  Kind kind = Kind::kString;
};

/// Finished training episodes, one entry per column (SB3 Monitor's r, l, t plus ours).
struct EpisodeColumns {
  std::vector<double> r;  ///< return
  std::vector<std::int64_t> l;  ///< length
  std::vector<double> t;  ///< seconds since the run started (resumed runs continue the clock)
  std::vector<std::int64_t> global_step;  ///< env steps over all envs when it finished
  std::vector<std::int64_t> env_index;
  std::vector<std::uint8_t> terminated;
  std::vector<std::uint8_t> truncated;

  size_t size() const { return r.size(); }
  void truncate(size_t rows);
};

/// Logger scalars as a table: one row per logging step, one column per key, NaN where a key was
/// not logged at that step.
struct MetricsTable {
  std::vector<std::int64_t> step;
  std::vector<double> wall_time;
  std::vector<std::pair<std::string, std::vector<double>>> columns;

  size_t size() const { return step.size(); }
  /// Adds value under key at step; opens a new row when step changes or key is already set.
  void add(const std::string& key, std::int64_t step, double wall_time, double value);
  /// The column of key, or null.
  const std::vector<double>* column(const std::string& key) const;
  void truncate(size_t rows);
};

/// Greedy evaluations during training (SB3 EvalCallback's evaluations.npz names).
struct EvalTable {
  std::vector<std::int64_t> timesteps;
  std::vector<double> t;  ///< seconds since the run started
  std::vector<std::vector<double>> results;  ///< per evaluation, each episode's return
  std::vector<std::vector<std::int64_t>> ep_lengths;

  size_t size() const { return timesteps.size(); }
  void truncate(size_t rows);
};

/// Everything needed to continue the run exactly from `step`.
struct Checkpoint {
  std::int64_t step = 0;
  double wall_time = 0;  ///< seconds since the run started
  std::uint64_t episodes = 0;  ///< rows of each table at the moment of the checkpoint
  std::uint64_t metric_rows = 0;
  std::uint64_t eval_rows = 0;
  nn::StateDict training;  ///< the agent's training state
  std::vector<std::uint64_t> env;  ///< the training env's snapshot
};

struct RunLog {
  std::vector<ConfigEntry> config;
  std::string command_line;
  std::string version;  ///< rlsuite version and commit
  std::string start_time;  ///< ISO 8601, UTC
  std::string status = "running";  ///< running, finished, diverged, interrupted
  std::string status_message;  ///< why it stopped, when it did not finish
  std::int64_t steps_done = 0;
  double wall_time = 0;  ///< seconds of training so far

  EpisodeColumns episodes;
  MetricsTable metrics;
  EvalTable eval;
  std::optional<Checkpoint> checkpoint;
  std::vector<std::pair<std::int64_t, nn::StateDict>> policies;  ///< policy at each checkpoint

  /// The value of a config entry, or a throw naming the key and the file.
  const std::string& option(const std::string& key) const;
  bool has_option(const std::string& key) const;
};

/// The rlsuite version and commit this binary was built from.
std::string build_version();

/// Writes log to path in one piece (temporary file, then rename). durable also fsyncs the file
/// and its folder, for checkpoints. Throws with a one-line message on any failure (a full disk
/// included), leaving any previous file at path untouched.
void write_run_log(const RunLog& log, const std::string& path, bool durable);

/// What read_run_log loads besides config, episodes, metrics and eval.
struct ReadParts {
  bool checkpoint = false;  ///< the training state (can be large)
  bool policies = false;
};

/// Reads a file written by write_run_log. Throws one line naming the path when it is missing,
/// not HDF5, truncated, or not a run log.
RunLog read_run_log(const std::string& path, ReadParts parts = {});

/// The policy saved at `step`, or at the last checkpoint when step is empty; throws listing the
/// saved steps otherwise.
const std::pair<std::int64_t, nn::StateDict>& find_policy(const RunLog& log,
                                                          std::optional<std::int64_t> step,
                                                          const std::string& path);

}  // namespace rl::log
