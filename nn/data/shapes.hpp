// A procedurally generated image-classification data set: one shape per small grayscale image
// (square outline, disc, triangle, plus sign or X), at a random size, position and brightness,
// with Gaussian pixel noise. Used by the CNN demo and tests; any seed gives a fresh sample.
#pragma once

#include <cstdint>
#include <vector>

#include "nn/tensor.hpp"

namespace rl::nn {

/// Labelled examples: inputs (N, features) and one class index per row.
struct Dataset {
  Matrix inputs;
  std::vector<std::int32_t> labels;
  Index classes = 0;
  ImageShape image;  ///< how each row is laid out when the inputs are images
  Index size() const { return inputs.rows(); }
};

struct ShapesConfig {
  Index count = 1000;  ///< number of images
  Index image_size = 12;  ///< images are image_size x image_size, one channel
  double noise = 0.15;  ///< standard deviation of the added pixel noise
  std::uint64_t seed = 0;  ///< the same seed gives the same images
};

constexpr Index kShapeClasses = 5;
/// Name of class k of the shapes data set.
const char* shape_name(std::int32_t k);

Dataset make_shapes(const ShapesConfig& config);

}  // namespace rl::nn
