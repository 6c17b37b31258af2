#include "nn/ops/dropout.hpp"

#include "nn/error.hpp"

namespace rl::nn {

void dropout_forward(Scalar p, Rng& rng, const ConstMatrixMap& x, Matrix& mask, MatrixMap y) {
  mask.resize(x.rows(), x.cols());
  const Scalar keep_scale = Scalar(1) / (Scalar(1) - p);
  Scalar* m = mask.data();
  for (Index i = 0; i < mask.size(); ++i) {
    m[i] = rng.uniform() < static_cast<double>(p) ? Scalar(0) : keep_scale;
  }
  y.array() = x.array() * mask.array();
}

void dropout_backward(const Matrix& mask, const ConstMatrixMap& dy, MatrixMap dx) {
  if (dx.data() != nullptr) {
    dx.array() += dy.array() * mask.array();
  }
}

Var dropout(Var x, Scalar p, Rng& rng) {
  Tape& tape = tape_of({x}, "dropout");
  check(p >= 0 && p < 1, "dropout: p = ", p, " must be in [0, 1)");
  if (p == 0) {
    return x;
  }
  OpArgs args;
  args.alpha = p;
  Var y = tape.record(Op::kDropout, {x}, x.shape(), args);
  dropout_forward(p, rng, x.value(), tape.node(y).saved, tape.value(y));
  return y;
}

}  // namespace rl::nn
