// What the render tests measure in an Image: how many colours, how much differs from the
// background, and where a dark shape (CartPole's cart) is.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <set>

#include "sim/render/image.hpp"

namespace rl::test {

inline std::uint32_t rgb(sim::Color c) {
  return (std::uint32_t{c.r} << 16) | (std::uint32_t{c.g} << 8) | c.b;
}

inline size_t distinct_colours(const sim::Image& image) {
  std::set<std::uint32_t> colours;
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      colours.insert(rgb(image.at(x, y)));
    }
  }
  return colours.size();
}

/// Largest difference between two colours over the three channels.
inline int colour_distance(sim::Color a, sim::Color b) {
  return std::max({std::abs(a.r - b.r), std::abs(a.g - b.g), std::abs(a.b - b.b)});
}

/// Fraction of the pixels more than `tolerance` away from `background` in some channel.
inline double fraction_not(const sim::Image& image, sim::Color background, int tolerance = 0) {
  size_t count = 0;
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      count += colour_distance(image.at(x, y), background) > tolerance;
    }
  }
  return static_cast<double>(count) / (static_cast<double>(image.width) * image.height);
}

inline bool near_black(sim::Color c) {
  return c.r < 64 && c.g < 64 && c.b < 64;
}

/// Centre x of the widest span of dark pixels (each channel under 128, i.e. mostly covered by
/// a black shape) over rows [first_row, last_row], or nothing if there are none. The widest span
/// rather than a centroid, so a shape drawn over part of the dark one (CartPole's pole swinging
/// across the cart) does not pull the answer sideways.
inline std::optional<double> dark_span_centre_x(const sim::Image& image, int first_row,
                                                int last_row) {
  int best_first = 0;
  int best_last = -1;
  for (int y = first_row; y <= last_row; ++y) {
    int first = image.width;
    int last = -1;
    for (int x = 0; x < image.width; ++x) {
      const sim::Color c = image.at(x, y);
      if (c.r < 128 && c.g < 128 && c.b < 128) {
        first = std::min(first, x);
        last = x;
      }
    }
    if (last - first > best_last - best_first) {
      best_first = first;
      best_last = last;
    }
  }
  return best_last >= best_first ? std::optional<double>((best_first + best_last + 1) / 2.0)
                                 : std::nullopt;
}

/// Where a world point lands when the world rectangle [world_min, world_max] is fitted into a
/// width x height image with its aspect ratio kept and centred, y up (the Canvas contract,
/// restated here so tests do not trust the code they check).
struct Fit {
  double scale = 1;
  double left = 0;
  double top = 0;
  Fit(sim::Vec2 world_min, sim::Vec2 world_max, int width, int height) {
    const double w = world_max.x - world_min.x;
    const double h = world_max.y - world_min.y;
    scale = std::min(width / w, height / h);
    left = (width - w * scale) / 2;
    top = (height - h * scale) / 2;
    world_left = world_min.x;
    world_top = world_max.y;
  }
  double x(double world_x) const { return left + (world_x - world_left) * scale; }
  double y(double world_y) const { return top + (world_top - world_y) * scale; }

 private:
  double world_left = 0;
  double world_top = 0;
};

}  // namespace rl::test
