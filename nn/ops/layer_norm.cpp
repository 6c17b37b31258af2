#include "nn/ops/layer_norm.hpp"

#include <cmath>

#include "nn/error.hpp"

namespace rl::nn {

// y = (x - mean) * rstd * gamma + beta, with biased variance as in PyTorch
void layer_norm_forward(Scalar eps, const ConstMatrixMap& x, const ConstMatrixMap& gamma,
                        const ConstMatrixMap& beta, Matrix& stats, MatrixMap y) {
  stats.resize(x.rows(), 2);
  const auto features = static_cast<Scalar>(x.cols());
  for (Index r = 0; r < x.rows(); ++r) {
    const Scalar mean = x.row(r).sum() / features;
    const Scalar variance = (x.row(r).array() - mean).square().sum() / features;
    const Scalar rstd = Scalar(1) / std::sqrt(variance + eps);
    stats(r, 0) = mean;
    stats(r, 1) = rstd;
    y.row(r).array() =
        (x.row(r).array() - mean) * rstd * gamma.row(0).array() + beta.row(0).array();
  }
}

// With xhat = (x - mean) * rstd and g = dy * gamma:
//   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)),  dgamma = sum dy * xhat,  dbeta = sum dy
void layer_norm_backward(const ConstMatrixMap& x, const ConstMatrixMap& gamma, const Matrix& stats,
                         const ConstMatrixMap& dy, MatrixMap dx, MatrixMap dgamma,
                         MatrixMap dbeta) {
  const auto features = static_cast<Scalar>(x.cols());
  for (Index r = 0; r < x.rows(); ++r) {
    const Scalar mean = stats(r, 0);
    const Scalar rstd = stats(r, 1);
    const auto xhat = (x.row(r).array() - mean) * rstd;
    if (dgamma.data() != nullptr) {
      dgamma.row(0).array() += dy.row(r).array() * xhat;
    }
    if (dbeta.data() != nullptr) {
      dbeta.row(0) += dy.row(r);
    }
    if (dx.data() != nullptr) {
      const auto g = dy.row(r).array() * gamma.row(0).array();
      const Scalar g_mean = g.sum() / features;
      const Scalar gx_mean = (g * xhat).sum() / features;
      dx.row(r).array() += rstd * (g - g_mean - xhat * gx_mean);
    }
  }
}

Var layer_norm(Var x, Var gamma, Var beta, Scalar eps) {
  Tape& tape = tape_of({x, gamma, beta}, "layer_norm");
  check(gamma.shape() == Shape{1, x.cols()} && beta.shape() == Shape{1, x.cols()},
        "layer_norm: gamma ", gamma.shape(), " and beta ", beta.shape(), " must both be (1, ",
        x.cols(), ") for input ", x.shape());
  check(eps > 0, "layer_norm: eps = ", eps, " must be positive");
  OpArgs args;
  args.alpha = eps;
  Var y = tape.record(Op::kLayerNorm, {x, gamma, beta}, x.shape(), args);
  layer_norm_forward(eps, x.value(), gamma.value(), beta.value(), tape.node(y).saved,
                     tape.value(y));
  return y;
}

}  // namespace rl::nn
