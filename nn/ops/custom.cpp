#include "nn/ops/custom.hpp"

#include <array>

#include "nn/error.hpp"

namespace rl::nn {

Var custom(const CustomOp& op, std::initializer_list<Var> inputs, Shape output_shape) {
  check(inputs.size() >= 1 && inputs.size() <= Node::kMaxInputs, "custom op '", op.name,
        "': takes 1 to ", Node::kMaxInputs, " inputs, got ", inputs.size());
  check(op.forward != nullptr && op.backward != nullptr, "custom op '", op.name,
        "': both forward and backward must be set");
  check(output_shape.rows > 0 && output_shape.cols > 0, "custom op '", op.name, "': output shape ",
        output_shape, " must be positive");
  Tape& tape = tape_of(inputs, op.name);
  OpArgs args;
  args.custom = &op;
  Var y = tape.record(Op::kCustom, inputs, output_shape, args);
  const Var* in = inputs.begin();
  const size_t n = inputs.size();
  const ConstMatrixMap none(nullptr, 0, 0);
  const std::array<ConstMatrixMap, Node::kMaxInputs> values{
      in[0].value(), n > 1 ? in[1].value() : none, n > 2 ? in[2].value() : none};
  op.forward(std::span(values.data(), n), tape.value(y));
  return y;
}

}  // namespace rl::nn
