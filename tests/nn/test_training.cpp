// End-to-end training: an MLP fits a nonlinear function, a CNN learns to classify generated
// images with early stopping, and training is bit-for-bit reproducible from its seed.
#include <chrono>
#include <cmath>

#include <catch2/catch.hpp>

#include "nn/data/fit.hpp"
#include "nn/data/shapes.hpp"
#include "nn/functional.hpp"
#include "nn/layers/sequential.hpp"
#include "nn/optim/adam.hpp"
#include "nn/optim/schedule.hpp"

namespace rl::nn {
namespace {

// y = sin(2 x0) cos(x1) + 0.5 x0^2 on [-2, 2]^2
void make_regression(Index count, std::uint64_t seed, Matrix& x, Matrix& y) {
  Rng rng(seed);
  x.resize(count, 2);
  y.resize(count, 1);
  for (Index i = 0; i < count; ++i) {
    const double a = rng.uniform(-2, 2);
    const double b = rng.uniform(-2, 2);
    x(i, 0) = static_cast<Scalar>(a);
    x(i, 1) = static_cast<Scalar>(b);
    y(i, 0) = static_cast<Scalar>(std::sin(2 * a) * std::cos(b) + 0.5 * a * a);
  }
}

double mse(Sequential& net, const Matrix& x, const Matrix& y) {
  return static_cast<double>((net.predict(x) - y).squaredNorm()) / static_cast<double>(y.rows());
}

Vector train_regressor(std::uint64_t seed, int steps, double* test_mse, double* baseline_mse) {
  Matrix x;
  Matrix y;
  make_regression(2000, 100 + seed, x, y);
  Matrix test_x;
  Matrix test_y;
  make_regression(1000, 200 + seed, test_x, test_y);
  Sequential net = mlp({.sizes = {2, 64, 64, 1}, .hidden = Activation::kTanh}, seed);
  Adam adam(net.params(), {.learning_rate = 3e-3});
  const CosineSchedule lr{.start = 3e-3, .end = 1e-4, .steps = steps};
  Tape tape;
  Rng rng(seed);
  constexpr Index kBatch = 64;
  Matrix batch_x(kBatch, 2);
  Matrix batch_y(kBatch, 1);
  for (int step = 0; step < steps; ++step) {
    for (Index i = 0; i < kBatch; ++i) {
      const auto k = static_cast<Index>(rng.below(static_cast<std::uint64_t>(x.rows())));
      batch_x.row(i) = x.row(k);
      batch_y.row(i) = y.row(k);
    }
    tape.clear();
    const Var loss = mse_loss(net.forward(tape, batch_x), tape.constant(batch_y));
    adam.zero_grad();
    tape.backward(loss);
    adam.set_learning_rate(lr(step));
    adam.step();
  }
  if (test_mse != nullptr) {
    *test_mse = mse(net, test_x, test_y);
    *baseline_mse = static_cast<double>((test_y.array() - test_y.mean()).square().mean());
  }
  return net.params().values();
}

TEST_CASE("an MLP fits a nonlinear regression", "[nn][learning]") {
  double test_mse = 0;
  double baseline = 0;
  train_regressor(0, 4000, &test_mse, &baseline);
  INFO("held-out MSE " << test_mse << ", predicting the mean gives " << baseline);
  CHECK(test_mse < 0.01);
  CHECK(test_mse < baseline / 50);
}

TEST_CASE("a CNN reaches 95% held-out accuracy on generated shapes within seconds",
          "[nn][learning]") {
  const auto start = std::chrono::steady_clock::now();
  const Dataset train = make_shapes({.count = 4000, .seed = 1});
  const Dataset validation = make_shapes({.count = 1000, .seed = 2});
  const Dataset test = make_shapes({.count = 1000, .seed = 3});
  Sequential net =
      cnn({.input = train.image,
           .convs = {{.channels = 16, .kernel = 3, .pool = 2}, {.channels = 32, .kernel = 3}},
           .hidden = {64},
           .outputs = train.classes},
          0);
  const FitReport report = fit_classifier(net, train, validation, {.max_epochs = 30, .seed = 0});
  const double test_accuracy = accuracy(net, test);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO("held-out accuracy " << test_accuracy << " after " << report.epochs.size()
                            << " epochs (best " << report.best_epoch + 1 << ") in " << seconds
                            << " s");
  CHECK(test_accuracy >= 0.95);
  // early stopping kept the best validation epoch's weights
  CHECK(accuracy(net, validation) == report.best_validation_accuracy);
  CHECK(report.best_validation_accuracy ==
        std::max_element(report.epochs.begin(), report.epochs.end(),
                         [](const EpochReport& a, const EpochReport& b) {
                           return a.validation_accuracy < b.validation_accuracy;
                         })
            ->validation_accuracy);
}

TEST_CASE("the same seed gives bit-identical weights", "[nn][learning]") {
  const Vector a = train_regressor(7, 300, nullptr, nullptr);
  const Vector b = train_regressor(7, 300, nullptr, nullptr);
  const Vector c = train_regressor(8, 300, nullptr, nullptr);
  CHECK(a == b);
  CHECK(a != c);

  const Dataset train = make_shapes({.count = 500, .seed = 4});
  const Dataset validation = make_shapes({.count = 200, .seed = 5});
  const auto fit_once = [&](std::uint64_t seed) {
    Sequential net = cnn({.input = train.image,
                          .convs = {{.channels = 4, .kernel = 3, .pool = 2}},
                          .hidden = {16},
                          .outputs = train.classes},
                         seed);
    fit_classifier(net, train, validation, {.max_epochs = 3, .seed = seed});
    return Vector(net.params().values());
  };
  CHECK(fit_once(1) == fit_once(1));
}

}  // namespace
}  // namespace rl::nn
