// The network core reports errors with rl::Error (core/error.hpp); this adds shape printing.
#pragma once

#include <ostream>

#include "core/error.hpp"
#include "nn/tensor.hpp"

namespace rl::nn {

using rl::check;
using rl::Error;
using rl::message;

inline std::ostream& operator<<(std::ostream& out, const Shape& s) {
  return out << '(' << s.rows << ", " << s.cols << ')';
}

}  // namespace rl::nn
