// Forward values of the ops against direct, independent computations (the gradient checks test
// each backward against its forward; these test the forwards themselves).
#include <cmath>
#include <numeric>
#include <vector>

#include <catch2/catch.hpp>

#include "nn/functional.hpp"
#include "nn/random.hpp"
#include "tests/support/random_matrix.hpp"

namespace rl::nn {
namespace {

using test::random_matrix;

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

TEST_CASE("linear computes x W^T + b", "[nn][ops]") {
  Rng rng(1);
  const Matrix x = random_matrix(3, 4, rng);
  const Matrix w = random_matrix(2, 4, rng);
  const Matrix b = random_matrix(1, 2, rng);
  Tape tape;
  const Matrix y = linear(tape.constant(x), tape.constant(w), tape.constant(b)).value();
  for (Index i = 0; i < 3; ++i) {
    for (Index o = 0; o < 2; ++o) {
      double expected = b(0, o);
      for (Index k = 0; k < 4; ++k) {
        expected += static_cast<double>(x(i, k)) * w(o, k);
      }
      CHECK_THAT(y(i, o), WithinAbs(expected, 1e-5));
    }
  }
}

// Direct definition of a PyTorch-style (NCHW) cross-correlation.
double direct_conv(const Conv2dGeometry& g, const Matrix& x, const Matrix& w, const Matrix& b,
                   Index n, Index f, Index i, Index j) {
  double total = b(0, f);
  for (Index c = 0; c < g.in_channels; ++c) {
    for (Index ki = 0; ki < g.kernel; ++ki) {
      for (Index kj = 0; kj < g.kernel; ++kj) {
        const Index row = i * g.stride - g.padding + ki;
        const Index col = j * g.stride - g.padding + kj;
        if (row < 0 || row >= g.height || col < 0 || col >= g.width) {
          continue;
        }
        total += static_cast<double>(x(n, (c * g.height + row) * g.width + col)) *
                 w(f, (c * g.kernel + ki) * g.kernel + kj);
      }
    }
  }
  return total;
}

TEST_CASE("conv2d matches the direct definition for strides and padding", "[nn][ops]") {
  Rng rng(2);
  for (const Conv2dGeometry g :
       {Conv2dGeometry{4, 10, 10, 16, 3, 1, 0}, Conv2dGeometry{3, 7, 9, 5, 3, 2, 1},
        Conv2dGeometry{2, 6, 6, 4, 4, 3, 2}}) {
    const Matrix x = random_matrix(3, g.in_features(), rng);
    const Matrix w = random_matrix(g.out_channels, g.patch_size(), rng);
    const Matrix b = random_matrix(1, g.out_channels, rng);
    Tape tape;
    const Matrix y = conv2d(tape.constant(x), tape.constant(w), tape.constant(b), g).value();
    REQUIRE(y.cols() == g.out_channels * g.out_height() * g.out_width());
    for (Index n = 0; n < 3; ++n) {
      for (Index f = 0; f < g.out_channels; ++f) {
        for (Index i = 0; i < g.out_height(); ++i) {
          for (Index j = 0; j < g.out_width(); ++j) {
            const Index at = (f * g.out_height() + i) * g.out_width() + j;
            CHECK_THAT(y(n, at), WithinAbs(direct_conv(g, x, w, b, n, f, i, j), 1e-4));
          }
        }
      }
    }
  }
}

TEST_CASE("max_pool2d takes the maximum of each window", "[nn][ops]") {
  Rng rng(3);
  const Pool2dGeometry g{2, 5, 6, 2, 2};
  const Matrix x = random_matrix(2, g.in_features(), rng);
  Tape tape;
  const Matrix y = max_pool2d(tape.constant(x), g).value();
  REQUIRE(y.cols() == 2 * 2 * 3);
  for (Index n = 0; n < 2; ++n) {
    for (Index c = 0; c < 2; ++c) {
      for (Index i = 0; i < 2; ++i) {
        for (Index j = 0; j < 3; ++j) {
          Scalar best = -1e30f;
          for (Index ki = 0; ki < 2; ++ki) {
            for (Index kj = 0; kj < 2; ++kj) {
              best = std::max(best, x(n, (c * 5 + 2 * i + ki) * 6 + 2 * j + kj));
            }
          }
          CHECK(y(n, (c * 2 + i) * 3 + j) == best);
        }
      }
    }
  }
}

TEST_CASE("softmax and log_softmax are normalised and stable for large logits", "[nn][ops]") {
  Tape tape;
  Matrix logits(2, 3);
  logits << 1000, 1001, 1002, -5, 0, 5;
  const Matrix p = softmax(tape.constant(logits)).value();
  const Matrix log_p = log_softmax(tape.constant(logits)).value();
  for (Index r = 0; r < 2; ++r) {
    CHECK_THAT(p.row(r).sum(), WithinAbs(1.0, 1e-6));
    double z = 0;
    for (Index c = 0; c < 3; ++c) {
      z += std::exp(static_cast<double>(logits(r, c) - logits(r, 2)));
    }
    for (Index c = 0; c < 3; ++c) {
      const double expected = static_cast<double>(logits(r, c) - logits(r, 2)) - std::log(z);
      CHECK_THAT(log_p(r, c), WithinAbs(expected, 1e-5));
      CHECK_THAT(p(r, c), WithinAbs(std::exp(expected), 1e-6));
    }
  }
  CHECK(log_p.allFinite());
}

TEST_CASE("activations match their formulas", "[nn][ops]") {
  Tape tape;
  Matrix x(1, 6);
  x << -100, -2, -0.5f, 0.5f, 2, 100;
  const Var v = tape.constant(x);
  const Matrix sp = softplus(v).value();
  const Matrix sg = sigmoid(v).value();
  const Matrix el = elu(v, 0.5f).value();
  const Matrix lr = leaky_relu(v, 0.1f).value();
  for (Index i = 0; i < 6; ++i) {
    const double xi = x(0, i);
    CHECK_THAT(sp(0, i), WithinRel(std::log1p(std::exp(xi)), 1e-6) || WithinAbs(0, 1e-30));
    CHECK_THAT(sg(0, i), WithinAbs(1 / (1 + std::exp(-xi)), 1e-7));
    CHECK_THAT(el(0, i), WithinAbs(xi > 0 ? xi : 0.5 * std::expm1(xi), 1e-6));
    CHECK_THAT(lr(0, i), WithinAbs(xi > 0 ? xi : 0.1 * xi, 1e-6));
  }
  CHECK(sp(0, 5) == 100);  // no overflow
}

TEST_CASE("layer norm standardises each row before scale and shift", "[nn][ops]") {
  Rng rng(4);
  const Matrix x = random_matrix(3, 8, rng, -3, 5);
  Tape tape;
  const Matrix y = layer_norm(tape.constant(x), tape.constant(Matrix::Ones(1, 8)),
                              tape.constant(Matrix::Zero(1, 8)))
                       .value();
  for (Index r = 0; r < 3; ++r) {
    CHECK_THAT(y.row(r).mean(), WithinAbs(0, 1e-6));
    CHECK_THAT(y.row(r).squaredNorm() / 8, WithinAbs(1, 1e-4));  // 1 - eps / variance
  }
}

TEST_CASE("losses match their definitions", "[nn][ops]") {
  Tape tape;
  Matrix p(2, 2);
  p << 0, 1, 2, 3;
  Matrix t(2, 2);
  t << 0.5f, 1, 0, 6;
  CHECK_THAT(mse_loss(tape.constant(p), tape.constant(t)).item(),
             WithinAbs((0.25 + 0 + 4 + 9) / 4, 1e-6));
  // delta 1: |d| = 0.5 -> 0.125; 0 -> 0; 2 -> 1.5; 3 -> 2.5
  CHECK_THAT(huber_loss(tape.constant(p), tape.constant(t), 1).item(),
             WithinAbs((0.125 + 0 + 1.5 + 2.5) / 4, 1e-6));
  Matrix logits(2, 3);
  logits << 1, 2, 3, 0, 0, 0;
  const std::vector<std::int32_t> labels = {2, 1};
  const double expected =
      (-(3 - std::log(std::exp(1) + std::exp(2) + std::exp(3))) + std::log(3)) / 2;
  CHECK_THAT(cross_entropy(tape.constant(logits), labels).item(), WithinAbs(expected, 1e-6));
}

TEST_CASE("categorical and Gaussian distributions match closed forms", "[nn][ops]") {
  Tape tape;
  Matrix logits(2, 4);
  logits << 0, 0, 0, 0, 1, 2, 3, 4;
  const Var l = tape.constant(logits);
  const Matrix entropy = categorical_entropy(l).value();
  CHECK_THAT(entropy(0, 0), WithinAbs(std::log(4.0), 1e-6));
  const std::vector<std::int32_t> actions = {1, 3};
  const Matrix log_prob = categorical_log_prob(l, actions).value();
  CHECK_THAT(log_prob(0, 0), WithinAbs(-std::log(4.0), 1e-6));
  const double z = std::exp(1) + std::exp(2) + std::exp(3) + std::exp(4);
  CHECK_THAT(log_prob(1, 0), WithinAbs(4 - std::log(z), 1e-6));

  Matrix mean(2, 2);
  mean << 0, 1, -1, 2;
  Matrix log_std(1, 2);
  log_std << 0, std::log(0.5f);
  Matrix action(2, 2);
  action << 0.5f, 1, 0, 1.5f;
  const Matrix lp =
      gaussian_log_prob(tape.constant(mean), tape.constant(log_std), tape.constant(action)).value();
  const auto normal_log_pdf = [](double a, double m, double s) {
    return -0.5 * ((a - m) / s) * ((a - m) / s) - std::log(s) - 0.5 * std::log(2 * M_PI);
  };
  CHECK_THAT(lp(0, 0), WithinAbs(normal_log_pdf(0.5, 0, 1) + normal_log_pdf(1, 1, 0.5), 1e-5));
  CHECK_THAT(lp(1, 0), WithinAbs(normal_log_pdf(0, -1, 1) + normal_log_pdf(1.5, 2, 0.5), 1e-5));
  const Matrix h = gaussian_entropy(tape.constant(log_std)).value();
  CHECK_THAT(h(0, 0), WithinAbs(std::log(0.5) + 1.0 + std::log(2 * M_PI), 1e-5));
}

TEST_CASE("dropout zeroes about p of the elements and rescales the rest", "[nn][ops]") {
  Tape tape;
  Rng rng(5);
  const Matrix x = Matrix::Ones(200, 100);
  const Matrix y = dropout(tape.constant(x), 0.3f, rng).value();
  const double zero_fraction = static_cast<double>((y.array() == 0).count()) / 20000.0;
  CHECK_THAT(zero_fraction, WithinAbs(0.3, 0.02));
  CHECK(((y.array() == 0) || (y.array() == Scalar(1 / 0.7))).all());
  CHECK_THAT(y.mean(), WithinAbs(1.0, 0.03));
  const Var same = tape.constant(x);
  CHECK(dropout(same, 0, rng).id == same.id);
}

TEST_CASE("concat, gather and reductions arrange values as documented", "[nn][ops]") {
  Tape tape;
  Matrix a(2, 2);
  a << 1, 2, 3, 4;
  Matrix b(2, 1);
  b << 5, 6;
  Matrix joined(2, 3);
  joined << 1, 2, 5, 3, 4, 6;
  CHECK(Matrix(concat(tape.constant(a), tape.constant(b), 1).value()) == joined);
  const std::vector<std::int32_t> index = {1, 0};
  Matrix picked(2, 1);
  picked << 2, 3;
  CHECK(Matrix(gather(tape.constant(a), index).value()) == picked);
  const Var av = tape.constant(a);
  CHECK(sum(av).item() == 10);
  CHECK(mean(av).item() == 2.5f);
  CHECK(Matrix(sum(av, 0).value()) == (Matrix(1, 2) << 4, 6).finished());
  CHECK(Matrix(mean(av, 1).value()) == (Matrix(2, 1) << 1.5f, 3.5f).finished());
}

}  // namespace
}  // namespace rl::nn
