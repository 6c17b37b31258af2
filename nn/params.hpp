// All parameters of a network in one contiguous block, with named views (llm.c's layout, with the
// names registered in one place). Optimisers, clipping, copying and checkpoints are flat loops
// over values() and grads().
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nn/tensor.hpp"

namespace rl::nn {

/// A view into a ParamStore: where one parameter tensor lives in the flat block.
struct Param {
  Index offset = 0;
  Index rows = 0;
  Index cols = 0;
  Index size() const { return rows * cols; }
  Shape shape() const { return {rows, cols}; }
};

struct NamedParam {
  std::string name;
  Param param;
};

class ParamStore {
 public:
  /// Appends a zero-initialised (rows x cols) parameter; names must be unique ("0.weight").
  Param add(std::string name, Index rows, Index cols);

  MatrixMap value(Param p) { return {values_.data() + p.offset, p.rows, p.cols}; }
  ConstMatrixMap value(Param p) const { return {values_.data() + p.offset, p.rows, p.cols}; }
  MatrixMap grad(Param p) { return {grads_.data() + p.offset, p.rows, p.cols}; }
  ConstMatrixMap grad(Param p) const { return {grads_.data() + p.offset, p.rows, p.cols}; }

  /// The whole flat block of values and the same-sized block of gradients.
  Vector& values() { return values_; }
  const Vector& values() const { return values_; }
  Vector& grads() { return grads_; }
  const Vector& grads() const { return grads_; }

  Index size() const { return values_.size(); }
  const std::vector<NamedParam>& entries() const { return entries_; }
  std::optional<Param> find(std::string_view name) const;

  void zero_grad() { grads_.setZero(); }

  /// True when both stores hold the same names with the same shapes in the same order.
  bool same_layout(const ParamStore& other) const;

 private:
  Vector values_;
  Vector grads_;
  std::vector<NamedParam> entries_;
};

/// target = online (hard copy, e.g. a DQN target network). Layouts must match.
void copy_params(const ParamStore& online, ParamStore& target);
/// target = tau * online + (1 - tau) * target (Polyak averaging). Layouts must match.
void soft_update(const ParamStore& online, ParamStore& target, Scalar tau);

}  // namespace rl::nn
