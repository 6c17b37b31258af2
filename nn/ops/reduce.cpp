#include "nn/ops/reduce.hpp"

#include "nn/error.hpp"

namespace rl::nn {

namespace {
/// How many input elements feed each output element.
Scalar count(int dim, Index rows, Index cols) {
  return static_cast<Scalar>(dim == -1 ? rows * cols : dim == 0 ? rows : cols);
}

/// dx += scale * dy, with dy broadcast back over the reduced dimension.
void spread(int dim, Scalar scale, const ConstMatrixMap& dy, MatrixMap dx) {
  if (dim == -1) {
    ArrayMap(dx.data(), dx.size()) += scale * dy(0, 0);
  } else if (dim == 0) {  // row by row: Eigen's rowwise() += would evaluate a temporary
    for (Index r = 0; r < dx.rows(); ++r) {
      dx.row(r) += scale * dy.row(0);
    }
  } else {
    for (Index r = 0; r < dx.rows(); ++r) {
      dx.row(r).array() += scale * dy(r, 0);
    }
  }
}
}  // namespace

Shape reduced_shape(Shape x, int dim, const char* op) {
  check(dim >= -1 && dim <= 1, op, ": dim = ", dim,
        " is not valid; use -1 (everything), 0 (over rows) or 1 (over columns)");
  if (dim == -1) {
    return {1, 1};
  }
  return dim == 0 ? Shape{1, x.cols} : Shape{x.rows, 1};
}

void sum_forward(int dim, const ConstMatrixMap& x, MatrixMap y) {
  if (dim == -1) {
    y(0, 0) = x.sum();
  } else if (dim == 0) {
    y.row(0) = x.colwise().sum();
  } else {
    y.col(0) = x.rowwise().sum();
  }
}

void sum_backward(int dim, const ConstMatrixMap& dy, MatrixMap dx) {
  if (dx.data() != nullptr) {
    spread(dim, 1, dy, dx);
  }
}

void mean_forward(int dim, const ConstMatrixMap& x, MatrixMap y) {
  sum_forward(dim, x, y);
  y /= count(dim, x.rows(), x.cols());
}

void mean_backward(int dim, const ConstMatrixMap& dy, MatrixMap dx) {
  if (dx.data() != nullptr) {
    spread(dim, Scalar(1) / count(dim, dx.rows(), dx.cols()), dy, dx);
  }
}

namespace {
Var record_reduction(Op op, Var x, int dim) {
  Tape& tape = tape_of({x}, op_name(op));
  OpArgs args;
  args.dim = dim;
  Var y = tape.record(op, {x}, reduced_shape(x.shape(), dim, op_name(op)), args);
  if (op == Op::kSum) {
    sum_forward(dim, x.value(), tape.value(y));
  } else {
    mean_forward(dim, x.value(), tape.value(y));
  }
  return y;
}
}  // namespace

Var sum(Var x, int dim) { return record_reduction(Op::kSum, x, dim); }
Var mean(Var x, int dim) { return record_reduction(Op::kMean, x, dim); }

}  // namespace rl::nn
