// Pixels: what the renderer produces and what recorders and windows consume.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/draw_list.hpp"

namespace rl::sim {

/// An RGBA image, 8 bits per channel, rows top to bottom, alpha always 255.
struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgba;  ///< width * height * 4 bytes

  void resize(int new_width, int new_height) {
    width = new_width;
    height = new_height;
    rgba.assign(static_cast<size_t>(width) * static_cast<size_t>(height) * 4, 0);
  }
  Color at(int x, int y) const {
    const std::uint8_t* p =
        &rgba[(static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)) * 4];
    return {p[0], p[1], p[2], p[3]};
  }
};

}  // namespace rl::sim
