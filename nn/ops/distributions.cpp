#include "nn/ops/distributions.hpp"

#include "nn/error.hpp"
#include "nn/ops/indexing.hpp"
#include "nn/ops/softmax.hpp"

namespace rl::nn {

namespace {
constexpr Scalar kHalfLogTwoPi = Scalar(0.91893853320467274178);  // 0.5 log(2 pi)

MatrixMap as_map(Matrix& m) {
  return {m.data(), m.rows(), m.cols()};
}
}  // namespace

void categorical_log_prob_forward(const ConstMatrixMap& logits,
                                  std::span<const std::int32_t> actions, Matrix& log_p,
                                  MatrixMap y) {
  log_p.resize(logits.rows(), logits.cols());
  log_softmax_forward(logits, as_map(log_p));
  for (Index i = 0; i < logits.rows(); ++i) {
    y(i, 0) = log_p(i, actions[static_cast<size_t>(i)]);
  }
}

// d log p_a / d logit_j = 1[j = a] - p_j
void categorical_log_prob_backward(const Matrix& log_p, std::span<const std::int32_t> actions,
                                   const ConstMatrixMap& dy, MatrixMap dlogits) {
  if (dlogits.data() == nullptr) {
    return;
  }
  for (Index i = 0; i < log_p.rows(); ++i) {
    dlogits.row(i).array() -= dy(i, 0) * log_p.row(i).array().exp();
    dlogits(i, actions[static_cast<size_t>(i)]) += dy(i, 0);
  }
}

void categorical_entropy_forward(const ConstMatrixMap& logits, Matrix& log_p, MatrixMap y) {
  log_p.resize(logits.rows(), logits.cols());
  log_softmax_forward(logits, as_map(log_p));
  for (Index i = 0; i < logits.rows(); ++i) {
    y(i, 0) = -(log_p.row(i).array().exp() * log_p.row(i).array()).sum();
  }
}

// dH / d logit_j = -p_j (log p_j + H)
void categorical_entropy_backward(const Matrix& log_p, const ConstMatrixMap& y,
                                  const ConstMatrixMap& dy, MatrixMap dlogits) {
  if (dlogits.data() == nullptr) {
    return;
  }
  for (Index i = 0; i < log_p.rows(); ++i) {
    dlogits.row(i).array() -=
        dy(i, 0) * log_p.row(i).array().exp() * (log_p.row(i).array() + y(i, 0));
  }
}

// log N(a; mu, sigma) = -0.5 ((a - mu) / sigma)^2 - log sigma - 0.5 log(2 pi)
void gaussian_log_prob_forward(const ConstMatrixMap& mean, const ConstMatrixMap& log_std,
                               const ConstMatrixMap& action, MatrixMap y) {
  for (Index i = 0; i < mean.rows(); ++i) {
    const auto ls = log_std.row(log_std.rows() == 1 ? 0 : i).array();
    const auto z = (action.row(i).array() - mean.row(i).array()) * (-ls).exp();
    y(i, 0) = (Scalar(-0.5) * z.square() - ls - kHalfLogTwoPi).sum();
  }
}

// d/dmu = (a - mu) / sigma^2,  d/dlog_sigma = z^2 - 1,  d/da = -(a - mu) / sigma^2
void gaussian_log_prob_backward(const ConstMatrixMap& mean, const ConstMatrixMap& log_std,
                                const ConstMatrixMap& action, const ConstMatrixMap& dy,
                                MatrixMap dmean, MatrixMap dlog_std, MatrixMap daction) {
  for (Index i = 0; i < mean.rows(); ++i) {
    const Index ls_row = log_std.rows() == 1 ? 0 : i;
    const auto inv_var = (Scalar(-2) * log_std.row(ls_row).array()).exp();
    const auto diff = action.row(i).array() - mean.row(i).array();
    if (dmean.data() != nullptr) {
      dmean.row(i).array() += dy(i, 0) * diff * inv_var;
    }
    if (daction.data() != nullptr) {
      daction.row(i).array() -= dy(i, 0) * diff * inv_var;
    }
    if (dlog_std.data() != nullptr) {
      dlog_std.row(ls_row).array() += dy(i, 0) * (diff.square() * inv_var - Scalar(1));
    }
  }
}

void gaussian_entropy_forward(const ConstMatrixMap& log_std, MatrixMap y) {
  const Scalar per_dim = Scalar(0.5) + kHalfLogTwoPi;
  y.col(0) = (log_std.array() + per_dim).rowwise().sum().matrix();
}

void gaussian_entropy_backward(const ConstMatrixMap& dy, MatrixMap dlog_std) {
  if (dlog_std.data() != nullptr) {
    dlog_std.colwise() += dy.col(0);
  }
}

Var categorical_log_prob(Var logits, std::span<const std::int32_t> actions) {
  Tape& tape = tape_of({logits}, "categorical_log_prob");
  check_indices(actions, logits.rows(), logits.cols(), "categorical_log_prob");
  Var y = tape.record(Op::kCategoricalLogProb, {logits}, {logits.rows(), 1});
  Node& n = tape.node(y);
  n.indices.assign(actions.begin(), actions.end());
  categorical_log_prob_forward(logits.value(), actions, n.saved, tape.value(y));
  return y;
}

Var categorical_entropy(Var logits) {
  Tape& tape = tape_of({logits}, "categorical_entropy");
  Var y = tape.record(Op::kCategoricalEntropy, {logits}, {logits.rows(), 1});
  categorical_entropy_forward(logits.value(), tape.node(y).saved, tape.value(y));
  return y;
}

Var gaussian_log_prob(Var mean, Var log_std, Var action) {
  Tape& tape = tape_of({mean, log_std, action}, "gaussian_log_prob");
  check(action.shape() == mean.shape(), "gaussian_log_prob: action ", action.shape(), " and mean ",
        mean.shape(), " must have the same shape");
  check(log_std.cols() == mean.cols() && (log_std.rows() == 1 || log_std.rows() == mean.rows()),
        "gaussian_log_prob: log_std ", log_std.shape(), " must be (1, ", mean.cols(), ") or ",
        mean.shape());
  Var y = tape.record(Op::kGaussianLogProb, {mean, log_std, action}, {mean.rows(), 1});
  gaussian_log_prob_forward(mean.value(), log_std.value(), action.value(), tape.value(y));
  return y;
}

Var gaussian_entropy(Var log_std) {
  Tape& tape = tape_of({log_std}, "gaussian_entropy");
  Var y = tape.record(Op::kGaussianEntropy, {log_std}, {log_std.rows(), 1});
  gaussian_entropy_forward(log_std.value(), tape.value(y));
  return y;
}

}  // namespace rl::nn
