#include "nn/ops/linear.hpp"

#include "nn/error.hpp"

namespace rl::nn {

// y = x W^T + b
void linear_forward(const ConstMatrixMap& x, const ConstMatrixMap& w, const ConstMatrixMap& b,
                    MatrixMap y) {
  y.noalias() = x * w.transpose();
  if (b.data() != nullptr) {
    y.rowwise() += b.row(0);
  }
}

// dx += dy W,  dW += dy^T x,  db += sum over the batch of dy
void linear_backward(const ConstMatrixMap& x, const ConstMatrixMap& w, const ConstMatrixMap& dy,
                     MatrixMap dx, MatrixMap dw, MatrixMap db) {
  if (dx.data() != nullptr) {
    dx.noalias() += dy * w;
  }
  if (dw.data() != nullptr) {
    dw.noalias() += dy.transpose() * x;
  }
  if (db.data() != nullptr) {
    db.row(0) += dy.colwise().sum();
  }
}

void matmul_forward(const ConstMatrixMap& a, const ConstMatrixMap& b, MatrixMap y) {
  y.noalias() = a * b;
}

// da += dy b^T,  db += a^T dy
void matmul_backward(const ConstMatrixMap& a, const ConstMatrixMap& b, const ConstMatrixMap& dy,
                     MatrixMap da, MatrixMap db) {
  if (da.data() != nullptr) {
    da.noalias() += dy * b.transpose();
  }
  if (db.data() != nullptr) {
    db.noalias() += a.transpose() * dy;
  }
}

namespace {
void check_linear(Shape x, Shape w) {
  check(x.cols == w.cols, "linear: input has ", x.cols, " features (shape ", x,
        ") but the weight expects ", w.cols, " (weight shape ", w,
        ", laid out (out_features, in_features))");
}
}  // namespace

Var linear(Var x, Var w, Var b) {
  Tape& tape = tape_of({x, w, b}, "linear");
  check_linear(x.shape(), w.shape());
  check(b.rows() == 1 && b.cols() == w.rows(), "linear: bias has shape ", b.shape(),
        " but the layer has ", w.rows(), " outputs; the bias must be (1, ", w.rows(), ")");
  Var y = tape.record(Op::kLinear, {x, w, b}, {x.rows(), w.rows()});
  linear_forward(x.value(), w.value(), b.value(), tape.value(y));
  return y;
}

Var linear(Var x, Var w) {
  Tape& tape = tape_of({x, w}, "linear");
  check_linear(x.shape(), w.shape());
  Var y = tape.record(Op::kLinear, {x, w}, {x.rows(), w.rows()});
  linear_forward(x.value(), w.value(), ConstMatrixMap(nullptr, 0, 0), tape.value(y));
  return y;
}

Var matmul(Var a, Var b) {
  Tape& tape = tape_of({a, b}, "matmul");
  check(a.cols() == b.rows(), "matmul: shapes ", a.shape(), " and ", b.shape(),
        " do not chain; the first's columns must equal the second's rows");
  Var y = tape.record(Op::kMatmul, {a, b}, {a.rows(), b.cols()});
  matmul_forward(a.value(), b.value(), tape.value(y));
  return y;
}

}  // namespace rl::nn
