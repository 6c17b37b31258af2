// Reverse-mode automatic differentiation on a tape of matrix operations (micrograd's idea at
// matrix granularity). Nodes are appended in execution order, so walking them backwards is a
// topological order. clear() keeps every node's buffers, so recording the same computation again
// reuses them and allocates nothing.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include "nn/params.hpp"
#include "nn/tensor.hpp"

namespace rl::nn {

class Tape;

/// A handle to a value recorded on a tape: an index, cheap to copy.
struct Var {
  Tape* tape = nullptr;
  std::int32_t id = -1;

  ConstMatrixMap value() const;
  /// dL/dvalue after Tape::backward; only for values that require a gradient.
  ConstMatrixMap grad() const;
  Shape shape() const;
  Index rows() const { return shape().rows; }
  Index cols() const { return shape().cols; }
  bool requires_grad() const;
  /// The single element of a (1, 1) value.
  Scalar item() const;
};

enum class Op : std::uint8_t {
  // leaves
  kConstant,
  kVariable,
  kParameter,
  // linear algebra
  kLinear,
  kMatmul,
  // elementwise with broadcasting
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMinimum,
  kMaximum,
  // elementwise with scalar arguments
  kAddScalar,
  kMulScalar,
  kPow,
  kClamp,
  kNeg,
  kExp,
  kLog,
  kSqrt,
  kSquare,
  kAbs,
  // activations
  kRelu,
  kLeakyRelu,
  kElu,
  kTanh,
  kSigmoid,
  kSoftplus,
  kSoftmax,
  kLogSoftmax,
  // reductions and indexing
  kSum,
  kMean,
  kGather,
  kConcat,
  kReshape,
  kStopGradient,
  // convolution, pooling, regularisation
  kConv2d,
  kMaxPool2d,
  kDropout,
  kLayerNorm,
  // losses and distributions
  kMseLoss,
  kHuberLoss,
  kCrossEntropy,
  kCategoricalLogProb,
  kCategoricalEntropy,
  kGaussianLogProb,
  kGaussianEntropy,
  // user-defined
  kCustom,
};

/// Name of an op, for error messages.
const char* op_name(Op op);

/// Geometry of a 2-D convolution over images stored as (batch, channels*height*width), NCHW order.
struct Conv2dGeometry {
  Index in_channels = 0;
  Index height = 0;
  Index width = 0;
  Index out_channels = 0;
  Index kernel = 0;
  Index stride = 1;
  Index padding = 0;
  Index out_height() const { return (height + 2 * padding - kernel) / stride + 1; }
  Index out_width() const { return (width + 2 * padding - kernel) / stride + 1; }
  Index in_features() const { return in_channels * height * width; }
  Index out_features() const { return out_channels * out_height() * out_width(); }
  Index patch_size() const { return in_channels * kernel * kernel; }
};

/// Geometry of max pooling over (batch, channels*height*width) images.
struct Pool2dGeometry {
  Index channels = 0;
  Index height = 0;
  Index width = 0;
  Index kernel = 2;
  Index stride = 2;
  Index out_height() const { return (height - kernel) / stride + 1; }
  Index out_width() const { return (width - kernel) / stride + 1; }
  Index in_features() const { return channels * height * width; }
  Index out_features() const { return channels * out_height() * out_width(); }
};

/// An op whose forward and backward the user supplies (as torch.autograd.Function does).
/// Plain function pointers: no closures, so recording it allocates nothing.
struct CustomOp {
  const char* name = "custom";
  /// y = f(inputs). `inputs` holds one map per input Var; y is preallocated to the output shape.
  void (*forward)(std::span<const ConstMatrixMap> inputs, MatrixMap y) = nullptr;
  /// Accumulates dL/dinputs[k] into input_grads[k]; a map with null data marks an input that
  /// needs no gradient.
  void (*backward)(std::span<const ConstMatrixMap> inputs, ConstMatrixMap y, ConstMatrixMap dy,
                   std::span<MatrixMap> input_grads) = nullptr;
};

/// Non-tensor arguments of an op.
struct OpArgs {
  Scalar alpha = 0;
  Scalar beta = 0;
  int dim = -1;
  Conv2dGeometry conv;
  Pool2dGeometry pool;
  const CustomOp* custom = nullptr;
};

/// One recorded operation and its output. Buffers persist across Tape::clear().
struct Node {
  static constexpr int kMaxInputs = 3;
  Op op = Op::kConstant;
  bool requires_grad = false;
  bool owns_grad = true;
  int num_inputs = 0;
  std::array<std::int32_t, kMaxInputs> inputs{-1, -1, -1};
  Shape shape;
  Scalar* value = nullptr;  // into value_buffer, a ParamStore, or an input (views)
  Scalar* grad = nullptr;  // likewise; null until backward
  OpArgs args;
  Matrix value_buffer;
  Matrix grad_buffer;
  Matrix saved;  // whatever the backward needs beyond inputs and output
  Matrix scratch;  // temporary space for the backward
  std::vector<std::int32_t> indices;  // gather/label indices, max-pool argmax
};

class Tape {
 public:
  Tape();

  /// Forgets all nodes but keeps their memory for the next recording.
  void clear() { size_ = 0; }
  Index size() const { return static_cast<Index>(size_); }

  /// A leaf holding a copy of x that receives no gradient (inputs, targets).
  Var constant(const ConstMatrixRef& x);
  /// A leaf holding a copy of x whose gradient backward computes (see Var::grad).
  Var variable(const ConstMatrixRef& x);
  /// A leaf viewing a parameter in place; backward accumulates into the store's gradients.
  Var parameter(ParamStore& store, Param p);

  /// Backpropagates from a (1, 1) value: parameter gradients accumulate (+=) into their stores,
  /// every other gradient is recomputed from zero.
  void backward(Var loss);
  /// Backpropagates from any value with the given upstream gradient dL/doutput.
  void backward(Var output, const ConstMatrixRef& output_grad);

  // --- for op implementations ---
  /// Appends a node whose value buffer is sized to `shape`; requires_grad if any input does.
  Var record(Op op, std::initializer_list<Var> inputs, Shape shape, const OpArgs& args = {});
  /// Appends a node whose value (and gradient) is the storage of `input`, read as `shape`.
  Var record_view(Op op, Var input, Shape shape, bool requires_grad);
  Node& node(Var v) { return nodes_[static_cast<size_t>(v.id)]; }
  const Node& node(Var v) const { return nodes_[static_cast<size_t>(v.id)]; }
  Node& node(std::int32_t id) { return nodes_[static_cast<size_t>(id)]; }
  const Node& node(std::int32_t id) const { return nodes_[static_cast<size_t>(id)]; }
  MatrixMap value(Var v) {
    Node& n = node(v);
    return {n.value, n.shape.rows, n.shape.cols};
  }
  ConstMatrixMap value(Var v) const {
    const Node& n = node(v);
    return {n.value, n.shape.rows, n.shape.cols};
  }

 private:
  Node& push(Op op, Shape shape);
  void prepare_gradients(std::int32_t last);
  void backward_node(Node& n);
  void check_owned(Var v, const char* what) const;

  std::vector<Node> nodes_;
  size_t size_ = 0;
};

/// The tape that all of `vars` were recorded on; throws if they differ or none is recorded.
Tape& tape_of(std::initializer_list<Var> vars, const char* op);

}  // namespace rl::nn
