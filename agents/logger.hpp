// Where agents report what happens while they learn: scalars under Stable-Baselines3's key names
// ("rollout/ep_rew_mean", "train/loss", ...) and finished episodes. Agents never print or write
// files; a logger decides where the numbers go (a terminal, an HDF5 run log, a test).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rl::agents {

/// A finished training episode, with the columns of Stable-Baselines3's Monitor.
struct EpisodeRecord {
  std::int64_t step = 0;  ///< env steps (over all envs) when it finished
  double episode_return = 0;  ///< the env's own rewards, summed in float64
  std::int64_t length = 0;
  std::int64_t env_index = 0;  ///< which copy of the env it ran in
  bool terminated = false;
  bool truncated = false;
};

class Logger {
 public:
  virtual ~Logger() = default;
  /// One value of `key` at env step `step` (steps summed over all envs).
  virtual void scalar(std::string_view key, std::int64_t step, double value) = 0;
  /// One finished training episode.
  virtual void episode(const EpisodeRecord& record) = 0;
};

/// Discards everything.
class NullLogger final : public Logger {
 public:
  void scalar(std::string_view, std::int64_t, double) override {}
  void episode(const EpisodeRecord&) override {}
};

/// Keeps everything in memory: for tests and for callers that want the curves.
class MemoryLogger final : public Logger {
 public:
  struct Scalar {
    std::string key;
    std::int64_t step = 0;
    double value = 0;
  };
  void scalar(std::string_view key, std::int64_t step, double value) override;
  void episode(const EpisodeRecord& record) override;

  const std::vector<Scalar>& scalars() const { return scalars_; }
  const std::vector<EpisodeRecord>& episodes() const { return episodes_; }
  /// Every value logged under key, in order.
  std::vector<double> values(std::string_view key) const;
  /// The mean return of the last `count` finished episodes (fewer if fewer finished).
  double recent_mean_return(size_t count) const;

 private:
  std::vector<Scalar> scalars_;
  std::vector<EpisodeRecord> episodes_;
};

}  // namespace rl::agents
