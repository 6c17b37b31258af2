// Layer normalisation over the features of each row (Ba, Kiros & Hinton 2016), with a learned
// per-feature scale (gamma) and shift (beta), as PyTorch's nn.LayerNorm(F).
#pragma once

#include "nn/tape.hpp"

namespace rl::nn {

/// x: (B, F), gamma and beta: (1, F) -> (B, F).
Var layer_norm(Var x, Var gamma, Var beta, Scalar eps = Scalar(1e-5));

/// stats receives (B, 2): each row's mean and 1 / sqrt(variance + eps).
void layer_norm_forward(Scalar eps, const ConstMatrixMap& x, const ConstMatrixMap& gamma,
                        const ConstMatrixMap& beta, Matrix& stats, MatrixMap y);
void layer_norm_backward(const ConstMatrixMap& x, const ConstMatrixMap& gamma, const Matrix& stats,
                         const ConstMatrixMap& dy, MatrixMap dx, MatrixMap dgamma, MatrixMap dbeta);

}  // namespace rl::nn
