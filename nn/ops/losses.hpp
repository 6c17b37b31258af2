// Losses reduced to a (1, 1) mean over the batch, as PyTorch's defaults (reduction="mean").
#pragma once

#include <cstdint>
#include <span>

#include "nn/tape.hpp"

namespace rl::nn {

/// mean((prediction - target)^2) over all elements; shapes must match.
Var mse_loss(Var prediction, Var target);
/// Huber loss with threshold delta (PyTorch's HuberLoss; SmoothL1 for delta = 1):
/// 0.5 d^2 where |d| <= delta, delta (|d| - 0.5 delta) elsewhere, averaged.
Var huber_loss(Var prediction, Var target, Scalar delta = 1);
/// mean over rows of -log softmax(logits)[label]. logits: (B, C), labels: B entries in [0, C).
Var cross_entropy(Var logits, std::span<const std::int32_t> labels);

void mse_loss_forward(const ConstMatrixMap& p, const ConstMatrixMap& t, MatrixMap y);
void mse_loss_backward(const ConstMatrixMap& p, const ConstMatrixMap& t, const ConstMatrixMap& dy,
                       MatrixMap dp, MatrixMap dt);
void huber_loss_forward(Scalar delta, const ConstMatrixMap& p, const ConstMatrixMap& t,
                        MatrixMap y);
void huber_loss_backward(Scalar delta, const ConstMatrixMap& p, const ConstMatrixMap& t,
                         const ConstMatrixMap& dy, MatrixMap dp, MatrixMap dt);
/// probabilities receives softmax(logits) for the backward.
void cross_entropy_forward(const ConstMatrixMap& logits, std::span<const std::int32_t> labels,
                           Matrix& probabilities, MatrixMap y);
void cross_entropy_backward(const Matrix& probabilities, std::span<const std::int32_t> labels,
                            const ConstMatrixMap& dy, MatrixMap dlogits);

}  // namespace rl::nn
