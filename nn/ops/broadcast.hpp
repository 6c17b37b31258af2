// Elementwise ops of two inputs with broadcasting: each dimension of an input either matches the
// output or is 1, so a (1, F) row, a (B, 1) column or a (1, 1) scalar combines with (B, F).
#pragma once

#include "nn/tape.hpp"

namespace rl::nn {

Var add(Var a, Var b);
Var sub(Var a, Var b);
Var mul(Var a, Var b);
Var div(Var a, Var b);
/// Elementwise min; on ties the gradient is split evenly between a and b (as in PyTorch).
Var minimum(Var a, Var b);
/// Elementwise max; ties split like minimum.
Var maximum(Var a, Var b);

/// The broadcast shape of a and b; throws naming both shapes when they are incompatible.
Shape broadcast_shape(Shape a, Shape b, const char* op);

void broadcast_forward(Op op, const ConstMatrixMap& a, const ConstMatrixMap& b, MatrixMap y);
/// Accumulates the gradients of a and b (null maps are skipped), summing over broadcast axes.
void broadcast_backward(Op op, const ConstMatrixMap& a, const ConstMatrixMap& b,
                        const ConstMatrixMap& dy, MatrixMap da, MatrixMap db);

}  // namespace rl::nn
