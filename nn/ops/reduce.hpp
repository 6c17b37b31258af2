// Sums and means over everything (dim -1), over the batch (dim 0, giving (1, F)) or over the
// features (dim 1, giving (B, 1)). Results keep two dimensions, like PyTorch's keepdim=True.
#pragma once

#include "nn/tape.hpp"

namespace rl::nn {

Var sum(Var x, int dim = -1);
Var mean(Var x, int dim = -1);

/// The shape of reducing `x` over `dim`; throws for a dim other than -1, 0 or 1.
Shape reduced_shape(Shape x, int dim, const char* op);

void sum_forward(int dim, const ConstMatrixMap& x, MatrixMap y);
void sum_backward(int dim, const ConstMatrixMap& dy, MatrixMap dx);
void mean_forward(int dim, const ConstMatrixMap& x, MatrixMap y);
void mean_backward(int dim, const ConstMatrixMap& dy, MatrixMap dx);

}  // namespace rl::nn
