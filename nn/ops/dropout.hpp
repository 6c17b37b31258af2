// Inverted dropout (Srivastava et al. 2014): during training each element is zeroed with
// probability p and the survivors are scaled by 1 / (1 - p), so evaluation needs no rescaling.
#pragma once

#include "nn/random.hpp"
#include "nn/tape.hpp"

namespace rl::nn {

/// Training-mode dropout; p in [0, 1). With p = 0 it returns x unchanged.
Var dropout(Var x, Scalar p, Rng& rng);

/// mask receives 0 or 1 / (1 - p) per element; y = x * mask.
void dropout_forward(Scalar p, Rng& rng, const ConstMatrixMap& x, Matrix& mask, MatrixMap y);
void dropout_backward(const Matrix& mask, const ConstMatrixMap& dy, MatrixMap dx);

}  // namespace rl::nn
