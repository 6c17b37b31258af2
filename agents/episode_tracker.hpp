// The recent finished episodes of a training run, for SB3's rollout/ep_rew_mean and
// rollout/ep_len_mean (the mean over the last 100) and for "solved" checks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agents/logger.hpp"
#include "envs/vec_env.hpp"
#include "nn/state_dict.hpp"

namespace rl::agents {

class EpisodeTracker {
 public:
  explicit EpisodeTracker(size_t window = 100);

  /// Records every episode that ended in this batch and reports it to the logger.
  void record(const envs::Batch& batch, std::int64_t step, Logger& logger);
  /// Mean return of the last `count` episodes (at most the window), 0 before any.
  double mean_return(size_t count) const;
  double mean_length(size_t count) const;
  std::int64_t episodes() const { return episodes_; }
  /// Adds rollout/ep_rew_mean and rollout/ep_len_mean over the window, if any episode ended.
  void log(std::int64_t step, Logger& logger) const;

  /// The window and counters, under `prefix`, for training checkpoints.
  void save(nn::StateDict& state, const std::string& prefix) const;
  void load(const nn::StateDict& state, const std::string& prefix);

 private:
  size_t window_;
  std::vector<double> returns_;  // ring of the last `window_` episodes
  std::vector<std::int64_t> lengths_;
  size_t next_ = 0;
  std::int64_t episodes_ = 0;
};

}  // namespace rl::agents
