#include "nn/ops/losses.hpp"

#include "nn/error.hpp"
#include "nn/ops/indexing.hpp"
#include "nn/ops/softmax.hpp"

namespace rl::nn {

namespace {
ConstArrayMap flat(const ConstMatrixMap& m) {
  return {m.data(), m.size()};
}
ArrayMap flat(MatrixMap& m) {
  return {m.data(), m.size()};
}
}  // namespace

void mse_loss_forward(const ConstMatrixMap& p, const ConstMatrixMap& t, MatrixMap y) {
  y(0, 0) = (flat(p) - flat(t)).square().mean();
}

// d/dp = 2 (p - t) / n
void mse_loss_backward(const ConstMatrixMap& p, const ConstMatrixMap& t, const ConstMatrixMap& dy,
                       MatrixMap dp, MatrixMap dt) {
  const Scalar scale = Scalar(2) * dy(0, 0) / static_cast<Scalar>(p.size());
  if (dp.data() != nullptr) {
    flat(dp) += scale * (flat(p) - flat(t));
  }
  if (dt.data() != nullptr) {
    flat(dt) -= scale * (flat(p) - flat(t));
  }
}

void huber_loss_forward(Scalar delta, const ConstMatrixMap& p, const ConstMatrixMap& t,
                        MatrixMap y) {
  const auto d = (flat(p) - flat(t)).abs();
  y(0, 0) = (d <= delta).select(Scalar(0.5) * d.square(), delta * (d - Scalar(0.5) * delta)).mean();
}

// d/dp = clamp(p - t, -delta, delta) / n
void huber_loss_backward(Scalar delta, const ConstMatrixMap& p, const ConstMatrixMap& t,
                         const ConstMatrixMap& dy, MatrixMap dp, MatrixMap dt) {
  const Scalar scale = dy(0, 0) / static_cast<Scalar>(p.size());
  const auto g = (flat(p) - flat(t)).max(-delta).min(delta) * scale;
  if (dp.data() != nullptr) {
    flat(dp) += g;
  }
  if (dt.data() != nullptr) {
    flat(dt) -= g;
  }
}

void cross_entropy_forward(const ConstMatrixMap& logits, std::span<const std::int32_t> labels,
                           Matrix& probabilities, MatrixMap y) {
  probabilities.resize(logits.rows(), logits.cols());
  MatrixMap log_p(probabilities.data(), logits.rows(), logits.cols());
  log_softmax_forward(logits, log_p);
  Scalar total = 0;
  for (Index i = 0; i < logits.rows(); ++i) {
    total -= log_p(i, labels[static_cast<size_t>(i)]);
  }
  y(0, 0) = total / static_cast<Scalar>(logits.rows());
  probabilities.array() = probabilities.array().exp();
}

// d/dlogits = (softmax(logits) - onehot(label)) / B
void cross_entropy_backward(const Matrix& probabilities, std::span<const std::int32_t> labels,
                            const ConstMatrixMap& dy, MatrixMap dlogits) {
  if (dlogits.data() == nullptr) {
    return;
  }
  const Scalar scale = dy(0, 0) / static_cast<Scalar>(probabilities.rows());
  dlogits += scale * probabilities;
  for (Index i = 0; i < dlogits.rows(); ++i) {
    dlogits(i, labels[static_cast<size_t>(i)]) -= scale;
  }
}

namespace {
void check_same_shape(Var p, Var t, const char* op) {
  check(p.shape() == t.shape(), op, ": prediction ", p.shape(), " and target ", t.shape(),
        " must have the same shape");
}
}  // namespace

Var mse_loss(Var prediction, Var target) {
  Tape& tape = tape_of({prediction, target}, "mse_loss");
  check_same_shape(prediction, target, "mse_loss");
  Var y = tape.record(Op::kMseLoss, {prediction, target}, {1, 1});
  mse_loss_forward(prediction.value(), target.value(), tape.value(y));
  return y;
}

Var huber_loss(Var prediction, Var target, Scalar delta) {
  Tape& tape = tape_of({prediction, target}, "huber_loss");
  check_same_shape(prediction, target, "huber_loss");
  check(delta > 0, "huber_loss: delta = ", delta, " must be positive");
  OpArgs args;
  args.alpha = delta;
  Var y = tape.record(Op::kHuberLoss, {prediction, target}, {1, 1}, args);
  huber_loss_forward(delta, prediction.value(), target.value(), tape.value(y));
  return y;
}

Var cross_entropy(Var logits, std::span<const std::int32_t> labels) {
  Tape& tape = tape_of({logits}, "cross_entropy");
  check_indices(labels, logits.rows(), logits.cols(), "cross_entropy");
  Var y = tape.record(Op::kCrossEntropy, {logits}, {1, 1});
  Node& n = tape.node(y);
  n.indices.assign(labels.begin(), labels.end());
  cross_entropy_forward(logits.value(), labels, n.saved, tape.value(y));
  return y;
}

}  // namespace rl::nn
