// Early stopping on a validation metric (Keras' EarlyStopping with restore_best_weights): stop
// after `patience` evaluations without an improvement of at least min_delta, and keep a copy of
// the best parameters to restore.
#pragma once

#include <cstdint>
#include <limits>

#include "nn/params.hpp"

namespace rl::nn {

struct EarlyStoppingConfig {
  int patience = 5;  ///< evaluations without improvement before stopping
  double min_delta = 0;  ///< smallest change that counts as an improvement
  bool maximize = false;  ///< true for accuracy-like metrics, false for losses
};

class EarlyStopping {
 public:
  explicit EarlyStopping(const EarlyStoppingConfig& config = {});

  /// Records one evaluation of `metric` for the current `params`; returns true when training
  /// should stop. A new best is copied from params.
  bool update(double metric, const ParamStore& params);
  /// Copies the best parameters seen back into params.
  void restore_best(ParamStore& params) const;

  double best() const { return best_; }
  int best_evaluation() const { return best_evaluation_; }
  int evaluations() const { return evaluations_; }
  bool should_stop() const { return since_best_ >= config_.patience; }

 private:
  EarlyStoppingConfig config_;
  double best_;
  int best_evaluation_ = -1;
  int evaluations_ = 0;
  int since_best_ = 0;
  Vector best_values_;
};

}  // namespace rl::nn
