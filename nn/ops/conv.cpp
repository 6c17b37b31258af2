#include "nn/ops/conv.hpp"

#include "nn/error.hpp"

namespace rl::nn {

void validate(const Conv2dGeometry& g) {
  check(g.in_channels > 0 && g.height > 0 && g.width > 0, "conv2d: input shape (", g.in_channels,
        ", ", g.height, ", ", g.width, ") must be positive (channels, height, width)");
  check(g.out_channels > 0, "conv2d: out_channels = ", g.out_channels, " must be positive");
  check(g.kernel > 0 && g.stride > 0 && g.padding >= 0, "conv2d: kernel = ", g.kernel,
        ", stride = ", g.stride, ", padding = ", g.padding,
        " need kernel > 0, stride > 0, padding >= 0");
  check(g.kernel <= g.height + 2 * g.padding && g.kernel <= g.width + 2 * g.padding,
        "conv2d: kernel ", g.kernel, " is larger than the padded image (", g.height, " x ", g.width,
        " with padding ", g.padding, "); use a smaller kernel or more padding");
}

void validate(const Pool2dGeometry& g) {
  check(g.channels > 0 && g.height > 0 && g.width > 0, "max_pool2d: input shape (", g.channels,
        ", ", g.height, ", ", g.width, ") must be positive (channels, height, width)");
  check(g.kernel > 0 && g.stride > 0 && g.kernel <= g.height && g.kernel <= g.width,
        "max_pool2d: kernel ", g.kernel, " with stride ", g.stride, " does not fit a ", g.height,
        " x ", g.width, " image");
}

void im2col(const Conv2dGeometry& g, const ConstMatrixMap& x, Matrix& cols) {
  const Index oh = g.out_height();
  const Index ow = g.out_width();
  const Index k = g.kernel;
  cols.resize(x.rows() * oh * ow, g.patch_size());
  for (Index b = 0; b < x.rows(); ++b) {
    const Scalar* image = x.row(b).data();
    for (Index i = 0; i < oh; ++i) {
      for (Index j = 0; j < ow; ++j) {
        Scalar* patch = cols.row((b * oh + i) * ow + j).data();
        for (Index c = 0; c < g.in_channels; ++c) {
          for (Index ki = 0; ki < k; ++ki) {
            const Index row = i * g.stride - g.padding + ki;
            for (Index kj = 0; kj < k; ++kj) {
              const Index col = j * g.stride - g.padding + kj;
              const bool inside = row >= 0 && row < g.height && col >= 0 && col < g.width;
              *patch++ = inside ? image[(c * g.height + row) * g.width + col] : Scalar(0);
            }
          }
        }
      }
    }
  }
}

// Per sample: y_b (F, OH*OW) = W (F, C*K*K) cols_b^T + b
void conv2d_forward(const Conv2dGeometry& g, const Matrix& cols, const ConstMatrixMap& w,
                    const ConstMatrixMap& b, MatrixMap y) {
  const Index spatial = g.out_height() * g.out_width();
  for (Index s = 0; s < y.rows(); ++s) {
    MatrixMap out(y.row(s).data(), g.out_channels, spatial);
    out.noalias() = w * cols.middleRows(s * spatial, spatial).transpose();
    if (b.data() != nullptr) {
      out.colwise() += b.row(0).transpose();
    }
  }
}

// Per sample: dW += dy_b cols_b,  db += row sums of dy_b,  dcols_b = dy_b^T W folded back into dx
void conv2d_backward(const Conv2dGeometry& g, const Matrix& cols, Matrix& scratch,
                     const ConstMatrixMap& w, const ConstMatrixMap& dy, MatrixMap dx, MatrixMap dw,
                     MatrixMap db) {
  const Index oh = g.out_height();
  const Index ow = g.out_width();
  const Index spatial = oh * ow;
  const Index k = g.kernel;
  for (Index s = 0; s < dy.rows(); ++s) {
    const ConstMatrixMap dout(dy.row(s).data(), g.out_channels, spatial);
    if (dw.data() != nullptr) {
      dw.noalias() += dout * cols.middleRows(s * spatial, spatial);
    }
    if (db.data() != nullptr) {
      db.row(0) += dout.rowwise().sum().transpose();
    }
    if (dx.data() == nullptr) {
      continue;
    }
    scratch.resize(spatial, g.patch_size());
    scratch.noalias() = dout.transpose() * w;
    Scalar* image = dx.row(s).data();
    for (Index i = 0; i < oh; ++i) {
      for (Index j = 0; j < ow; ++j) {
        const Scalar* patch = scratch.row(i * ow + j).data();
        for (Index c = 0; c < g.in_channels; ++c) {
          for (Index ki = 0; ki < k; ++ki) {
            const Index row = i * g.stride - g.padding + ki;
            for (Index kj = 0; kj < k; ++kj, ++patch) {
              const Index col = j * g.stride - g.padding + kj;
              if (row >= 0 && row < g.height && col >= 0 && col < g.width) {
                image[(c * g.height + row) * g.width + col] += *patch;
              }
            }
          }
        }
      }
    }
  }
}

void max_pool2d_forward(const Pool2dGeometry& g, const ConstMatrixMap& x, MatrixMap y,
                        std::vector<std::int32_t>* argmax) {
  const Index oh = g.out_height();
  const Index ow = g.out_width();
  if (argmax != nullptr) {
    argmax->resize(static_cast<size_t>(y.size()));
  }
  std::int32_t* best_at = argmax != nullptr ? argmax->data() : nullptr;
  for (Index b = 0; b < x.rows(); ++b) {
    const Scalar* image = x.row(b).data();
    Scalar* out = y.row(b).data();
    for (Index c = 0; c < g.channels; ++c) {
      for (Index i = 0; i < oh; ++i) {
        for (Index j = 0; j < ow; ++j) {
          Index best = (c * g.height + i * g.stride) * g.width + j * g.stride;
          for (Index ki = 0; ki < g.kernel; ++ki) {
            for (Index kj = 0; kj < g.kernel; ++kj) {
              const Index at = (c * g.height + i * g.stride + ki) * g.width + j * g.stride + kj;
              if (image[at] > image[best]) {
                best = at;
              }
            }
          }
          *out++ = image[best];
          if (best_at != nullptr) {
            *best_at++ = static_cast<std::int32_t>(best);
          }
        }
      }
    }
  }
}

void max_pool2d_backward(const std::vector<std::int32_t>& argmax, const ConstMatrixMap& dy,
                         MatrixMap dx) {
  if (dx.data() == nullptr) {
    return;
  }
  const std::int32_t* best_at = argmax.data();
  for (Index b = 0; b < dy.rows(); ++b) {
    for (Index j = 0; j < dy.cols(); ++j) {
      dx(b, *best_at++) += dy(b, j);
    }
  }
}

namespace {
Var record_conv2d(std::initializer_list<Var> inputs, Var x, Var w, const ConstMatrixMap& b,
                  const Conv2dGeometry& g) {
  Tape& tape = tape_of(inputs, "conv2d");
  validate(g);
  check(x.cols() == g.in_features(), "conv2d: input has ", x.cols(), " features per sample but (",
        g.in_channels, ", ", g.height, ", ", g.width, ") images need ", g.in_features());
  check(w.rows() == g.out_channels && w.cols() == g.patch_size(), "conv2d: weight has shape ",
        w.shape(), " but the geometry needs (", g.out_channels, ", ", g.patch_size(),
        ") = (out_channels, in_channels * kernel * kernel)");
  check(b.data() == nullptr || (b.rows() == 1 && b.cols() == g.out_channels),
        "conv2d: bias must be (1, ", g.out_channels, ")");
  OpArgs args;
  args.conv = g;
  Var y = tape.record(Op::kConv2d, inputs, {x.rows(), g.out_features()}, args);
  Node& n = tape.node(y);
  im2col(g, x.value(), n.saved);
  conv2d_forward(g, n.saved, w.value(), b, tape.value(y));
  return y;
}
}  // namespace

Var conv2d(Var x, Var w, Var b, const Conv2dGeometry& geometry) {
  return record_conv2d({x, w, b}, x, w, b.value(), geometry);
}

Var conv2d(Var x, Var w, const Conv2dGeometry& geometry) {
  return record_conv2d({x, w}, x, w, ConstMatrixMap(nullptr, 0, 0), geometry);
}

Var max_pool2d(Var x, const Pool2dGeometry& geometry) {
  Tape& tape = tape_of({x}, "max_pool2d");
  validate(geometry);
  check(x.cols() == geometry.in_features(), "max_pool2d: input has ", x.cols(),
        " features per sample but (", geometry.channels, ", ", geometry.height, ", ",
        geometry.width, ") images need ", geometry.in_features());
  OpArgs args;
  args.pool = geometry;
  Var y = tape.record(Op::kMaxPool2d, {x}, {x.rows(), geometry.out_features()}, args);
  Node& n = tape.node(y);
  max_pool2d_forward(geometry, x.value(), tape.value(y), &n.indices);
  return y;
}

}  // namespace rl::nn
