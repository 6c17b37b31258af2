#include "nn/tape.hpp"

#include <utility>

#include "nn/error.hpp"
#include "nn/functional.hpp"

namespace rl::nn {

namespace {
constexpr size_t kInitialNodes = 256;
}

ConstMatrixMap Var::value() const {
  return std::as_const(*tape).value(*this);
}

ConstMatrixMap Var::grad() const {
  const Node& n = tape->node(*this);
  check(n.requires_grad && n.grad != nullptr, "Var::grad: this ", op_name(n.op),
        " value has no gradient; create it with tape.variable(...) or from parameters and call "
        "tape.backward(loss) first");
  return {n.grad, n.shape.rows, n.shape.cols};
}

Shape Var::shape() const {
  return tape->node(*this).shape;
}
bool Var::requires_grad() const {
  return tape->node(*this).requires_grad;
}

Scalar Var::item() const {
  const Node& n = tape->node(*this);
  check(n.shape.size() == 1, "Var::item: the ", op_name(n.op), " value has shape ", n.shape,
        "; item() needs a (1, 1) value, reduce it with sum() or mean() first");
  return n.value[0];
}

Tape& tape_of(std::initializer_list<Var> vars, const char* op) {
  Tape* tape = nullptr;
  for (const Var& v : vars) {
    check(v.tape != nullptr && v.id >= 0 && v.id < v.tape->size(), op,
          ": an input is not a value recorded on a live tape (it may predate tape.clear())");
    check(tape == nullptr || tape == v.tape, op,
          ": inputs come from different tapes; record all of them on one tape");
    tape = v.tape;
  }
  check(tape != nullptr, op, ": needs at least one input");
  return *tape;
}

Tape::Tape() {
  nodes_.reserve(kInitialNodes);
}

Node& Tape::push(Op op, Shape shape) {
  if (size_ == nodes_.size()) {
    nodes_.emplace_back();
  }
  Node& n = nodes_[size_++];
  n.op = op;
  n.shape = shape;
  n.num_inputs = 0;
  n.inputs = {-1, -1, -1};
  n.requires_grad = false;
  n.owns_grad = true;
  n.grad = nullptr;
  n.args = OpArgs{};
  return n;
}

Var Tape::constant(const ConstMatrixRef& x) {
  Node& n = push(Op::kConstant, {x.rows(), x.cols()});
  n.value_buffer = x;  // same size as last time: no allocation
  n.value = n.value_buffer.data();
  return {this, static_cast<std::int32_t>(size_ - 1)};
}

Var Tape::variable(const ConstMatrixRef& x) {
  Var v = constant(x);
  Node& n = node(v);
  n.op = Op::kVariable;
  n.requires_grad = true;
  return v;
}

Var Tape::parameter(ParamStore& store, Param p) {
  check(p.offset >= 0 && p.offset + p.size() <= store.size(),
        "Tape::parameter: the parameter lies outside its store (offset ", p.offset, ", size ",
        p.size(), ", store size ", store.size(), "); use a Param returned by this store's add()");
  Node& n = push(Op::kParameter, p.shape());
  n.value = store.values().data() + p.offset;
  n.grad = store.grads().data() + p.offset;
  n.owns_grad = false;
  n.requires_grad = true;
  return {this, static_cast<std::int32_t>(size_ - 1)};
}

Var Tape::record(Op op, std::initializer_list<Var> inputs, Shape shape, const OpArgs& args) {
  Node& n = push(op, shape);
  for (const Var& in : inputs) {
    n.inputs[static_cast<size_t>(n.num_inputs++)] = in.id;
    n.requires_grad = n.requires_grad || node(in).requires_grad;
  }
  n.args = args;
  n.value_buffer.resize(shape.rows, shape.cols);
  n.value = n.value_buffer.data();
  return {this, static_cast<std::int32_t>(size_ - 1)};
}

Var Tape::record_view(Op op, Var input, Shape shape, bool requires_grad) {
  const Scalar* data = node(input).value;
  Node& n = push(op, shape);
  n.inputs[0] = input.id;
  n.num_inputs = 1;
  n.value = const_cast<Scalar*>(data);
  n.owns_grad = false;
  n.requires_grad = requires_grad;
  return {this, static_cast<std::int32_t>(size_ - 1)};
}

void Tape::check_owned(Var v, const char* what) const {
  check(v.tape == this && v.id >= 0 && v.id < size(), what,
        ": the value was not recorded on this tape since its last clear()");
}

void Tape::prepare_gradients(std::int32_t last) {
  for (std::int32_t i = 0; i <= last; ++i) {
    Node& n = node(i);
    if (!n.requires_grad || n.op == Op::kParameter) {
      continue;
    }
    if (n.owns_grad) {
      n.grad_buffer.setZero(n.shape.rows, n.shape.cols);
      n.grad = n.grad_buffer.data();
    } else {  // a view shares its input's gradient storage
      n.grad = node(n.inputs[0]).grad;
    }
  }
}

void Tape::backward(Var loss) {
  check_owned(loss, "Tape::backward");
  const Node& n = node(loss);
  check(n.shape.size() == 1, "Tape::backward: the loss has shape ", n.shape,
        "; pass a (1, 1) value (reduce with mean() or sum()) or give the output gradient");
  const Scalar one = 1;
  backward(loss, ConstMatrixMap(&one, 1, 1));
}

void Tape::backward(Var output, const ConstMatrixRef& output_grad) {
  check_owned(output, "Tape::backward");
  Node& out = node(output);
  check(out.requires_grad, "Tape::backward: the ", op_name(out.op),
        " output does not depend on any parameter or variable, so there is nothing to "
        "differentiate");
  check(output_grad.rows() == out.shape.rows && output_grad.cols() == out.shape.cols,
        "Tape::backward: output gradient has shape ", Shape{output_grad.rows(), output_grad.cols()},
        " but the output has shape ", out.shape);
  prepare_gradients(output.id);
  MatrixMap(out.grad, out.shape.rows, out.shape.cols) += output_grad;
  for (std::int32_t i = output.id; i >= 0; --i) {
    Node& n = node(i);
    if (n.requires_grad) {
      backward_node(n);
    }
  }
}

namespace {

/// Unpacks a node's inputs, output and gradients into the maps the op kernels take.
struct Operands {
  Tape& tape;
  const Node& n;
  ConstMatrixMap in(int k) const {
    const Node& x = tape.node(n.inputs[static_cast<size_t>(k)]);
    return {x.value, x.shape.rows, x.shape.cols};
  }
  /// dL/d(input k), or a null map when input k needs no gradient.
  MatrixMap din(int k) const {
    const Node& x = tape.node(n.inputs[static_cast<size_t>(k)]);
    if (!x.requires_grad) {
      return {nullptr, 0, 0};
    }
    return {x.grad, x.shape.rows, x.shape.cols};
  }
  bool has(int k) const { return n.num_inputs > k; }
  ConstMatrixMap y() const { return {n.value, n.shape.rows, n.shape.cols}; }
  ConstMatrixMap dy() const { return {n.grad, n.shape.rows, n.shape.cols}; }
  ConstMatrixMap none() const { return {nullptr, 0, 0}; }
  MatrixMap no_grad() const { return {nullptr, 0, 0}; }
};

}  // namespace

// The backward table: one line per op, each calling the op's backward kernel, which sits beside
// its forward in nn/ops/. Kernels accumulate (+=) into input gradients.
void Tape::backward_node(Node& n) {
  const Operands o{*this, n};
  switch (n.op) {
    case Op::kConstant:
    case Op::kVariable:
    case Op::kParameter:
    case Op::kReshape:  // shares its input's gradient storage
    case Op::kStopGradient:  // never requires a gradient
      return;
    case Op::kLinear:
      linear_backward(o.in(0), o.in(1), o.dy(), o.din(0), o.din(1),
                      o.has(2) ? o.din(2) : o.no_grad());
      return;
    case Op::kMatmul: matmul_backward(o.in(0), o.in(1), o.dy(), o.din(0), o.din(1)); return;
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
    case Op::kDiv:
    case Op::kMinimum:
    case Op::kMaximum:
      broadcast_backward(n.op, o.in(0), o.in(1), o.dy(), o.din(0), o.din(1));
      return;
    case Op::kAddScalar:
    case Op::kMulScalar:
    case Op::kPow:
    case Op::kClamp:
    case Op::kNeg:
    case Op::kExp:
    case Op::kLog:
    case Op::kSqrt:
    case Op::kSquare:
    case Op::kAbs:
    case Op::kRelu:
    case Op::kLeakyRelu:
    case Op::kElu:
    case Op::kTanh:
    case Op::kSigmoid:
    case Op::kSoftplus: pointwise_backward(n.op, n.args, o.in(0), o.y(), o.dy(), o.din(0)); return;
    case Op::kSoftmax: softmax_backward(o.y(), o.dy(), o.din(0)); return;
    case Op::kLogSoftmax: log_softmax_backward(o.y(), o.dy(), o.din(0)); return;
    case Op::kSum: sum_backward(n.args.dim, o.dy(), o.din(0)); return;
    case Op::kMean: mean_backward(n.args.dim, o.dy(), o.din(0)); return;
    case Op::kGather: gather_backward(n.indices, o.dy(), o.din(0)); return;
    case Op::kConcat: concat_backward(n.args.dim, o.dy(), o.din(0), o.din(1)); return;
    case Op::kConv2d:
      conv2d_backward(n.args.conv, n.saved, n.scratch, o.in(1), o.dy(), o.din(0), o.din(1),
                      o.has(2) ? o.din(2) : o.no_grad());
      return;
    case Op::kMaxPool2d: max_pool2d_backward(n.indices, o.dy(), o.din(0)); return;
    case Op::kDropout: dropout_backward(n.saved, o.dy(), o.din(0)); return;
    case Op::kLayerNorm:
      layer_norm_backward(o.in(0), o.in(1), n.saved, o.dy(), o.din(0), o.din(1), o.din(2));
      return;
    case Op::kMseLoss: mse_loss_backward(o.in(0), o.in(1), o.dy(), o.din(0), o.din(1)); return;
    case Op::kHuberLoss:
      huber_loss_backward(n.args.alpha, o.in(0), o.in(1), o.dy(), o.din(0), o.din(1));
      return;
    case Op::kCrossEntropy: cross_entropy_backward(n.saved, n.indices, o.dy(), o.din(0)); return;
    case Op::kCategoricalLogProb:
      categorical_log_prob_backward(n.saved, n.indices, o.dy(), o.din(0));
      return;
    case Op::kCategoricalEntropy:
      categorical_entropy_backward(n.saved, o.y(), o.dy(), o.din(0));
      return;
    case Op::kGaussianLogProb:
      gaussian_log_prob_backward(o.in(0), o.in(1), o.in(2), o.dy(), o.din(0), o.din(1), o.din(2));
      return;
    case Op::kGaussianEntropy: gaussian_entropy_backward(o.dy(), o.din(0)); return;
    case Op::kCustom: {
      const std::array<ConstMatrixMap, Node::kMaxInputs> inputs{o.has(0) ? o.in(0) : o.none(),
                                                                o.has(1) ? o.in(1) : o.none(),
                                                                o.has(2) ? o.in(2) : o.none()};
      std::array<MatrixMap, Node::kMaxInputs> grads{o.has(0) ? o.din(0) : o.no_grad(),
                                                    o.has(1) ? o.din(1) : o.no_grad(),
                                                    o.has(2) ? o.din(2) : o.no_grad()};
      const auto count = static_cast<size_t>(n.num_inputs);
      n.args.custom->backward(std::span(inputs.data(), count), o.y(), o.dy(),
                              std::span(grads.data(), count));
      return;
    }
  }
}

const char* op_name(Op op) {
  switch (op) {
    case Op::kConstant: return "constant";
    case Op::kVariable: return "variable";
    case Op::kParameter: return "parameter";
    case Op::kLinear: return "linear";
    case Op::kMatmul: return "matmul";
    case Op::kAdd: return "add";
    case Op::kSub: return "sub";
    case Op::kMul: return "mul";
    case Op::kDiv: return "div";
    case Op::kMinimum: return "minimum";
    case Op::kMaximum: return "maximum";
    case Op::kAddScalar: return "add_scalar";
    case Op::kMulScalar: return "mul_scalar";
    case Op::kPow: return "pow";
    case Op::kClamp: return "clamp";
    case Op::kNeg: return "neg";
    case Op::kExp: return "exp";
    case Op::kLog: return "log";
    case Op::kSqrt: return "sqrt";
    case Op::kSquare: return "square";
    case Op::kAbs: return "abs";
    case Op::kRelu: return "relu";
    case Op::kLeakyRelu: return "leaky_relu";
    case Op::kElu: return "elu";
    case Op::kTanh: return "tanh";
    case Op::kSigmoid: return "sigmoid";
    case Op::kSoftplus: return "softplus";
    case Op::kSoftmax: return "softmax";
    case Op::kLogSoftmax: return "log_softmax";
    case Op::kSum: return "sum";
    case Op::kMean: return "mean";
    case Op::kGather: return "gather";
    case Op::kConcat: return "concat";
    case Op::kReshape: return "reshape";
    case Op::kStopGradient: return "stop_gradient";
    case Op::kConv2d: return "conv2d";
    case Op::kMaxPool2d: return "max_pool2d";
    case Op::kDropout: return "dropout";
    case Op::kLayerNorm: return "layer_norm";
    case Op::kMseLoss: return "mse_loss";
    case Op::kHuberLoss: return "huber_loss";
    case Op::kCrossEntropy: return "cross_entropy";
    case Op::kCategoricalLogProb: return "categorical_log_prob";
    case Op::kCategoricalEntropy: return "categorical_entropy";
    case Op::kGaussianLogProb: return "gaussian_log_prob";
    case Op::kGaussianEntropy: return "gaussian_entropy";
    case Op::kCustom: return "custom";
  }
  return "unknown";
}

}  // namespace rl::nn
