// A scene described as data: shapes in world coordinates that an environment's draw hook fills and
// a renderer (an SFML window or an offscreen image) turns into pixels. Nothing here draws, so
// environments and tests never depend on a graphics library.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace rl::sim {

struct Vec2 {
  double x = 0;
  double y = 0;
};

struct Color {
  std::uint8_t r = 0;
  std::uint8_t g = 0;
  std::uint8_t b = 0;
  std::uint8_t a = 255;
};

/// A straight segment `width` world units thick.
struct Segment {
  Vec2 from;
  Vec2 to;
  double width = 0;  ///< 0 draws a hairline
  Color color;
};

/// Connected segments through `points`, optionally closed.
struct Polyline {
  std::vector<Vec2> points;
  double width = 0;
  Color color;
  bool closed = false;
};

/// A filled convex or concave polygon.
struct Polygon {
  std::vector<Vec2> points;
  Color fill;
};

struct Circle {
  Vec2 center;
  double radius = 0;
  Color fill;
};

/// Text anchored at its top-left corner; size is the line height in world units.
struct Text {
  Vec2 position;
  std::string text;
  double size = 0;
  Color color;
};

using Shape = std::variant<Segment, Polyline, Polygon, Circle, Text>;

/// What to draw for one frame: the visible world rectangle (y up), a background and shapes painted
/// in order. Renderers keep the aspect ratio of the world rectangle.
struct DrawList {
  Vec2 world_min{-1, -1};
  Vec2 world_max{1, 1};
  Color background{255, 255, 255, 255};
  std::vector<Shape> shapes;

  void clear() { shapes.clear(); }
  void add(Shape shape) { shapes.push_back(std::move(shape)); }
};

}  // namespace rl::sim
