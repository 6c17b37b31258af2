// Learning-rate (or any hyperparameter) schedules as plain functions of the step count.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace rl::nn {

/// Fraction of a schedule done after t of `steps` steps, in [0, 1]; a schedule of no steps is done.
inline double schedule_progress(std::int64_t t, std::int64_t steps) {
  if (steps <= 0) {
    return 1.0;
  }
  return std::clamp(static_cast<double>(t) / static_cast<double>(steps), 0.0, 1.0);
}

/// Goes linearly from start to end over `steps`, then stays at end (CleanRL's annealing).
struct LinearSchedule {
  double start = 1e-3;
  double end = 0;
  std::int64_t steps = 1;
  double operator()(std::int64_t t) const {
    return start + schedule_progress(t, steps) * (end - start);
  }
};

/// Cosine annealing from start to end over `steps` (Loshchilov & Hutter 2017, without restarts),
/// then stays at end; as torch.optim.lr_scheduler.CosineAnnealingLR with eta_min = end.
struct CosineSchedule {
  double start = 1e-3;
  double end = 0;
  std::int64_t steps = 1;
  double operator()(std::int64_t t) const {
    return end +
           0.5 * (start - end) * (1 + std::cos(std::numbers::pi * schedule_progress(t, steps)));
  }
};

}  // namespace rl::nn
