// Weight initialisers, following torch.nn.init. fan_in and fan_out are read from the parameter's
// (out, in) layout; convolution weights are (out_channels, in_channels * kernel * kernel), which
// gives the same fans as PyTorch's 4-D weights.
#pragma once

#include "nn/random.hpp"
#include "nn/tensor.hpp"

namespace rl::nn {

/// Which initialiser, with its one argument (gain, or the constant value).
struct Init {
  enum class Kind {
    kConstant,  ///< every element = value
    kUniformFanIn,  ///< U(-1/sqrt(fan_in), 1/sqrt(fan_in)): PyTorch's default for nn.Linear
    kXavierUniform,  ///< U(-a, a), a = gain sqrt(6 / (fan_in + fan_out))  (Glorot & Bengio 2010)
    kXavierNormal,  ///< N(0, gain^2 2 / (fan_in + fan_out))
    kKaimingUniform,  ///< U(-a, a), a = gain sqrt(3 / fan_in)  (He et al. 2015)
    kKaimingNormal,  ///< N(0, gain^2 / fan_in)
    kOrthogonal,  ///< gain times a random (semi-)orthogonal matrix (Saxe et al. 2014)
  };
  Kind kind = Kind::kUniformFanIn;
  double value = 1.0;  ///< the gain, or the constant for kConstant

  static Init constant(double v) { return {Kind::kConstant, v}; }
  static Init torch_default() { return {Kind::kUniformFanIn, 1.0}; }
  static Init xavier_uniform(double gain = 1.0) { return {Kind::kXavierUniform, gain}; }
  static Init xavier_normal(double gain = 1.0) { return {Kind::kXavierNormal, gain}; }
  static Init kaiming_uniform(double gain = kReluGain) { return {Kind::kKaimingUniform, gain}; }
  static Init kaiming_normal(double gain = kReluGain) { return {Kind::kKaimingNormal, gain}; }
  static Init orthogonal(double gain = 1.0) { return {Kind::kOrthogonal, gain}; }

  static constexpr double kReluGain =
      1.4142135623730951;  ///< sqrt(2), torch.nn.init.calculate_gain("relu")
};

/// Fills w, read as (fan_out, fan_in), in place. fan_in overrides w.cols() when the fan differs
/// from the row length (e.g. a bias initialised from its layer's fan-in).
void initialize(MatrixMap w, Init init, Rng& rng, Index fan_in = 0);

}  // namespace rl::nn
