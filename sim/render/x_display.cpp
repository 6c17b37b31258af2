// Window::display_problem() and XConnection: the only code that includes Xlib.
#include "sim/render/x_display.hpp"

#include <chrono>
#include <cstdlib>
#include <thread>

#include "core/error.hpp"
#include "sim/render/window.hpp"
#include <X11/Xlib.h>

namespace rl::sim {

namespace {

constexpr int kConnectAttempts = 20;
constexpr std::chrono::milliseconds kBetweenAttempts{50};

}  // namespace

XConnection::XConnection() {
  const char* name = std::getenv("DISPLAY");
  if (name == nullptr || name[0] == '\0') {
    return;
  }
  for (int attempt = 0; attempt < kConnectAttempts && display_ == nullptr; ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(kBetweenAttempts);
    }
    display_ = XOpenDisplay(name);
  }
}

XConnection::~XConnection() {
  if (display_ != nullptr) {
    XCloseDisplay(static_cast<::Display*>(display_));
  }
}

std::optional<std::string> XConnection::problem() const {
  if (connected()) {
    return std::nullopt;
  }
  const char* name = std::getenv("DISPLAY");
  if (name == nullptr || name[0] == '\0') {
    return message("no X display (DISPLAY is not set): ", kHowToRunWithoutDisplay);
  }
  return message(
      "cannot open the X display DISPLAY=", name,
      " (no X server answers there, or it refuses the connection): ", kHowToRunWithoutDisplay);
}

std::optional<std::string> Window::display_problem() {
  return XConnection().problem();
}

}  // namespace rl::sim
