// A 2-D convolution layer over flat NCHW images with its parameters in a ParamStore (nn.Conv2d).
#pragma once

#include <string>

#include "nn/init.hpp"
#include "nn/params.hpp"
#include "nn/tape.hpp"

namespace rl::nn {

struct Conv2d {
  Conv2dGeometry geometry;
  Param weight;  ///< (out_channels, in_channels * kernel * kernel)
  Param bias;  ///< (1, out_channels); size 0 without bias
  bool has_bias = true;

  /// Adds "<name>.weight" and "<name>.bias"; the defaults reproduce PyTorch's initialisation.
  static Conv2d create(ParamStore& store, const std::string& name, ImageShape input,
                       Index out_channels, Index kernel, Index stride, Index padding, Rng& rng,
                       Init weight_init = Init::torch_default(),
                       Init bias_init = Init::torch_default(), bool bias = true);

  ImageShape output_shape() const {
    return {geometry.out_channels, geometry.out_height(), geometry.out_width()};
  }

  Var forward(Tape& tape, ParamStore& store, Var x) const;
  /// Inference without a tape; cols and product are scratch space (see conv2d_forward).
  void predict(const ParamStore& store, const ConstMatrixMap& x, Matrix& cols, Matrix& product,
               const MatrixMap& y) const;
};

}  // namespace rl::nn
