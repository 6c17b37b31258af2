#include "nn/optim/rmsprop.hpp"

#include "nn/error.hpp"

namespace rl::nn {

RmsProp::RmsProp(std::vector<ParamStore*> params, const RmsPropConfig& config)
    : Optimizer(std::move(params), config.learning_rate), config_(config) {
  check(config.alpha >= 0 && config.alpha < 1, "rmsprop: alpha = ", config.alpha,
        " must be in [0, 1)");
  check(config.eps > 0, "rmsprop: eps = ", config.eps, " must be positive");
  check(config.momentum >= 0, "rmsprop: momentum = ", config.momentum, " must be >= 0");
  check(config.weight_decay >= 0, "rmsprop: weight_decay = ", config.weight_decay, " must be >= 0");
  square_avg_ = make_buffers();
  if (config.centered) {
    grad_avg_ = make_buffers();
  }
  if (config.momentum > 0) {
    momentum_buf_ = make_buffers();
  }
}

// g = grad + wd p;  s = alpha s + (1 - alpha) g^2;  centred: a = alpha a + (1 - alpha) g and the
// denominator is sqrt(s - a^2) + eps, otherwise sqrt(s) + eps;
// momentum: b = momentum b + g / denominator, p -= lr b;  otherwise p -= lr g / denominator.
void RmsProp::step() {
  check_sizes(square_avg_);
  const auto lr = static_cast<Scalar>(learning_rate_);
  const auto alpha = static_cast<Scalar>(config_.alpha);
  const auto one_minus_alpha = static_cast<Scalar>(1 - config_.alpha);
  const auto eps = static_cast<Scalar>(config_.eps);
  const auto wd = static_cast<Scalar>(config_.weight_decay);
  const auto momentum = static_cast<Scalar>(config_.momentum);
  for (size_t s = 0; s < params_.size(); ++s) {
    auto p = params_[s]->values().array();
    const auto g = params_[s]->grads().array() + wd * p;
    auto sq = square_avg_[s].array();
    sq = alpha * sq + one_minus_alpha * g.square();
    if (config_.centered) {
      auto avg = grad_avg_[s].array();
      avg += one_minus_alpha * (g - avg);
      if (momentum > 0) {
        auto b = momentum_buf_[s].array();
        b = momentum * b + g / ((sq - avg.square()).sqrt() + eps);
        p -= lr * b;
      } else {
        p -= lr * g / ((sq - avg.square()).sqrt() + eps);
      }
    } else if (momentum > 0) {
      auto b = momentum_buf_[s].array();
      b = momentum * b + g / (sq.sqrt() + eps);
      p -= lr * b;
    } else {
      p -= lr * g / (sq.sqrt() + eps);
    }
  }
  ++steps_;
}

StateDict RmsProp::state_dict() const {
  StateDict dict = Optimizer::state_dict();
  save_buffers(dict, "square_avg", square_avg_);
  save_buffers(dict, "grad_avg", grad_avg_);
  save_buffers(dict, "momentum_buffer", momentum_buf_);
  return dict;
}

void RmsProp::load_state_dict(const StateDict& dict) {
  std::vector<Vector> square_avg = loaded_buffers(dict, "square_avg", square_avg_);
  std::vector<Vector> grad_avg = loaded_buffers(dict, "grad_avg", grad_avg_);
  std::vector<Vector> momentum = loaded_buffers(dict, "momentum_buffer", momentum_buf_);
  Optimizer::load_state_dict(dict);
  square_avg_ = std::move(square_avg);
  grad_avg_ = std::move(grad_avg);
  momentum_buf_ = std::move(momentum);
}

}  // namespace rl::nn
