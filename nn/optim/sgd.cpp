#include "nn/optim/sgd.hpp"

#include "nn/error.hpp"

namespace rl::nn {

Sgd::Sgd(std::vector<ParamStore*> params, const SgdConfig& config)
    : Optimizer(std::move(params), config.learning_rate), config_(config) {
  check(config.momentum >= 0, "sgd: momentum = ", config.momentum, " must be >= 0");
  check(config.weight_decay >= 0, "sgd: weight_decay = ", config.weight_decay, " must be >= 0");
  check(!config.nesterov || (config.momentum > 0 && config.dampening == 0),
        "sgd: nesterov needs momentum > 0 and dampening = 0");
  if (config.momentum > 0) {
    velocity_ = make_buffers();
  }
}

// g = grad + wd p;  v = momentum v + (1 - dampening) g  (v = g on the first step);
// p -= lr (g + momentum v) with Nesterov, p -= lr v without.
void Sgd::step() {
  const auto lr = static_cast<Scalar>(learning_rate_);
  const auto wd = static_cast<Scalar>(config_.weight_decay);
  const auto momentum = static_cast<Scalar>(config_.momentum);
  const auto keep = static_cast<Scalar>(1 - config_.dampening);
  if (momentum > 0) {
    check_sizes(velocity_);
  }
  for (size_t s = 0; s < params_.size(); ++s) {
    auto p = params_[s]->values().array();
    const auto grad = params_[s]->grads().array();
    const auto g = grad + wd * p;
    if (momentum == 0) {
      p -= lr * g;
      continue;
    }
    auto v = velocity_[s].array();
    if (steps_ == 0) {
      v = g;
    } else {
      v = momentum * v + keep * g;
    }
    if (config_.nesterov) {
      p -= lr * (g + momentum * v);
    } else {
      p -= lr * v;
    }
  }
  ++steps_;
}

StateDict Sgd::state_dict() const {
  StateDict dict = Optimizer::state_dict();
  save_buffers(dict, "velocity", velocity_);
  return dict;
}

void Sgd::load_state_dict(const StateDict& dict) {
  std::vector<Vector> velocity = loaded_buffers(dict, "velocity", velocity_);
  Optimizer::load_state_dict(dict);
  velocity_ = std::move(velocity);
}

}  // namespace rl::nn
