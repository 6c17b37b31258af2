// Observation and reward normalisation, as Stable-Baselines3's VecNormalize (and Gymnasium's
// NormalizeObservation / NormalizeReward).
#pragma once

#include <memory>
#include <vector>

#include "envs/wrappers/running_mean_std.hpp"
#include "envs/wrappers/wrapper.hpp"

namespace rl::envs {

struct NormalizeObservationConfig {
  double clip = 10.0;  ///< normalised observations are clipped to [-clip, clip]
  double epsilon = 1e-8;  ///< added to the variance before the square root
  bool update = true;  ///< keep updating the statistics (turn off to evaluate)
};

/// (observation - mean) / sqrt(var + epsilon), clipped, with the statistics updated from every
/// batch of observations the env returns. final_observations use the same statistics.
class NormalizeObservation final : public VecEnvWrapper {
 public:
  NormalizeObservation(std::unique_ptr<VecEnv> inner,
                       const NormalizeObservationConfig& config = {});

  const Batch& reset(std::optional<std::uint64_t> seed) override;
  const Batch& reset_done() override;
  const Batch& step(std::span<const std::int32_t> actions) override;
  const Batch& step(std::span<const float> actions) override;
  const Batch& last() const override { return view_; }

  /// The statistics, to save with a checkpoint and restore for evaluation.
  const RunningMeanStd& statistics() const { return stats_; }
  void set_statistics(const RunningMeanStd& stats);
  void set_update(bool update) { config_.update = update; }
  std::vector<std::uint64_t> snapshot() const override;
  void restore(std::span<const std::uint64_t> snapshot) override;

 private:
  const Batch& normalize(const Batch& inner, bool update);

  NormalizeObservationConfig config_;
  RunningMeanStd stats_;
  BatchBuffers out_;
  Batch view_;
};

struct NormalizeRewardConfig {
  double gamma = 0.99;  ///< discount of the return whose scale is estimated
  double clip = 10.0;  ///< scaled rewards are clipped to [-clip, clip]
  double epsilon = 1e-8;  ///< added to the variance before the square root
  bool update = true;  ///< keep updating the statistics
};

/// reward / sqrt(var(discounted return) + epsilon), clipped: the scale of rewards becomes about 1
/// without shifting them. rewards_exact and episode_returns stay the env's own, so logs show the
/// true returns.
class NormalizeReward final : public VecEnvWrapper {
 public:
  NormalizeReward(std::unique_ptr<VecEnv> inner, const NormalizeRewardConfig& config = {});

  const Batch& reset(std::optional<std::uint64_t> seed) override;
  const Batch& reset_done() override;
  const Batch& step(std::span<const std::int32_t> actions) override;
  const Batch& step(std::span<const float> actions) override;
  const Batch& last() const override { return view_; }

  const RunningMeanStd& statistics() const { return stats_; }
  void set_statistics(const RunningMeanStd& stats);
  void set_update(bool update) { config_.update = update; }
  std::vector<std::uint64_t> snapshot() const override;
  void restore(std::span<const std::uint64_t> snapshot) override;

 private:
  const Batch& scale(const Batch& inner);

  NormalizeRewardConfig config_;
  RunningMeanStd stats_{1};
  std::vector<double> returns_;  // discounted return of the running episode, per env
  std::vector<float> rewards_;
  Batch view_;
};

}  // namespace rl::envs
