#include "nn/layers/linear.hpp"

#include "nn/ops/linear.hpp"

namespace rl::nn {

Linear Linear::create(ParamStore& store, const std::string& name, Index in_features,
                      Index out_features, Rng& rng, Init weight_init, Init bias_init, bool bias) {
  Linear layer;
  layer.has_bias = bias;
  layer.weight = store.add(name + ".weight", out_features, in_features);
  initialize(store.value(layer.weight), weight_init, rng);
  if (bias) {
    layer.bias = store.add(name + ".bias", 1, out_features);
    initialize(store.value(layer.bias), bias_init, rng, in_features);
  }
  return layer;
}

Var Linear::forward(Tape& tape, ParamStore& store, Var x) const {
  Var w = tape.parameter(store, weight);
  if (!has_bias) {
    return linear(x, w);
  }
  return linear(x, w, tape.parameter(store, bias));
}

void Linear::predict(const ParamStore& store, const ConstMatrixMap& x, const MatrixMap& y) const {
  linear_forward(x, store.value(weight),
                 has_bias ? store.value(bias) : ConstMatrixMap(nullptr, 0, 0), y);
}

}  // namespace rl::nn
