// Errors at the public boundaries of every library: one exception type whose message names the
// bad value and the fix, and helpers that keep each check to one line. Header-only; the one
// piece of code every library shares.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace rl {

/// Thrown for bad arguments, shapes, actions, options and mismatched checkpoints.
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

/// Throws Error(message(parts...)) when cond is false; the message is built only on failure.
template <class... Parts>
void check(bool cond, Parts&&... parts) {
  if (!cond) [[unlikely]] {
    throw Error(message(std::forward<Parts>(parts)...));
  }
}

}  // namespace rl
