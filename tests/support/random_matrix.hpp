// Random test inputs from the library's own seeded generator.
#pragma once

#include "nn/random.hpp"
#include "nn/tensor.hpp"

namespace rl::test {

/// A (rows, cols) matrix of values uniform in [lo, hi).
inline nn::Matrix random_matrix(nn::Index rows, nn::Index cols, nn::Rng& rng, double lo = -1,
                                double hi = 1) {
  nn::Matrix m(rows, cols);
  for (nn::Index i = 0; i < m.size(); ++i) {
    m.data()[i] = static_cast<nn::Scalar>(rng.uniform(lo, hi));
  }
  return m;
}

}  // namespace rl::test
