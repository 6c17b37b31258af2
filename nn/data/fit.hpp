// Supervised training of a classifier with minibatch Adam and early stopping on validation
// accuracy, the loop behind `rl nn-demo` and the CNN training test.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "nn/data/shapes.hpp"
#include "nn/layers/sequential.hpp"
#include "nn/optim/early_stopping.hpp"

namespace rl::nn {

struct FitConfig {
  int max_epochs = 30;  ///< upper bound on passes over the training set
  Index batch_size = 64;  ///< examples per gradient step
  double learning_rate = 1e-3;  ///< Adam step size
  double weight_decay = 0;  ///< AdamW decoupled weight decay
  EarlyStoppingConfig early_stopping{///< on validation accuracy
                                     .patience = 3,
                                     .min_delta = 0,
                                     .maximize = true};
  std::uint64_t seed = 0;  ///< shuffling order
};

struct EpochReport {
  int epoch = 0;
  double train_loss = 0;  ///< mean cross-entropy over the epoch's batches
  double validation_accuracy = 0;  ///< fraction of the validation set classified correctly
};

struct FitReport {
  std::vector<EpochReport> epochs;
  int best_epoch = 0;
  double best_validation_accuracy = 0;
  bool stopped_early = false;
};

/// Trains net on train, evaluates on validation after every epoch, stops early when validation
/// accuracy stops improving and leaves the best parameters in net. on_epoch (optional) sees each
/// epoch's report as it happens.
FitReport fit_classifier(Sequential& net, const Dataset& train, const Dataset& validation,
                         const FitConfig& config,
                         const std::function<void(const EpochReport&)>& on_epoch = {});

/// Fraction of data whose argmax prediction equals its label.
double accuracy(Sequential& net, const Dataset& data);

}  // namespace rl::nn
