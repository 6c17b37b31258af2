#include "nn/data/fit.hpp"

#include <numeric>

#include "nn/error.hpp"
#include "nn/functional.hpp"
#include "nn/optim/adam.hpp"

namespace rl::nn {

double accuracy(Sequential& net, const Dataset& data) {
  constexpr Index kChunk = 512;
  Index correct = 0;
  const bool was_training = net.training();
  net.eval();
  for (Index start = 0; start < data.size(); start += kChunk) {
    const Index rows = std::min(kChunk, data.size() - start);
    const ConstMatrixMap logits = net.predict(data.inputs.middleRows(start, rows));
    for (Index i = 0; i < rows; ++i) {
      Index predicted = 0;
      logits.row(i).maxCoeff(&predicted);
      correct += predicted == data.labels[static_cast<size_t>(start + i)] ? 1 : 0;
    }
  }
  net.train(was_training);
  return static_cast<double>(correct) / static_cast<double>(data.size());
}

FitReport fit_classifier(Sequential& net, const Dataset& train, const Dataset& validation,
                         const FitConfig& config,
                         const std::function<void(const EpochReport&)>& on_epoch) {
  check(train.size() > 0 && validation.size() > 0,
        "fit_classifier: the training and validation sets must not be empty");
  check(train.inputs.cols() == net.in_features(), "fit_classifier: examples have ",
        train.inputs.cols(), " features but the network expects ", net.in_features());
  check(net.out_features() == train.classes, "fit_classifier: the network has ", net.out_features(),
        " outputs for ", train.classes, " classes");
  check(config.batch_size > 0 && config.max_epochs > 0,
        "fit_classifier: batch_size and max_epochs must be positive");

  AdamW optimizer(net.params(),
                  {.learning_rate = config.learning_rate, .weight_decay = config.weight_decay});
  EarlyStopping stopper(config.early_stopping);
  Rng rng(config.seed);
  Tape tape;
  std::vector<Index> order(static_cast<size_t>(train.size()));
  std::iota(order.begin(), order.end(), Index{0});
  Matrix batch_inputs;
  std::vector<std::int32_t> batch_labels;

  FitReport report;
  for (int epoch = 0; epoch < config.max_epochs; ++epoch) {
    for (size_t i = order.size() - 1; i > 0; --i) {  // Fisher-Yates shuffle
      std::swap(order[i], order[rng.below(i + 1)]);
    }
    net.train();
    double loss_sum = 0;
    int batches = 0;
    for (Index start = 0; start < train.size(); start += config.batch_size) {
      const Index rows = std::min(config.batch_size, train.size() - start);
      batch_inputs.resize(rows, train.inputs.cols());
      batch_labels.resize(static_cast<size_t>(rows));
      for (Index i = 0; i < rows; ++i) {
        const Index k = order[static_cast<size_t>(start + i)];
        batch_inputs.row(i) = train.inputs.row(k);
        batch_labels[static_cast<size_t>(i)] = train.labels[static_cast<size_t>(k)];
      }
      tape.clear();
      const Var loss = cross_entropy(net.forward(tape, batch_inputs), batch_labels);
      optimizer.zero_grad();
      tape.backward(loss);
      optimizer.step();
      loss_sum += static_cast<double>(loss.item());
      ++batches;
    }
    const EpochReport epoch_report{epoch, loss_sum / batches, accuracy(net, validation)};
    report.epochs.push_back(epoch_report);
    if (on_epoch) {
      on_epoch(epoch_report);
    }
    if (stopper.update(epoch_report.validation_accuracy, net.params())) {
      report.stopped_early = true;
      break;
    }
  }
  stopper.restore_best(net.params());
  report.best_epoch = stopper.best_evaluation();
  report.best_validation_accuracy = stopper.best();
  return report;
}

}  // namespace rl::nn
