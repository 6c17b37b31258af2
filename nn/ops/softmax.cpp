#include "nn/ops/softmax.hpp"

namespace rl::nn {

// y = e^(x - max x) / sum e^(x - max x), row by row
void softmax_forward(const ConstMatrixMap& x, MatrixMap y) {
  for (Index r = 0; r < x.rows(); ++r) {
    y.row(r).array() = (x.row(r).array() - x.row(r).maxCoeff()).exp();
    y.row(r) /= y.row(r).sum();
  }
}

// dx = y * (dy - sum(dy * y))
void softmax_backward(const ConstMatrixMap& y, const ConstMatrixMap& dy, MatrixMap dx) {
  if (dx.data() == nullptr) {
    return;
  }
  for (Index r = 0; r < y.rows(); ++r) {
    const Scalar dot = y.row(r).dot(dy.row(r));
    dx.row(r).array() += y.row(r).array() * (dy.row(r).array() - dot);
  }
}

// y = x - max x - log sum e^(x - max x)
void log_softmax_forward(const ConstMatrixMap& x, MatrixMap y) {
  for (Index r = 0; r < x.rows(); ++r) {
    y.row(r).array() = x.row(r).array() - x.row(r).maxCoeff();
    y.row(r).array() -= std::log(y.row(r).array().exp().sum());
  }
}

// dx = dy - e^y * sum(dy)
void log_softmax_backward(const ConstMatrixMap& y, const ConstMatrixMap& dy, MatrixMap dx) {
  if (dx.data() == nullptr) {
    return;
  }
  for (Index r = 0; r < y.rows(); ++r) {
    dx.row(r).array() += dy.row(r).array() - y.row(r).array().exp() * dy.row(r).sum();
  }
}

Var softmax(Var x) {
  Tape& tape = tape_of({x}, "softmax");
  Var y = tape.record(Op::kSoftmax, {x}, x.shape());
  softmax_forward(x.value(), tape.value(y));
  return y;
}

Var log_softmax(Var x) {
  Tape& tape = tape_of({x}, "log_softmax");
  Var y = tape.record(Op::kLogSoftmax, {x}, x.shape());
  log_softmax_forward(x.value(), tape.value(y));
  return y;
}

}  // namespace rl::nn
