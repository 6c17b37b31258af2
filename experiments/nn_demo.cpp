// `rl nn-demo`: trains a small CNN from nn/ to classify generated shape images, with early
// stopping on a validation split, and reports held-out accuracy.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "experiments/command.hpp"
#include "experiments/options.hpp"
#include "nn/data/fit.hpp"
#include "nn/data/shapes.hpp"

namespace rl::experiments {

namespace {

/// Draws one image as text, darkest to brightest.
void print_image(const nn::Dataset& data, nn::Index row) {
  static constexpr char kShades[] = " .:-=+*#%@";
  const nn::Index side = data.image.width;
  for (nn::Index y = 0; y < side; ++y) {
    std::cout << "    ";
    for (nn::Index x = 0; x < side; ++x) {
      const double v = std::clamp(static_cast<double>(data.inputs(row, y * side + x)), 0.0, 1.0);
      const char c = kShades[std::lround(v * 9.0)];
      std::cout << c << c;
    }
    std::cout << '\n';
  }
}

}  // namespace

int run_nn_demo(Args args) {
  std::uint64_t seed = 0;
  nn::Index train_size = 4000;
  int max_epochs = 30;
  bool quiet = false;
  po::options_description options("rl nn-demo options");
  options.add_options()("seed", po::value(&seed)->default_value(seed),
                        "seed for data, initialisation and shuffling")(
      "train-size", po::value(&train_size)->default_value(train_size), "training images")(
      "epochs", po::value(&max_epochs)->default_value(max_epochs), "maximum epochs")(
      "quiet", po::bool_switch(&quiet), "print only the final result");
  po::variables_map values;
  if (!parse_options(args, "rl nn-demo [options]", options, values)) {
    return 0;
  }
  if (train_size < 100 || max_epochs < 1) {
    throw UsageError("--train-size must be at least 100 and --epochs at least 1");
  }

  const auto start = std::chrono::steady_clock::now();
  const nn::Dataset train = nn::make_shapes({.count = train_size, .seed = seed * 3 + 1});
  const nn::Dataset validation = nn::make_shapes({.count = 1000, .seed = seed * 3 + 2});
  const nn::Dataset test = nn::make_shapes({.count = 1000, .seed = seed * 3 + 3});
  nn::Sequential net =
      nn::cnn({.input = train.image,
               .convs = {{.channels = 16, .kernel = 3, .pool = 2}, {.channels = 32, .kernel = 3}},
               .hidden = {64},
               .outputs = train.classes},
              seed);
  if (!quiet) {
    std::cout << "Classifying " << train.image.height << "x" << train.image.width
              << " images of 5 shapes (" << train.size() << " training, " << validation.size()
              << " validation, " << test.size() << " held-out)\n"
              << net.summary();
  }
  const nn::FitReport report = nn::fit_classifier(
      net, train, validation, {.max_epochs = max_epochs, .seed = seed},
      [&](const nn::EpochReport& e) {
        if (!quiet) {
          std::printf("  epoch %2d  train loss %.4f  validation accuracy %.2f%%\n", e.epoch + 1,
                      e.train_loss, 100.0 * e.validation_accuracy);
        }
      });
  const double test_accuracy = nn::accuracy(net, test);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (!quiet) {
    const nn::ConstMatrixMap logits = net.predict(test.inputs.topRows(3));
    for (nn::Index i = 0; i < 3; ++i) {
      nn::Index predicted = 0;
      logits.row(i).maxCoeff(&predicted);
      std::cout << "  held-out image " << i << ": a " << nn::shape_name(test.labels[i])
                << ", predicted " << nn::shape_name(static_cast<std::int32_t>(predicted)) << '\n';
      print_image(test, i);
    }
  }
  std::printf("held-out accuracy %.2f%% (best epoch %d of %zu%s) in %.1f s\n",
              100.0 * test_accuracy, report.best_epoch + 1, report.epochs.size(),
              report.stopped_early ? ", stopped early" : "", seconds);
  return 0;
}

}  // namespace rl::experiments
