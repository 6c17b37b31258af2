#include "nn/ops/indexing.hpp"

#include "nn/error.hpp"

namespace rl::nn {

void check_indices(std::span<const std::int32_t> index, Index rows, Index classes, const char* op) {
  check(static_cast<Index>(index.size()) == rows, op, ": got ", index.size(),
        " indices for a batch of ", rows, " rows; pass one index per row");
  for (size_t i = 0; i < index.size(); ++i) {
    check(index[i] >= 0 && index[i] < classes, op, ": index[", i, "] = ", index[i],
          " is outside [0, ", classes, ")");
  }
}

void gather_forward(std::span<const std::int32_t> index, const ConstMatrixMap& x, MatrixMap y) {
  for (Index i = 0; i < x.rows(); ++i) {
    y(i, 0) = x(i, index[static_cast<size_t>(i)]);
  }
}

void gather_backward(std::span<const std::int32_t> index, const ConstMatrixMap& dy, MatrixMap dx) {
  if (dx.data() == nullptr) {
    return;
  }
  for (Index i = 0; i < dx.rows(); ++i) {
    dx(i, index[static_cast<size_t>(i)]) += dy(i, 0);
  }
}

void concat_forward(int dim, const ConstMatrixMap& a, const ConstMatrixMap& b, MatrixMap y) {
  if (dim == 1) {
    y.leftCols(a.cols()) = a;
    y.rightCols(b.cols()) = b;
  } else {
    y.topRows(a.rows()) = a;
    y.bottomRows(b.rows()) = b;
  }
}

void concat_backward(int dim, const ConstMatrixMap& dy, MatrixMap da, MatrixMap db) {
  if (dim == 1) {
    if (da.data() != nullptr) {
      da += dy.leftCols(da.cols());
    }
    if (db.data() != nullptr) {
      db += dy.rightCols(db.cols());
    }
  } else {
    if (da.data() != nullptr) {
      da += dy.topRows(da.rows());
    }
    if (db.data() != nullptr) {
      db += dy.bottomRows(db.rows());
    }
  }
}

Var gather(Var x, std::span<const std::int32_t> index) {
  Tape& tape = tape_of({x}, "gather");
  check_indices(index, x.rows(), x.cols(), "gather");
  Var y = tape.record(Op::kGather, {x}, {x.rows(), 1});
  tape.node(y).indices.assign(index.begin(), index.end());
  gather_forward(index, x.value(), tape.value(y));
  return y;
}

Var concat(Var a, Var b, int dim) {
  Tape& tape = tape_of({a, b}, "concat");
  check(dim == 0 || dim == 1, "concat: dim = ", dim, " is not valid; use 0 (rows) or 1 (columns)");
  Shape shape;
  if (dim == 1) {
    check(a.rows() == b.rows(), "concat: along columns needs equal row counts, got ", a.shape(),
          " and ", b.shape());
    shape = {a.rows(), a.cols() + b.cols()};
  } else {
    check(a.cols() == b.cols(), "concat: along rows needs equal column counts, got ", a.shape(),
          " and ", b.shape());
    shape = {a.rows() + b.rows(), a.cols()};
  }
  OpArgs args;
  args.dim = dim;
  Var y = tape.record(Op::kConcat, {a, b}, shape, args);
  concat_forward(dim, a.value(), b.value(), tape.value(y));
  return y;
}

Var reshape(Var x, Index rows, Index cols) {
  Tape& tape = tape_of({x}, "reshape");
  check(rows > 0 && cols > 0 && rows * cols == x.shape().size(), "reshape: cannot view ", x.shape(),
        " as (", rows, ", ", cols, "); the number of elements must stay ", x.shape().size());
  if (Shape{rows, cols} == x.shape()) {
    return x;
  }
  return tape.record_view(Op::kReshape, x, {rows, cols}, x.requires_grad());
}

Var flatten(Var x) {
  return x;
}

Var stop_gradient(Var x) {
  Tape& tape = tape_of({x}, "stop_gradient");
  return tape.record_view(Op::kStopGradient, x, x.shape(), false);
}

}  // namespace rl::nn
