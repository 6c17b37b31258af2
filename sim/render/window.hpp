// An SFML window that shows Canvas images and reports keys. The only file that touches SFML's
// window and graphics modules; nothing here draws shapes itself.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/render/image.hpp"

namespace rl::sim {

enum class Key {
  other,
  space,
  enter,
  escape,
  left,
  right,
  up,
  down,
  plus,  ///< '+', '=' and keypad '+'
  minus,  ///< '-' and keypad '-'
  r,
  digit0,  ///< digit0 + n is the digit n (top row or keypad)
  digit1,
  digit2,
  digit3,
  digit4,
  digit5,
  digit6,
  digit7,
  digit8,
  digit9,
};

struct WindowEvent {
  enum class Type { key_pressed, key_released, closed, resized } type = Type::closed;
  Key key = Key::other;
  int width = 0;  ///< resized: the new size
  int height = 0;
};

class Window {
 public:
  /// Why no window can open here ("no X display: DISPLAY is not set ..." with the fix:
  /// `xvfb-run -a rl ...` or `rl record`), or nothing when one can. Checked without aborting,
  /// which SFML itself would do.
  static std::optional<std::string> display_problem();

  /// Opens a window of that size; throws rl::Error with display_problem() when there is none.
  Window(const std::string& title, int width, int height);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  bool is_open() const;
  void close();
  int width() const;
  int height() const;

  /// Shows the image (stretched if the window has a different size) and swaps buffers.
  void show(const Image& image);
  /// Events since the last call (never blocks). A closed event also closes the window.
  std::vector<WindowEvent> poll();
  /// Whether a key is held down now, from the press/release events seen by poll().
  bool held(Key key) const;
  /// Reads back what the window displays now (the frame buffer, not the last image given).
  Image capture();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rl::sim
