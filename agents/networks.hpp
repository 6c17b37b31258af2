// The networks agents build from an environment's spaces: MLPs for flat observations and a small
// CNN torso (MinAtar's) for (channels, height, width) observations, with CleanRL's initialisation
// (orthogonal weights with gain sqrt(2), zero biases, a chosen gain on the output layer).
#pragma once

#include <cstdint>
#include <vector>

#include "envs/space.hpp"
#include "nn/layers/sequential.hpp"

namespace rl::agents {

struct NetworkSpec {
  std::vector<nn::Index> hidden = {64, 64};  ///< widths of the hidden layers
  nn::Activation activation = nn::Activation::kTanh;  ///< after every hidden layer
  bool orthogonal_init = true;  ///< CleanRL's orthogonal init; otherwise PyTorch's default
};

/// obs -> hidden layers -> `outputs`; the output layer's orthogonal gain is `output_gain`.
/// Image observations (a Box with a 3-D shape) get a conv torso (16 filters 3x3, as MinAtar's
/// networks) before the hidden layers.
nn::Sequential make_network(const envs::Space& observation_space, nn::Index outputs,
                            const NetworkSpec& spec, double output_gain, std::uint64_t seed);

/// Features per observation: the flat size of a Box.
nn::Index observation_size(const envs::Space& observation_space);

}  // namespace rl::agents
