// Running mean and variance of a stream of vectors, updated a batch at a time with the parallel
// algorithm of Chan, Golub & LeVeque (1979), as Stable-Baselines3's RunningMeanStd. Plain data, so
// it can be saved with a checkpoint and restored.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace rl::envs {

struct RunningMeanStd {
  std::vector<double> mean;
  std::vector<double> var;
  double count = 1e-4;  ///< SB3's initial count, so the first batch dominates without dividing by 0

  RunningMeanStd() = default;
  explicit RunningMeanStd(std::int64_t size);
  /// Adds `rows` vectors of size mean.size(), stored row-major in batch.
  void update(std::span<const float> batch, std::int64_t rows);
  void update(std::span<const double> batch, std::int64_t rows);
};

}  // namespace rl::envs
