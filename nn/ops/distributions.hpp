// Log-probabilities and entropies of the policy distributions used by policy-gradient agents:
// categorical over logits (discrete actions) and diagonal Gaussian (continuous actions).
#pragma once

#include <cstdint>
#include <span>

#include "nn/tape.hpp"

namespace rl::nn {

/// log pi(a | logits) = log_softmax(logits)[a]. logits: (B, A), actions: B entries -> (B, 1).
Var categorical_log_prob(Var logits, std::span<const std::int32_t> actions);
/// -sum_a p_a log p_a per row. logits: (B, A) -> (B, 1).
Var categorical_entropy(Var logits);
/// sum_j log N(action_j; mean_j, exp(log_std_j)). mean, action: (B, A); log_std: (B, A) or
/// (1, A) (state-independent, as in CleanRL) -> (B, 1).
Var gaussian_log_prob(Var mean, Var log_std, Var action);
/// sum_j (log_std_j + 0.5 log(2 pi e)). log_std: (R, A) -> (R, 1).
Var gaussian_entropy(Var log_std);

/// log_p receives log_softmax(logits).
void categorical_log_prob_forward(const ConstMatrixMap& logits,
                                  std::span<const std::int32_t> actions, Matrix& log_p,
                                  MatrixMap y);
void categorical_log_prob_backward(const Matrix& log_p, std::span<const std::int32_t> actions,
                                   const ConstMatrixMap& dy, MatrixMap dlogits);
void categorical_entropy_forward(const ConstMatrixMap& logits, Matrix& log_p, MatrixMap y);
void categorical_entropy_backward(const Matrix& log_p, const ConstMatrixMap& y,
                                  const ConstMatrixMap& dy, MatrixMap dlogits);
void gaussian_log_prob_forward(const ConstMatrixMap& mean, const ConstMatrixMap& log_std,
                               const ConstMatrixMap& action, MatrixMap y);
void gaussian_log_prob_backward(const ConstMatrixMap& mean, const ConstMatrixMap& log_std,
                                const ConstMatrixMap& action, const ConstMatrixMap& dy,
                                MatrixMap dmean, MatrixMap dlog_std, MatrixMap daction);
void gaussian_entropy_forward(const ConstMatrixMap& log_std, MatrixMap y);
void gaussian_entropy_backward(const ConstMatrixMap& dy, MatrixMap dlog_std);

}  // namespace rl::nn
