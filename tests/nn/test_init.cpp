// Weight initialisers against the formulas of torch.nn.init: orthogonality of kOrthogonal, the
// bounds and empirical variance of the uniform and normal initialisers on a large matrix, the
// bias fan-in of Linear::create, and reproducibility from a seed.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include <Eigen/Core>
#include <catch2/catch.hpp>

#include "nn/init.hpp"
#include "nn/layers/linear.hpp"
#include "nn/layers/sequential.hpp"
#include "nn/params.hpp"
#include "nn/random.hpp"

namespace rl::nn {
namespace {

MatrixMap as_map(Matrix& m) {
  return {m.data(), m.rows(), m.cols()};
}

Matrix initialized(Index rows, Index cols, Init init, std::uint64_t seed, Index fan_in = 0) {
  Matrix w = Matrix::Constant(rows, cols, Scalar(123));  // a value no initialiser produces
  Rng rng(seed);
  initialize(as_map(w), init, rng, fan_in);
  return w;
}

struct Moments {
  double mean = 0;
  double variance = 0;  // about the true mean 0 of every initialiser
  double max_abs = 0;
};

Moments moments(const Matrix& w) {
  Moments m;
  for (Index i = 0; i < w.size(); ++i) {
    const double x = w.data()[i];
    m.mean += x;
    m.variance += x * x;
    m.max_abs = std::max(m.max_abs, std::abs(x));
  }
  m.mean /= static_cast<double>(w.size());
  m.variance /= static_cast<double>(w.size());
  return m;
}

// fan_out = 256 and fan_in = 512 differ, so a swapped fan changes every expected variance.
constexpr Index kRows = 256;
constexpr Index kCols = 512;
constexpr double kFanIn = kCols;
constexpr double kFanOut = kRows;

TEST_CASE("orthogonal init gives gain^2 times the identity along the shorter side", "[nn][init]") {
  const double gain = 1.7;
  struct Case {
    const char* name;
    Index rows;
    Index cols;
  };
  const Case cases[] = {{"wide", 5, 12}, {"tall", 12, 5}, {"square", 8, 8}, {"row", 1, 6}};
  for (const Case& c : cases) {
    INFO(c.name << " " << c.rows << "x" << c.cols);
    const Eigen::MatrixXd w =
        initialized(c.rows, c.cols, Init::orthogonal(gain), 11).cast<double>();
    // wide: rows are orthogonal (W W^T); tall: columns are (W^T W); square: both.
    if (c.rows <= c.cols) {
      const Eigen::MatrixXd gram = w * w.transpose();
      const Eigen::MatrixXd expected = gain * gain * Eigen::MatrixXd::Identity(c.rows, c.rows);
      INFO("W W^T =\n" << gram);
      CHECK((gram - expected).cwiseAbs().maxCoeff() < 1e-5);
    }
    if (c.rows >= c.cols) {
      const Eigen::MatrixXd gram = w.transpose() * w;
      const Eigen::MatrixXd expected = gain * gain * Eigen::MatrixXd::Identity(c.cols, c.cols);
      INFO("W^T W =\n" << gram);
      CHECK((gram - expected).cwiseAbs().maxCoeff() < 1e-5);
    }
  }
}

TEST_CASE("orthogonal init is random, not a fixed orthogonal matrix", "[nn][init]") {
  const Matrix a = initialized(6, 6, Init::orthogonal(), 1);
  const Matrix b = initialized(6, 6, Init::orthogonal(), 2);
  CHECK((a - b).cwiseAbs().maxCoeff() > 0.1);
  // not the identity or a signed permutation: many entries are strictly between 0 and 1
  Index fractional = 0;
  for (Index i = 0; i < a.size(); ++i) {
    const double x = std::abs(a.data()[i]);
    fractional += (x > 0.01 && x < 0.99) ? 1 : 0;
  }
  CHECK(fractional > a.size() / 2);
}

TEST_CASE("uniform initialisers stay inside their bound and match the variance formula",
          "[nn][init]") {
  struct Case {
    const char* name;
    Init init;
    double bound;  // U(-bound, bound), variance bound^2 / 3
  };
  const double relu_gain = std::sqrt(2.0);
  const Case cases[] = {
      {"torch_default", Init::torch_default(), 1 / std::sqrt(kFanIn)},
      {"xavier_uniform gain 1", Init::xavier_uniform(), std::sqrt(6 / (kFanIn + kFanOut))},
      {"xavier_uniform gain 1.3", Init::xavier_uniform(1.3),
       1.3 * std::sqrt(6 / (kFanIn + kFanOut))},
      {"kaiming_uniform relu gain", Init::kaiming_uniform(), relu_gain * std::sqrt(3 / kFanIn)},
      {"kaiming_uniform gain 0.5", Init::kaiming_uniform(0.5), 0.5 * std::sqrt(3 / kFanIn)},
  };
  for (const Case& c : cases) {
    INFO(c.name << ": bound " << c.bound);
    const Matrix w = initialized(kRows, kCols, c.init, 21);
    const Moments m = moments(w);
    INFO("mean " << m.mean << ", variance " << m.variance << ", max |w| " << m.max_abs);
    CHECK(m.max_abs <= c.bound);
    CHECK(m.max_abs > 0.999 * c.bound);  // the bound is reached, not a narrower one
    const double expected_variance = c.bound * c.bound / 3;
    CHECK(m.variance == Approx(expected_variance).epsilon(0.05));
    CHECK(std::abs(m.mean) < 0.05 * c.bound);
  }
}

TEST_CASE("the documented variance formulas of the uniform initialisers hold", "[nn][init]") {
  // The same checks written from the variance side of torch.nn.init's docs, so a bound that is
  // right but documented with the wrong variance (or the reverse) shows up.
  const Matrix xavier = initialized(kRows, kCols, Init::xavier_uniform(2.0), 22);
  CHECK(moments(xavier).variance == Approx(4.0 * 2 / (kFanIn + kFanOut)).epsilon(0.05));
  const Matrix kaiming = initialized(kRows, kCols, Init::kaiming_uniform(), 23);
  CHECK(moments(kaiming).variance == Approx(2.0 / kFanIn).epsilon(0.05));
  const Matrix torch_default = initialized(kRows, kCols, Init::torch_default(), 24);
  CHECK(moments(torch_default).variance == Approx(1.0 / (3 * kFanIn)).epsilon(0.05));
}

TEST_CASE("normal initialisers match their standard deviation formula", "[nn][init]") {
  struct Case {
    const char* name;
    Init init;
    double stddev;
  };
  const Case cases[] = {
      {"xavier_normal gain 1", Init::xavier_normal(), std::sqrt(2 / (kFanIn + kFanOut))},
      {"xavier_normal gain 0.8", Init::xavier_normal(0.8), 0.8 * std::sqrt(2 / (kFanIn + kFanOut))},
      {"kaiming_normal relu gain", Init::kaiming_normal(), std::sqrt(2 / kFanIn)},
      {"kaiming_normal gain 1.5", Init::kaiming_normal(1.5), 1.5 / std::sqrt(kFanIn)},
  };
  for (const Case& c : cases) {
    INFO(c.name << ": stddev " << c.stddev);
    const Matrix w = initialized(kRows, kCols, c.init, 31);
    const Moments m = moments(w);
    INFO("mean " << m.mean << ", variance " << m.variance << ", max |w| " << m.max_abs);
    CHECK(std::sqrt(m.variance) == Approx(c.stddev).epsilon(0.05));
    CHECK(std::abs(m.mean) < 0.05 * c.stddev);
    // Gaussian tails: 131072 samples reach past 3.5 sigma (a uniform of that variance cannot).
    CHECK(m.max_abs > 3.5 * c.stddev);
  }
}

TEST_CASE("constant init fills every element exactly", "[nn][init]") {
  for (const double value : {0.0, 0.25, -3.5, 1e-3}) {
    INFO("value " << value);
    const Matrix w = initialized(7, 9, Init::constant(value), 41);
    CHECK((w.array() == static_cast<Scalar>(value)).all());
  }
}

TEST_CASE("an explicit fan_in overrides the column count", "[nn][init]") {
  // A (1, 400) row initialised with fan_in 50: bound 1/sqrt(50), not 1/sqrt(400).
  const Matrix row = initialized(1, 400, Init::torch_default(), 51, 50);
  const double bound = 1 / std::sqrt(50.0);
  const Moments m = moments(row);
  CHECK(m.max_abs <= bound);
  CHECK(m.max_abs > 0.9 * bound);
}

TEST_CASE("Linear::create initialises the bias from the layer's fan-in", "[nn][init]") {
  // in = 50 and out = 400: the bias is (1, 400), so its own column count would give 1/sqrt(400).
  constexpr Index in = 50;
  constexpr Index out = 400;
  ParamStore store;
  Rng rng(61);
  const Linear layer = Linear::create(store, "fc", in, out, rng);
  REQUIRE(layer.has_bias);
  REQUIRE(layer.bias.shape() == Shape{1, out});
  REQUIRE(layer.weight.shape() == Shape{out, in});
  const double bound = 1 / std::sqrt(static_cast<double>(in));

  Matrix bias = store.value(layer.bias);
  const Moments b = moments(bias);
  INFO("bias max |b| " << b.max_abs << ", bound " << bound);
  CHECK(b.max_abs <= bound);
  CHECK(b.max_abs > 0.9 * bound);

  Matrix weight = store.value(layer.weight);
  const Moments w = moments(weight);
  INFO("weight max |w| " << w.max_abs);
  CHECK(w.max_abs <= bound);
  CHECK(w.max_abs > 0.99 * bound);
  CHECK(w.variance == Approx(bound * bound / 3).epsilon(0.05));

  SECTION("a kaiming bias initialiser also uses the layer's fan-in") {
    ParamStore other;
    Rng other_rng(62);
    const Linear l = Linear::create(other, "fc", in, out, other_rng, Init::constant(0),
                                    Init::kaiming_uniform(1.0));
    Matrix kaiming_bias = other.value(l.bias);
    const double kaiming_bound = std::sqrt(3.0 / in);
    const Moments k = moments(kaiming_bias);
    CHECK(k.max_abs <= kaiming_bound);
    CHECK(k.max_abs > 0.9 * kaiming_bound);
    CHECK((other.value(l.weight).array() == 0).all());
  }
}

TEST_CASE("the same seed gives identical weights and different seeds differ", "[nn][init]") {
  const Init inits[] = {Init::torch_default(),   Init::xavier_uniform(), Init::xavier_normal(),
                        Init::kaiming_uniform(), Init::kaiming_normal(), Init::orthogonal(2.0)};
  for (const Init& init : inits) {
    INFO("kind " << static_cast<int>(init.kind));
    const Matrix a = initialized(9, 13, init, 71);
    const Matrix b = initialized(9, 13, init, 71);
    const Matrix c = initialized(9, 13, init, 72);
    CHECK(a == b);
    CHECK((a.array() != c.array()).count() > a.size() / 2);
  }

  SECTION("whole networks built from the same seed are identical") {
    const MlpSpec spec{.sizes = {4, 16, 16, 3}};
    const Sequential first = mlp(spec, 5);
    const Sequential second = mlp(spec, 5);
    const Sequential third = mlp(spec, 6);
    REQUIRE(first.params().size() == third.params().size());
    CHECK(first.params().values() == second.params().values());
    CHECK((first.params().values().array() != third.params().values().array()).count() >
          first.params().size() / 2);
  }
}

}  // namespace
}  // namespace rl::nn
