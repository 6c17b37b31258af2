// Errors at the public boundary of the network core: one exception type whose message names the
// bad value and the fix, and a formatting helper so call sites stay one line.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "nn/tensor.hpp"

namespace rl::nn {

/// Thrown for bad shapes, bad arguments and mismatched checkpoints.
class Error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Concatenates any streamable values into a message.
template <class... Parts>
std::string message(Parts&&... parts) {
  std::ostringstream out;
  (out << ... << std::forward<Parts>(parts));
  return out.str();
}

inline std::ostream& operator<<(std::ostream& out, const Shape& s) {
  return out << '(' << s.rows << ", " << s.cols << ')';
}

/// Throws Error(message(parts...)) when cond is false; the message is built only on failure.
template <class... Parts>
void check(bool cond, Parts&&... parts) {
  if (!cond) [[unlikely]] {
    throw Error(message(std::forward<Parts>(parts)...));
  }
}

}  // namespace rl::nn
