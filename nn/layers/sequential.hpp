// A stack of layers that owns its parameters (nn.Sequential). Copying a Sequential copies its
// parameters, which is how a target network is made; soft_update blends two of them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "nn/layers/conv2d.hpp"
#include "nn/layers/linear.hpp"
#include "nn/params.hpp"
#include "nn/random.hpp"
#include "nn/tape.hpp"

namespace rl::nn {

enum class Activation { kIdentity, kRelu, kLeakyRelu, kElu, kTanh, kSigmoid, kSoftplus };

const char* activation_name(Activation a);
/// Parses "relu", "tanh", ... (the names activation_name returns); throws listing the valid ones.
Activation parse_activation(const std::string& name);
/// Applies an activation on the tape (identity returns x).
Var activate(Activation a, Var x);

struct ActivationLayer {
  Activation kind = Activation::kRelu;
};
struct MaxPool2dLayer {
  Pool2dGeometry geometry;
};
struct LayerNormLayer {
  Param gamma;  ///< (1, F), initialised to 1
  Param beta;  ///< (1, F), initialised to 0
  Scalar eps = Scalar(1e-5);
};
struct DropoutLayer {
  Scalar p = 0;
};
using Layer =
    std::variant<Linear, Conv2d, MaxPool2dLayer, ActivationLayer, LayerNormLayer, DropoutLayer>;

class Sequential {
 public:
  Sequential() = default;
  /// Starts a network over flat inputs of `in_features`; `seed` drives initialisation and dropout.
  explicit Sequential(Index in_features, std::uint64_t seed = 0);
  /// Starts a network over images stored flat as (batch, channels*height*width).
  explicit Sequential(ImageShape input, std::uint64_t seed = 0);

  // --- building (each returns *this so layers chain) ---
  Sequential& linear(Index out_features, Init weight_init = Init::torch_default(),
                     Init bias_init = Init::torch_default(), bool bias = true);
  Sequential& conv2d(Index out_channels, Index kernel, Index stride = 1, Index padding = 0,
                     Init weight_init = Init::torch_default(),
                     Init bias_init = Init::torch_default());
  /// stride 0 means stride = kernel, as in PyTorch.
  Sequential& max_pool2d(Index kernel, Index stride = 0);
  Sequential& activation(Activation a);
  Sequential& relu() { return activation(Activation::kRelu); }
  Sequential& tanh() { return activation(Activation::kTanh); }
  /// Marks the end of the image layers; data is already flat, so this only ends image mode.
  Sequential& flatten();
  Sequential& layer_norm(Scalar eps = Scalar(1e-5));
  Sequential& dropout(Scalar p);

  // --- running ---
  /// Records the network on the tape. Dropout is active while training() is true.
  Var forward(Tape& tape, Var x);
  /// Records a copy of x as a constant input, then the network.
  Var forward(Tape& tape, const ConstMatrixRef& x) { return forward(tape, tape.constant(x)); }
  /// Inference without a tape (dropout off); allocation-free once a batch size has been seen
  /// (up to four sizes are kept). The result stays valid until the next call.
  ConstMatrixMap predict(const ConstMatrixRef& x);

  void train(bool on = true) { training_ = on; }
  void eval() { training_ = false; }
  bool training() const { return training_; }

  ParamStore& params() { return params_; }
  const ParamStore& params() const { return params_; }
  const std::vector<Layer>& layers() const { return layers_; }
  Index in_features() const { return in_features_; }
  Index out_features() const { return features_; }
  Rng& rng() { return rng_; }
  /// One line per layer with shapes and the parameter count, like printing a PyTorch module.
  std::string summary() const;

 private:
  std::string next_name() const { return std::to_string(layers_.size()); }
  void push(const Layer& layer, Index out_features);
  const ImageShape& require_image(const char* layer) const;

  ParamStore params_;
  std::vector<Layer> layers_;
  std::vector<Index> out_features_;  // per layer
  Index in_features_ = 0;
  Index features_ = 0;
  std::optional<ImageShape> image_;
  Rng rng_;
  bool training_ = true;
  // inference workspace, per layer
  struct Workspace {
    Matrix output;
    Matrix scratch;  // unfolded patches (conv), row statistics (layer norm)
    Matrix product;  // the convolution's matrix product
  };
  // One workspace per batch size seen (acting at one size and computing targets at another
  // must not reallocate every call); the least recently used is reused beyond kWorkspaces.
  static constexpr size_t kWorkspaces = 4;
  struct SizedWorkspace {
    Index rows = -1;
    std::uint64_t last_used = 0;
    std::vector<Workspace> layers;
  };
  std::vector<SizedWorkspace> workspaces_;
  std::uint64_t predictions_ = 0;
  std::vector<Workspace>& workspace_for(Index rows);
};

/// A multilayer perceptron: sizes = {in, hidden..., out}.
struct MlpSpec {
  std::vector<Index> sizes;  ///< layer widths, input first
  Activation hidden = Activation::kRelu;  ///< after every hidden layer
  Activation output = Activation::kIdentity;  ///< after the last layer
  Init hidden_init = Init::torch_default();  ///< hidden weight initialiser
  Init output_init = Init::torch_default();  ///< last-layer weight initialiser
  Init bias_init = Init::torch_default();  ///< every bias
  bool layer_norm = false;  ///< LayerNorm before each hidden activation
  Scalar dropout = 0;  ///< dropout after each hidden activation
};
Sequential mlp(const MlpSpec& spec, std::uint64_t seed = 0);

/// One convolution of a CNN torso, optionally followed by max pooling.
struct ConvSpec {
  Index channels = 16;  ///< output channels
  Index kernel = 3;
  Index stride = 1;
  Index padding = 0;
  Index pool = 0;  ///< max-pool kernel (and stride) after the activation; 0 for none
};

/// Convolutions, flatten, then an MLP head: e.g. MinAtar's 4x10x10 -> conv16 3x3 -> 128 -> 6.
struct CnnSpec {
  ImageShape input;  ///< channels, height, width
  std::vector<ConvSpec> convs;  ///< the convolutional torso
  std::vector<Index> hidden;  ///< widths of the hidden linear layers
  Index outputs = 0;  ///< width of the last layer
  Activation activation = Activation::kRelu;  ///< after every conv and hidden layer
  Init hidden_init = Init::torch_default();  ///< conv and hidden weight initialiser
  Init output_init = Init::torch_default();  ///< last-layer weight initialiser
  Init bias_init = Init::torch_default();  ///< every bias
};
Sequential cnn(const CnnSpec& spec, std::uint64_t seed = 0);

/// target = online, for networks of the same architecture.
void copy_params(const Sequential& online, Sequential& target);
/// target = tau * online + (1 - tau) * target.
void soft_update(const Sequential& online, Sequential& target, Scalar tau);

}  // namespace rl::nn
