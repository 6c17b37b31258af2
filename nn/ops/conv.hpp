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

/// Unfolds the receptive fields into columns: cols is (C*K*K, B*OH*OW), one row per kernel tap
/// (channel, ki, kj), one column per output position, zero where the window covers padding.
void im2col(const Conv2dGeometry& g, const ConstMatrixMap& x, Matrix& cols);
/// y = the convolution, given cols = im2col(x); b may be a null map. product is scratch space
/// for the (F, B*OH*OW) result of the one matrix product.
void conv2d_forward(const Conv2dGeometry& g, const Matrix& cols, const ConstMatrixMap& w,
                    const ConstMatrixMap& b, Matrix& product, MatrixMap y);
/// scratch: reusable space for the output gradient and the column gradient.
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
