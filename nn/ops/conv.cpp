#include "nn/ops/conv.hpp"

#include <algorithm>

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

namespace {

/// The output columns j whose input column j * stride - padding + kj lies inside [0, width).
struct ValidColumns {
  Index first;
  Index end;
};
ValidColumns valid_columns(const Conv2dGeometry& g, Index kj) {
  const Index offset = kj - g.padding;  // input column = j * stride + offset
  const Index first = offset >= 0 ? 0 : (-offset + g.stride - 1) / g.stride;
  const Index last_input = g.width - 1 - offset;  // j * stride <= last_input
  const Index end = last_input < 0 ? 0 : std::min(g.out_width(), last_input / g.stride + 1);
  return {std::min(first, end), end};
}

/// Calls f(input_row_pointer_offset, output_column_offset) for every (kernel tap, sample, output
/// row) whose input row is inside the image, where the tap reads input element
/// base + j * stride for output columns j in [columns.first, columns.end); rows of taps that
/// fall in the padding are passed to pad(output_column_offset).
template <class Inside, class Padding>
void for_each_tap_row(const Conv2dGeometry& g, Index batch, Inside&& inside, Padding&& pad) {
  const Index oh = g.out_height();
  const Index ow = g.out_width();
  const Index spatial = oh * ow;
  for (Index c = 0; c < g.in_channels; ++c) {
    for (Index ki = 0; ki < g.kernel; ++ki) {
      for (Index kj = 0; kj < g.kernel; ++kj) {
        const Index tap = (c * g.kernel + ki) * g.kernel + kj;
        const ValidColumns columns = valid_columns(g, kj);
        for (Index b = 0; b < batch; ++b) {
          for (Index i = 0; i < oh; ++i) {
            const Index out = b * spatial + i * ow;
            const Index row = i * g.stride - g.padding + ki;
            if (row < 0 || row >= g.height) {
              pad(tap, out);
              continue;
            }
            const Index in = (c * g.height + row) * g.width + kj - g.padding;
            inside(tap, b, in, out, columns);
          }
        }
      }
    }
  }
}

}  // namespace

void im2col(const Conv2dGeometry& g, const ConstMatrixMap& x, Matrix& cols) {
  const Index ow = g.out_width();
  const Index s = g.stride;
  cols.resize(g.patch_size(), x.rows() * g.out_height() * ow);
  for_each_tap_row(
      g, x.rows(),
      [&](Index tap, Index b, Index in, Index out, ValidColumns columns) {
        const Scalar* src = x.row(b).data() + in;
        Scalar* dst = cols.row(tap).data() + out;
        std::fill(dst, dst + columns.first, Scalar(0));
        if (s == 1) {
          std::copy(src + columns.first, src + columns.end, dst + columns.first);
        } else {
          for (Index j = columns.first; j < columns.end; ++j) {
            dst[j] = src[j * s];
          }
        }
        std::fill(dst + columns.end, dst + ow, Scalar(0));
      },
      [&](Index tap, Index out) { std::fill_n(cols.row(tap).data() + out, ow, Scalar(0)); });
}

// product (F, B*OH*OW) = W (F, C*K*K) cols; then y(b, f*OH*OW + q) = product(f, b*OH*OW + q) + b_f
void conv2d_forward(const Conv2dGeometry& g, const Matrix& cols, const ConstMatrixMap& w,
                    const ConstMatrixMap& b, Matrix& product, MatrixMap y) {
  const Index spatial = g.out_height() * g.out_width();
  product.resize(g.out_channels, cols.cols());
  product.noalias() = w * cols;
  for (Index s = 0; s < y.rows(); ++s) {
    for (Index f = 0; f < g.out_channels; ++f) {
      const Scalar bias = b.data() != nullptr ? b(0, f) : Scalar(0);
      y.row(s).segment(f * spatial, spatial).array() =
          product.row(f).segment(s * spatial, spatial).array() + bias;
    }
  }
}

// With dout (F, B*OH*OW) gathered from dy:  dW += dout cols^T,  db += row sums of dout,
// dcols = W^T dout, folded back onto the input positions it was unfolded from.
void conv2d_backward(const Conv2dGeometry& g, const Matrix& cols, Matrix& scratch,
                     const ConstMatrixMap& w, const ConstMatrixMap& dy, MatrixMap dx, MatrixMap dw,
                     MatrixMap db) {
  const Index spatial = g.out_height() * g.out_width();
  const Index positions = cols.cols();
  const bool want_dx = dx.data() != nullptr;
  scratch.resize(g.out_channels + (want_dx ? g.patch_size() : 0), positions);
  auto dout = scratch.topRows(g.out_channels);
  for (Index s = 0; s < dy.rows(); ++s) {
    for (Index f = 0; f < g.out_channels; ++f) {
      dout.row(f).segment(s * spatial, spatial) = dy.row(s).segment(f * spatial, spatial);
    }
  }
  if (dw.data() != nullptr) {
    dw.noalias() += dout * cols.transpose();
  }
  if (db.data() != nullptr) {
    for (Index f = 0; f < g.out_channels; ++f) {
      db(0, f) += dout.row(f).sum();
    }
  }
  if (!want_dx) {
    return;
  }
  auto dcols = scratch.bottomRows(g.patch_size());
  dcols.noalias() = w.transpose() * dout;
  const Index stride = g.stride;
  for_each_tap_row(
      g, dy.rows(),
      [&](Index tap, Index b, Index in, Index out, ValidColumns columns) {
        Scalar* dst = dx.row(b).data() + in;
        const Scalar* src = dcols.row(tap).data() + out;
        for (Index j = columns.first; j < columns.end; ++j) {
          dst[j * stride] += src[j];
        }
      },
      [](Index, Index) {});
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
  conv2d_forward(g, n.saved, w.value(), b, n.scratch, tape.value(y));
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
