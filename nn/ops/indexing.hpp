// Ops that select, join or reinterpret values: gather by index (Q(s, a)), concatenation,
// reshape/flatten (views that copy nothing) and stop-gradient.
#pragma once

#include <cstdint>
#include <span>

#include "nn/tape.hpp"

namespace rl::nn {

/// y[i] = x[i, index[i]]. x: (B, C), index: B entries in [0, C), y: (B, 1).
Var gather(Var x, std::span<const std::int32_t> index);
/// Joins a and b along dim 1 (features: (B, Fa + Fb)) or dim 0 (rows: (Ba + Bb, F)).
Var concat(Var a, Var b, int dim = 1);
/// The same values read as (rows, cols); rows * cols must equal x's size. Copies nothing.
Var reshape(Var x, Index rows, Index cols);
/// (B, anything) -> (B, size / B). Values are already stored flat, so this is a view.
Var flatten(Var x);
/// The same value with no gradient flowing back (PyTorch's detach, JAX's stop_gradient).
Var stop_gradient(Var x);

void gather_forward(std::span<const std::int32_t> index, const ConstMatrixMap& x, MatrixMap y);
void gather_backward(std::span<const std::int32_t> index, const ConstMatrixMap& dy, MatrixMap dx);
void concat_forward(int dim, const ConstMatrixMap& a, const ConstMatrixMap& b, MatrixMap y);
void concat_backward(int dim, const ConstMatrixMap& dy, MatrixMap da, MatrixMap db);

/// Throws naming the op and the offending entry if any index is outside [0, classes).
void check_indices(std::span<const std::int32_t> index, Index rows, Index classes, const char* op);

}  // namespace rl::nn
