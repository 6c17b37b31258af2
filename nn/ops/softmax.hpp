// Softmax and log-softmax over each row (the class/action axis).
#pragma once

#include "nn/tape.hpp"

namespace rl::nn {

Var softmax(Var x);  ///< (B, C) -> (B, C), each row sums to 1
Var log_softmax(Var x);  ///< (B, C) -> (B, C), log of softmax computed without overflow

void softmax_forward(const ConstMatrixMap& x, MatrixMap y);
void softmax_backward(const ConstMatrixMap& y, const ConstMatrixMap& dy, MatrixMap dx);
void log_softmax_forward(const ConstMatrixMap& x, MatrixMap y);
void log_softmax_backward(const ConstMatrixMap& y, const ConstMatrixMap& dy, MatrixMap dx);

}  // namespace rl::nn
