// The one numeric type of the network core: row-major (batch x features) matrices of Scalar.
// Scalar is float; the gradient-check build compiles the same sources with RL_NN_DOUBLE.
#pragma once

#include <cstdint>

#include <Eigen/Core>

namespace rl::nn {

#ifdef RL_NN_DOUBLE
using Scalar = double;
#else
using Scalar = float;
#endif

using Index = Eigen::Index;
using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
using RowVector = Eigen::Matrix<Scalar, 1, Eigen::Dynamic>;
using MatrixMap = Eigen::Map<Matrix>;
using ConstMatrixMap = Eigen::Map<const Matrix>;
using ArrayMap = Eigen::Map<Eigen::Array<Scalar, Eigen::Dynamic, 1>>;
using ConstArrayMap = Eigen::Map<const Eigen::Array<Scalar, Eigen::Dynamic, 1>>;
/// Read-only view of any contiguous row-major matrix (Matrix, Map, or a block of whole rows).
using ConstMatrixRef = Eigen::Ref<const Matrix>;

/// Rows and columns of a 2-D value; images are stored flattened as (batch, channels*height*width).
struct Shape {
  Index rows = 0;
  Index cols = 0;
  Index size() const { return rows * cols; }
  bool operator==(const Shape&) const = default;
};

/// Channels, height and width of images stored flat as (batch, channels*height*width), NCHW.
struct ImageShape {
  Index channels = 0;
  Index height = 0;
  Index width = 0;
  Index size() const { return channels * height * width; }
  bool operator==(const ImageShape&) const = default;
};

}  // namespace rl::nn
