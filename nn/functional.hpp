// Every op of the network core in one include, plus arithmetic operators on Var, so model code
// reads like the math: `auto y = tanh(linear(x, w, b)) * 2.0f - target;`.
#pragma once

#include "nn/ops/broadcast.hpp"
#include "nn/ops/conv.hpp"
#include "nn/ops/custom.hpp"
#include "nn/ops/distributions.hpp"
#include "nn/ops/dropout.hpp"
#include "nn/ops/indexing.hpp"
#include "nn/ops/layer_norm.hpp"
#include "nn/ops/linear.hpp"
#include "nn/ops/losses.hpp"
#include "nn/ops/pointwise.hpp"
#include "nn/ops/reduce.hpp"
#include "nn/ops/softmax.hpp"
#include "nn/tape.hpp"

namespace rl::nn {

inline Var operator+(Var a, Var b) {
  return add(a, b);
}
inline Var operator-(Var a, Var b) {
  return sub(a, b);
}
inline Var operator*(Var a, Var b) {
  return mul(a, b);
}
inline Var operator/(Var a, Var b) {
  return div(a, b);
}
inline Var operator-(Var a) {
  return neg(a);
}
inline Var operator+(Var a, Scalar s) {
  return add_scalar(a, s);
}
inline Var operator+(Scalar s, Var a) {
  return add_scalar(a, s);
}
inline Var operator-(Var a, Scalar s) {
  return add_scalar(a, -s);
}
inline Var operator-(Scalar s, Var a) {
  return add_scalar(neg(a), s);
}
inline Var operator*(Var a, Scalar s) {
  return mul_scalar(a, s);
}
inline Var operator*(Scalar s, Var a) {
  return mul_scalar(a, s);
}
inline Var operator/(Var a, Scalar s) {
  return mul_scalar(a, Scalar(1) / s);
}

}  // namespace rl::nn
