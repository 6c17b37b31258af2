// The X display SFML windows open on, checked and held through Xlib without letting Xlib's
// macros (None, Status, Bool, ...) meet SFML's names: Xlib is included only in x_display.cpp.
#pragma once

#include <optional>
#include <string>

namespace rl::sim {

/// What every "no display" message ends with: how to run a viewer anyway.
inline constexpr const char* kHowToRunWithoutDisplay =
    "run it under a virtual display with `xvfb-run -a rl ...`, or record to a file with "
    "`rl record`";

/// A connection to the X display named by DISPLAY. Windows hold one while SFML opens its own:
/// an X server such as Xvfb resets when its last client leaves, and a client connecting during
/// the reset fails (SFML then aborts). Connecting retries for about a second for that reason.
class XConnection {
 public:
  XConnection();
  ~XConnection();
  XConnection(const XConnection&) = delete;
  XConnection& operator=(const XConnection&) = delete;

  bool connected() const { return display_ != nullptr; }
  /// Why there is no connection, with the fix; nothing when connected.
  std::optional<std::string> problem() const;

 private:
  void* display_ = nullptr;  // ::Display*
};

}  // namespace rl::sim
