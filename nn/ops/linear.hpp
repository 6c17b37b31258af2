// Affine maps and matrix products: y = x W^T + b (PyTorch's nn.Linear layout, W is (out, in))
// and y = a b.
#pragma once

#include "nn/tape.hpp"

namespace rl::nn {

/// y = x W^T + b. x: (B, in), w: (out, in), b: (1, out), y: (B, out).
Var linear(Var x, Var w, Var b);
/// y = x W^T without a bias.
Var linear(Var x, Var w);
/// y = a b. a: (n, k), b: (k, m), y: (n, m).
Var matmul(Var a, Var b);

// Kernels. A map with null data means "absent" (no bias) or "no gradient needed".
void linear_forward(const ConstMatrixMap& x, const ConstMatrixMap& w, const ConstMatrixMap& b,
                    MatrixMap y);
void linear_backward(const ConstMatrixMap& x, const ConstMatrixMap& w, const ConstMatrixMap& dy,
                     MatrixMap dx, MatrixMap dw, MatrixMap db);
void matmul_forward(const ConstMatrixMap& a, const ConstMatrixMap& b, MatrixMap y);
void matmul_backward(const ConstMatrixMap& a, const ConstMatrixMap& b, const ConstMatrixMap& dy,
                     MatrixMap da, MatrixMap db);

}  // namespace rl::nn
