// A fully connected layer y = x W^T + b with its parameters in a ParamStore (nn.Linear).
#pragma once

#include <string>

#include "nn/init.hpp"
#include "nn/params.hpp"
#include "nn/tape.hpp"

namespace rl::nn {

struct Linear {
  Param weight;  ///< (out_features, in_features)
  Param bias;  ///< (1, out_features); size 0 without bias
  bool has_bias = true;

  /// Adds "<name>.weight" and "<name>.bias" to store and initialises them. The bias initialiser
  /// uses the layer's fan-in, so the defaults reproduce PyTorch's nn.Linear initialisation.
  static Linear create(ParamStore& store, const std::string& name, Index in_features,
                       Index out_features, Rng& rng, Init weight_init = Init::torch_default(),
                       Init bias_init = Init::torch_default(), bool bias = true);

  Index in_features() const { return weight.cols; }
  Index out_features() const { return weight.rows; }

  /// Records y = x W^T + b on the tape.
  Var forward(Tape& tape, ParamStore& store, Var x) const;
  /// Inference without a tape; y must be (batch, out_features).
  void predict(const ParamStore& store, const ConstMatrixMap& x, const MatrixMap& y) const;
};

}  // namespace rl::nn
