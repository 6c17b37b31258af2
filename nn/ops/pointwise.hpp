// Elementwise ops of one input: scalar arithmetic, math functions and activations.
// Each op's forward and backward sit side by side in pointwise.cpp.
#pragma once

#include "nn/tape.hpp"

namespace rl::nn {

Var add_scalar(Var x, Scalar s);  ///< x + s
Var mul_scalar(Var x, Scalar s);  ///< x * s
Var pow(Var x, Scalar exponent);  ///< x^p (x > 0 unless p is a whole number)
/// min(max(x, lo), hi); the gradient passes where lo <= x <= hi (PyTorch's convention).
Var clamp(Var x, Scalar lo, Scalar hi);
Var neg(Var x);
Var exp(Var x);
Var log(Var x);
Var sqrt(Var x);
Var square(Var x);
Var abs(Var x);  ///< gradient sign(x), 0 at 0

Var relu(Var x);
Var leaky_relu(Var x, Scalar negative_slope = Scalar(0.01));
Var elu(Var x, Scalar alpha = 1);
Var tanh(Var x);
Var sigmoid(Var x);
Var softplus(Var x);  ///< log(1 + e^x), computed without overflow

// Kernels for any pointwise op (op is one of the Op values listed above).
void pointwise_forward(Op op, const OpArgs& args, const ConstMatrixMap& x, MatrixMap y);
void pointwise_backward(Op op, const OpArgs& args, const ConstMatrixMap& x, const ConstMatrixMap& y,
                        const ConstMatrixMap& dy, MatrixMap dx);

}  // namespace rl::nn
