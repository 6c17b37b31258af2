// User-defined ops: supply a forward and a backward (see CustomOp in nn/tape.hpp) and record them
// like any built-in op. The gradient check in tests/ applies to them as well.
#pragma once

#include <initializer_list>

#include "nn/tape.hpp"

namespace rl::nn {

/// Records op applied to 1 to 3 inputs, producing a value of the given shape.
Var custom(const CustomOp& op, std::initializer_list<Var> inputs, Shape output_shape);

}  // namespace rl::nn
