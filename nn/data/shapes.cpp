#include "nn/data/shapes.hpp"

#include <algorithm>
#include <cmath>

#include "nn/error.hpp"
#include "nn/random.hpp"

namespace rl::nn {

namespace {

enum ShapeKind : std::int32_t { kSquare, kDisc, kTriangle, kPlus, kCross };

// Whether pixel (x, y), relative to the shape's top-left corner, is ink for a shape of side s.
bool ink(ShapeKind kind, double x, double y, double s) {
  const double c = (s - 1) / 2;  // centre
  switch (kind) {
    case kSquare:  // outline, one pixel thick
      return x == 0 || y == 0 || x == s - 1 || y == s - 1;
    case kDisc: return (x - c) * (x - c) + (y - c) * (y - c) <= (c + 0.3) * (c + 0.3);
    case kTriangle:  // apex at the top, base at the bottom
      return std::abs(x - c) <= y / 2 + 0.25;
    case kPlus: return std::abs(x - c) < 0.75 || std::abs(y - c) < 0.75;
    case kCross: return std::abs(x - y) < 0.75 || std::abs(x + y - (s - 1)) < 0.75;
  }
  return false;
}

}  // namespace

const char* shape_name(std::int32_t k) {
  static constexpr const char* kNames[] = {"square", "disc", "triangle", "plus", "cross"};
  return k >= 0 && k < kShapeClasses ? kNames[k] : "unknown";
}

Dataset make_shapes(const ShapesConfig& config) {
  check(config.count > 0, "make_shapes: count = ", config.count, " must be positive");
  check(config.image_size >= 8, "make_shapes: image_size = ", config.image_size,
        " must be at least 8 pixels");
  Rng rng(config.seed);
  const Index side = config.image_size;
  Dataset data;
  data.classes = kShapeClasses;
  data.image = {1, side, side};
  data.inputs.setZero(config.count, side * side);
  data.labels.resize(static_cast<size_t>(config.count));
  for (Index n = 0; n < config.count; ++n) {
    const auto kind = static_cast<ShapeKind>(rng.below(kShapeClasses));
    const auto s = static_cast<Index>(5 + rng.below(static_cast<std::uint64_t>(side - 6)));
    const auto top = static_cast<Index>(rng.below(static_cast<std::uint64_t>(side - s + 1)));
    const auto left = static_cast<Index>(rng.below(static_cast<std::uint64_t>(side - s + 1)));
    const double brightness = rng.uniform(0.6, 1.0);
    auto image = data.inputs.row(n);
    for (Index y = 0; y < s; ++y) {
      for (Index x = 0; x < s; ++x) {
        if (ink(kind, static_cast<double>(x), static_cast<double>(y), static_cast<double>(s))) {
          image((top + y) * side + left + x) = static_cast<Scalar>(brightness);
        }
      }
    }
    for (Index i = 0; i < image.size(); ++i) {
      image(i) += static_cast<Scalar>(rng.normal(0.0, config.noise));
    }
    data.labels[static_cast<size_t>(n)] = kind;
  }
  return data;
}

}  // namespace rl::nn
