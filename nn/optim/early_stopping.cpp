#include "nn/optim/early_stopping.hpp"

#include <cmath>

#include "nn/error.hpp"

namespace rl::nn {

EarlyStopping::EarlyStopping(const EarlyStoppingConfig& config)
    : config_(config),
      best_(config.maximize ? -std::numeric_limits<double>::infinity()
                            : std::numeric_limits<double>::infinity()) {
  check(config.patience >= 1, "early stopping: patience = ", config.patience, " must be >= 1");
  check(config.min_delta >= 0, "early stopping: min_delta = ", config.min_delta, " must be >= 0");
}

bool EarlyStopping::update(double metric, const ParamStore& params) {
  check(std::isfinite(metric), "early stopping: the validation metric is ", metric,
        "; training diverged (lower the learning rate or clip gradients)");
  const bool improved =
      config_.maximize ? metric > best_ + config_.min_delta : metric < best_ - config_.min_delta;
  if (improved) {
    best_ = metric;
    best_evaluation_ = evaluations_;
    best_values_ = params.values();
    since_best_ = 0;
  } else {
    ++since_best_;
  }
  ++evaluations_;
  return should_stop();
}

void EarlyStopping::restore_best(ParamStore& params) const {
  check(best_evaluation_ >= 0, "early stopping: no evaluation recorded yet, nothing to restore");
  check(best_values_.size() == params.size(), "early stopping: the saved parameters have ",
        best_values_.size(), " values but the network has ", params.size());
  params.values() = best_values_;
}

}  // namespace rl::nn
