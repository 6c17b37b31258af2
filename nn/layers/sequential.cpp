#include "nn/layers/sequential.hpp"

#include <algorithm>
#include <sstream>
#include <utility>

#include "nn/error.hpp"
#include "nn/functional.hpp"

namespace rl::nn {

namespace {

constexpr Scalar kLeakyReluSlope = Scalar(0.01);
constexpr Scalar kEluAlpha = 1;

struct ActivationOp {
  Op op = Op::kConstant;
  OpArgs args;
};

ActivationOp activation_op(Activation a) {
  OpArgs args;
  switch (a) {
    case Activation::kRelu: return {Op::kRelu, args};
    case Activation::kLeakyRelu: args.alpha = kLeakyReluSlope; return {Op::kLeakyRelu, args};
    case Activation::kElu: args.alpha = kEluAlpha; return {Op::kElu, args};
    case Activation::kTanh: return {Op::kTanh, args};
    case Activation::kSigmoid: return {Op::kSigmoid, args};
    case Activation::kSoftplus: return {Op::kSoftplus, args};
    case Activation::kIdentity: break;
  }
  return {Op::kConstant, args};
}

constexpr Activation kAllActivations[] = {
    Activation::kIdentity, Activation::kRelu,    Activation::kLeakyRelu, Activation::kElu,
    Activation::kTanh,     Activation::kSigmoid, Activation::kSoftplus};

MatrixMap as_map(Matrix& m) {
  return {m.data(), m.rows(), m.cols()};
}

}  // namespace

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::kIdentity: return "identity";
    case Activation::kRelu: return "relu";
    case Activation::kLeakyRelu: return "leaky_relu";
    case Activation::kElu: return "elu";
    case Activation::kTanh: return "tanh";
    case Activation::kSigmoid: return "sigmoid";
    case Activation::kSoftplus: return "softplus";
  }
  return "unknown";
}

Activation parse_activation(const std::string& name) {
  std::string known;
  for (Activation a : kAllActivations) {
    if (name == activation_name(a)) {
      return a;
    }
    known += known.empty() ? "" : ", ";
    known += activation_name(a);
  }
  throw Error(message("unknown activation '", name, "'; use one of: ", known));
}

Var activate(Activation a, Var x) {
  switch (a) {
    case Activation::kIdentity: return x;
    case Activation::kRelu: return relu(x);
    case Activation::kLeakyRelu: return leaky_relu(x, kLeakyReluSlope);
    case Activation::kElu: return elu(x, kEluAlpha);
    case Activation::kTanh: return tanh(x);
    case Activation::kSigmoid: return sigmoid(x);
    case Activation::kSoftplus: return softplus(x);
  }
  return x;
}

Sequential::Sequential(Index in_features, std::uint64_t seed)
    : in_features_(in_features), features_(in_features), rng_(seed) {
  check(in_features > 0, "Sequential: in_features = ", in_features, " must be positive");
}

Sequential::Sequential(ImageShape input, std::uint64_t seed)
    : in_features_(input.size()), features_(input.size()), image_(input), rng_(seed) {
  check(input.channels > 0 && input.height > 0 && input.width > 0, "Sequential: image shape (",
        input.channels, ", ", input.height, ", ", input.width,
        ") must be positive (channels, height, width)");
}

void Sequential::push(const Layer& layer, Index out_features) {
  layers_.push_back(layer);
  out_features_.push_back(out_features);
  features_ = out_features;
}

const ImageShape& Sequential::require_image(const char* layer) const {
  check(image_.has_value(), "Sequential::", layer,
        ": the current output is not an image; construct the Sequential from an ImageShape and "
        "add image layers before flatten()");
  return *image_;
}

Sequential& Sequential::linear(Index out_features, Init weight_init, Init bias_init, bool bias) {
  check(in_features_ > 0, "Sequential::linear: construct the Sequential with its input size first");
  const Linear layer = Linear::create(params_, next_name(), features_, out_features, rng_,
                                      weight_init, bias_init, bias);
  image_.reset();
  push(layer, out_features);
  return *this;
}

Sequential& Sequential::conv2d(Index out_channels, Index kernel, Index stride, Index padding,
                               Init weight_init, Init bias_init) {
  const ImageShape input = require_image("conv2d");
  const Conv2d layer = Conv2d::create(params_, next_name(), input, out_channels, kernel, stride,
                                      padding, rng_, weight_init, bias_init);
  image_ = layer.output_shape();
  push(layer, image_->size());
  return *this;
}

Sequential& Sequential::max_pool2d(Index kernel, Index stride) {
  const ImageShape input = require_image("max_pool2d");
  const Pool2dGeometry g{input.channels, input.height, input.width, kernel,
                         stride == 0 ? kernel : stride};
  validate(g);
  image_ = ImageShape{g.channels, g.out_height(), g.out_width()};
  push(MaxPool2dLayer{g}, g.out_features());
  return *this;
}

Sequential& Sequential::activation(Activation a) {
  push(ActivationLayer{a}, features_);
  return *this;
}

Sequential& Sequential::flatten() {
  image_.reset();
  return *this;
}

Sequential& Sequential::layer_norm(Scalar eps) {
  LayerNormLayer layer;
  layer.gamma = params_.add(next_name() + ".weight", 1, features_);
  layer.beta = params_.add(next_name() + ".bias", 1, features_);
  params_.value(layer.gamma).setOnes();
  layer.eps = eps;
  push(layer, features_);
  return *this;
}

Sequential& Sequential::dropout(Scalar p) {
  check(p >= 0 && p < 1, "Sequential::dropout: p = ", p, " must be in [0, 1)");
  push(DropoutLayer{p}, features_);
  return *this;
}

Var Sequential::forward(Tape& tape, Var x) {
  check(x.cols() == in_features_, "Sequential::forward: input has ", x.cols(),
        " features but the network expects ", in_features_);
  for (const Layer& layer : layers_) {
    x = std::visit(
        [&](const auto& l) -> Var {
          using L = std::decay_t<decltype(l)>;
          if constexpr (std::is_same_v<L, Linear> || std::is_same_v<L, Conv2d>) {
            return l.forward(tape, params_, x);
          } else if constexpr (std::is_same_v<L, MaxPool2dLayer>) {
            return nn::max_pool2d(x, l.geometry);
          } else if constexpr (std::is_same_v<L, ActivationLayer>) {
            return activate(l.kind, x);
          } else if constexpr (std::is_same_v<L, LayerNormLayer>) {
            return nn::layer_norm(x, tape.parameter(params_, l.gamma),
                                  tape.parameter(params_, l.beta), l.eps);
          } else {
            return training_ ? nn::dropout(x, l.p, rng_) : x;
          }
        },
        layer);
  }
  return x;
}

ConstMatrixMap Sequential::predict(const ConstMatrixRef& x) {
  check(x.cols() == in_features_, "Sequential::predict: input has ", x.cols(),
        " features but the network expects ", in_features_);
  std::vector<Workspace>& workspace = workspace_for(x.rows());
  const Index batch = x.rows();
  ConstMatrixMap in(x.data(), batch, x.cols());
  for (size_t i = 0; i < layers_.size(); ++i) {
    Workspace& work = workspace[i];
    Matrix& out = work.output;
    out.resize(batch, out_features_[i]);
    bool produced = true;
    std::visit(
        [&](const auto& l) {
          using L = std::decay_t<decltype(l)>;
          if constexpr (std::is_same_v<L, Linear>) {
            l.predict(params_, in, as_map(out));
          } else if constexpr (std::is_same_v<L, Conv2d>) {
            l.predict(params_, in, work.scratch, work.product, as_map(out));
          } else if constexpr (std::is_same_v<L, MaxPool2dLayer>) {
            max_pool2d_forward(l.geometry, in, as_map(out), nullptr);
          } else if constexpr (std::is_same_v<L, ActivationLayer>) {
            if (l.kind == Activation::kIdentity) {
              produced = false;
            } else {
              const ActivationOp a = activation_op(l.kind);
              pointwise_forward(a.op, a.args, in, as_map(out));
            }
          } else if constexpr (std::is_same_v<L, LayerNormLayer>) {
            layer_norm_forward(l.eps, in, std::as_const(params_).value(l.gamma),
                               std::as_const(params_).value(l.beta), work.scratch, as_map(out));
          } else {
            produced = false;  // dropout is the identity at inference
          }
        },
        layers_[i]);
    if (produced) {
      new (&in) ConstMatrixMap(out.data(), batch, out.cols());  // Eigen's idiom to re-point a Map
    }
  }
  return in;
}

std::vector<Sequential::Workspace>& Sequential::workspace_for(Index rows) {
  ++predictions_;
  SizedWorkspace* chosen = nullptr;
  for (SizedWorkspace& w : workspaces_) {
    if (w.rows == rows) {
      chosen = &w;
      break;
    }
  }
  if (chosen == nullptr) {
    if (workspaces_.size() < kWorkspaces) {
      workspaces_.emplace_back();
      chosen = &workspaces_.back();
    } else {
      chosen = &*std::min_element(workspaces_.begin(), workspaces_.end(),
                                  [](const SizedWorkspace& a, const SizedWorkspace& b) {
                                    return a.last_used < b.last_used;
                                  });
    }
    chosen->rows = rows;
    chosen->layers.resize(layers_.size());
  }
  chosen->last_used = predictions_;
  return chosen->layers;
}

std::string Sequential::summary() const {
  std::ostringstream out;
  out << "Sequential(" << in_features_ << " -> " << features_ << ", " << params_.size()
      << " parameters)\n";
  for (size_t i = 0; i < layers_.size(); ++i) {
    out << "  (" << i << ") ";
    std::visit(
        [&](const auto& l) {
          using L = std::decay_t<decltype(l)>;
          if constexpr (std::is_same_v<L, Linear>) {
            out << "Linear(" << l.in_features() << ", " << l.out_features()
                << (l.has_bias ? "" : ", bias=false") << ")";
          } else if constexpr (std::is_same_v<L, Conv2d>) {
            const Conv2dGeometry& g = l.geometry;
            out << "Conv2d(" << g.in_channels << ", " << g.out_channels << ", kernel=" << g.kernel
                << ", stride=" << g.stride << ", padding=" << g.padding << ") -> ("
                << g.out_channels << ", " << g.out_height() << ", " << g.out_width() << ")";
          } else if constexpr (std::is_same_v<L, MaxPool2dLayer>) {
            out << "MaxPool2d(kernel=" << l.geometry.kernel << ", stride=" << l.geometry.stride
                << ")";
          } else if constexpr (std::is_same_v<L, ActivationLayer>) {
            out << activation_name(l.kind);
          } else if constexpr (std::is_same_v<L, LayerNormLayer>) {
            out << "LayerNorm(" << l.gamma.cols << ")";
          } else {
            out << "Dropout(p=" << l.p << ")";
          }
        },
        layers_[i]);
    out << '\n';
  }
  return out.str();
}

Sequential mlp(const MlpSpec& spec, std::uint64_t seed) {
  check(spec.sizes.size() >= 2, "mlp: sizes needs at least an input and an output width, got ",
        spec.sizes.size(), " entries");
  Sequential net(spec.sizes.front(), seed);
  for (size_t i = 1; i + 1 < spec.sizes.size(); ++i) {
    net.linear(spec.sizes[i], spec.hidden_init, spec.bias_init);
    if (spec.layer_norm) {
      net.layer_norm();
    }
    net.activation(spec.hidden);
    if (spec.dropout > 0) {
      net.dropout(spec.dropout);
    }
  }
  net.linear(spec.sizes.back(), spec.output_init, spec.bias_init);
  if (spec.output != Activation::kIdentity) {
    net.activation(spec.output);
  }
  return net;
}

Sequential cnn(const CnnSpec& spec, std::uint64_t seed) {
  check(spec.outputs > 0, "cnn: outputs = ", spec.outputs, " must be positive");
  Sequential net(spec.input, seed);
  for (const ConvSpec& c : spec.convs) {
    net.conv2d(c.channels, c.kernel, c.stride, c.padding, spec.hidden_init, spec.bias_init);
    net.activation(spec.activation);
    if (c.pool > 0) {
      net.max_pool2d(c.pool);
    }
  }
  net.flatten();
  for (Index width : spec.hidden) {
    net.linear(width, spec.hidden_init, spec.bias_init);
    net.activation(spec.activation);
  }
  net.linear(spec.outputs, spec.output_init, spec.bias_init);
  return net;
}

void copy_params(const Sequential& online, Sequential& target) {
  copy_params(online.params(), target.params());
}

void soft_update(const Sequential& online, Sequential& target, Scalar tau) {
  soft_update(online.params(), target.params(), tau);
}

}  // namespace rl::nn
