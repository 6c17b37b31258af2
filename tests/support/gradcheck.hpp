// Gradient checking against central finite differences (in the double-precision build).
//
// For y = f(x_1, ..., x_k) and fixed random weights R1, R2 it checks two things:
//  1. the tape's gradient of L1 = sum(R1 * y), seeded directly into y, equals
//     (L1(x + e) - L1(x - e)) / 2e for every element of every differentiable input;
//  2. recording f twice and backpropagating sum(R1 * y_a) + sum(R2 * y_b) gives the sum of both
//     finite-difference gradients, which catches a backward that assigns instead of accumulating.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "nn/functional.hpp"
#include "nn/random.hpp"
#include "tests/support/random_matrix.hpp"

namespace rl::test {

using nn::Index;
using nn::Matrix;
using nn::Tape;
using nn::Var;

/// Builds the op under test from its inputs (recorded as tape variables or constants).
using Builder = std::function<Var(std::span<const Var> inputs)>;

struct GradcheckResult {
  bool passed = true;
  double max_error = 0;  ///< largest |analytic - numeric| / (atol + rtol |numeric|)
  std::string report;  ///< the worst element, for the failure message
};

struct GradcheckOptions {
  double eps = 1e-6;
  double atol = 1e-6;
  double rtol = 1e-5;
  std::vector<bool> differentiable;  ///< per input; empty means all
};

/// Values of magnitude in [margin, margin + 1) with random sign: away from kinks at zero.
inline Matrix away_from_zero(Index rows, Index cols, nn::Rng& rng, double margin = 0.1) {
  Matrix m(rows, cols);
  for (Index i = 0; i < m.size(); ++i) {
    const double magnitude = margin + rng.uniform();
    m.data()[i] = static_cast<nn::Scalar>(rng.uniform() < 0.5 ? -magnitude : magnitude);
  }
  return m;
}

inline GradcheckResult gradcheck(const Builder& f, std::vector<Matrix> inputs,
                                 const GradcheckOptions& options = {}) {
  const auto differentiable = [&](size_t i) {
    return options.differentiable.empty() || options.differentiable[i];
  };
  Tape tape;
  std::vector<Var> vars;
  const auto record_inputs = [&](const std::vector<Matrix>& values) {
    tape.clear();
    vars.clear();
    for (size_t i = 0; i < values.size(); ++i) {
      vars.push_back(differentiable(i) ? tape.variable(values[i]) : tape.constant(values[i]));
    }
  };
  const auto evaluate = [&](const std::vector<Matrix>& values) {
    record_inputs(values);
    return Matrix(f(vars).value());
  };

  // Analytic gradients, single use: seed y's gradient with R1 directly.
  record_inputs(inputs);
  const Var y = f(vars);
  nn::Rng rng(12345);
  const Matrix r1 = random_matrix(y.rows(), y.cols(), rng);
  const Matrix r2 = random_matrix(y.rows(), y.cols(), rng);
  tape.backward(y, r1);
  std::vector<Matrix> single;
  for (size_t i = 0; i < inputs.size(); ++i) {
    single.push_back(differentiable(i) ? Matrix(vars[i].grad()) : Matrix());
  }
  // Analytic gradients with the op recorded twice, combined with the core's own (checked) ops.
  record_inputs(inputs);
  const Var ya = f(vars);
  const Var yb = f(vars);
  tape.backward(nn::sum(ya * tape.constant(r1)) + nn::sum(yb * tape.constant(r2)));
  std::vector<Matrix> twice;
  for (size_t i = 0; i < inputs.size(); ++i) {
    twice.push_back(differentiable(i) ? Matrix(vars[i].grad()) : Matrix());
  }

  GradcheckResult result;
  const auto compare = [&](double analytic, double numeric, const std::string& where) {
    const double error =
        std::abs(analytic - numeric) / (options.atol + options.rtol * std::abs(numeric));
    if (error > result.max_error) {
      result.max_error = error;
      std::ostringstream out;
      out << where << ": analytic " << analytic << ", finite difference " << numeric;
      result.report = out.str();
    }
    if (error > 1) {
      result.passed = false;
    }
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!differentiable(i)) {
      continue;
    }
    for (Index j = 0; j < inputs[i].size(); ++j) {
      nn::Scalar& x = inputs[i].data()[j];
      const nn::Scalar saved = x;
      x = saved + static_cast<nn::Scalar>(options.eps);
      const Matrix plus = evaluate(inputs);
      x = saved - static_cast<nn::Scalar>(options.eps);
      const Matrix minus = evaluate(inputs);
      x = saved;
      const double d1 =
          static_cast<double>(((plus - minus).array() * r1.array()).sum()) / (2 * options.eps);
      const double d2 =
          static_cast<double>(((plus - minus).array() * r2.array()).sum()) / (2 * options.eps);
      const std::string where = "input " + std::to_string(i) + " element " + std::to_string(j);
      compare(static_cast<double>(single[i].data()[j]), d1, where);
      compare(static_cast<double>(twice[i].data()[j]), d1 + d2, where + " (used twice)");
    }
  }
  return result;
}

}  // namespace rl::test
