// 2-D convolution (cross-correlation, as PyTorch's nn.Conv2d) and max pooling over images stored
// flat as (batch, channels*height*width) in NCHW order, so flatten() after them matches PyTorch.
#pragma once

#include <cstdint>
#include <vector>

#include "nn/tape.hpp"

namespace rl::nn {

/// x: (B, C*H*W), w: (F, C*K*K), b: (1, F) -> (B, F*OH*OW).
Var conv2d(Var x, Var w, Var b, const Conv2dGeometry& geometry);
/// Convolution without bias.
Var conv2d(Var x, Var w, const Conv2dGeometry& geometry);
/// x: (B, C*H*W) -> (B, C*OH*OW), the maximum of each kernel x kernel window.
Var max_pool2d(Var x, const Pool2dGeometry& geometry);

/// Throws naming the bad field if the geometry is impossible (e.g. kernel larger than the image).
void validate(const Conv2dGeometry& g);
void validate(const Pool2dGeometry& g);

/// Unfolds every receptive field into a row: cols is (B*OH*OW, C*K*K), zero where padded.
void im2col(const Conv2dGeometry& g, const ConstMatrixMap& x, Matrix& cols);
/// cols: the im2col of x (computed by the forward). b may be a null map.
void conv2d_forward(const Conv2dGeometry& g, const Matrix& cols, const ConstMatrixMap& w,
                    const ConstMatrixMap& b, MatrixMap y);
/// scratch: reusable space for one sample's column gradient.
void conv2d_backward(const Conv2dGeometry& g, const Matrix& cols, Matrix& scratch,
                     const ConstMatrixMap& w, const ConstMatrixMap& dy, MatrixMap dx, MatrixMap dw,
                     MatrixMap db);
/// argmax (when not null) receives, per output element, the position of the maximum within its
/// input row, for the backward.
void max_pool2d_forward(const Pool2dGeometry& g, const ConstMatrixMap& x, MatrixMap y,
                        std::vector<std::int32_t>* argmax);
void max_pool2d_backward(const std::vector<std::int32_t>& argmax, const ConstMatrixMap& dy,
                         MatrixMap dx);

}  // namespace rl::nn
