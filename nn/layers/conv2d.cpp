#include "nn/layers/conv2d.hpp"

#include "nn/ops/conv.hpp"

namespace rl::nn {

Conv2d Conv2d::create(ParamStore& store, const std::string& name, ImageShape input,
                      Index out_channels, Index kernel, Index stride, Index padding, Rng& rng,
                      Init weight_init, Init bias_init, bool bias) {
  Conv2d layer;
  layer.geometry = {input.channels, input.height, input.width, out_channels,
                    kernel,         stride,       padding};
  validate(layer.geometry);
  layer.has_bias = bias;
  layer.weight = store.add(name + ".weight", out_channels, layer.geometry.patch_size());
  initialize(store.value(layer.weight), weight_init, rng);
  if (bias) {
    layer.bias = store.add(name + ".bias", 1, out_channels);
    initialize(store.value(layer.bias), bias_init, rng, layer.geometry.patch_size());
  }
  return layer;
}

Var Conv2d::forward(Tape& tape, ParamStore& store, Var x) const {
  Var w = tape.parameter(store, weight);
  if (!has_bias) {
    return conv2d(x, w, geometry);
  }
  return conv2d(x, w, tape.parameter(store, bias), geometry);
}

void Conv2d::predict(const ParamStore& store, const ConstMatrixMap& x, Matrix& cols,
                     Matrix& product, const MatrixMap& y) const {
  im2col(geometry, x, cols);
  conv2d_forward(geometry, cols, store.value(weight),
                 has_bias ? store.value(bias) : ConstMatrixMap(nullptr, 0, 0), product, y);
}

}  // namespace rl::nn
