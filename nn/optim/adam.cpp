#include "nn/optim/adam.hpp"

#include <cmath>

#include "nn/error.hpp"

namespace rl::nn {

Adam::Adam(std::vector<ParamStore*> params, const AdamConfig& config)
    : Adam(std::move(params), config, false) {}

Adam::Adam(std::vector<ParamStore*> params, const AdamConfig& config, bool decoupled)
    : Optimizer(std::move(params), config.learning_rate), config_(config), decoupled_(decoupled) {
  const char* what =
      decoupled ? "adamw" : "adam";  // not name(): no virtual calls while constructing
  check(config.beta1 >= 0 && config.beta1 < 1 && config.beta2 >= 0 && config.beta2 < 1, what,
        ": betas (", config.beta1, ", ", config.beta2, ") must be in [0, 1)");
  check(config.eps > 0, what, ": eps = ", config.eps, " must be positive");
  check(config.weight_decay >= 0, what, ": weight_decay = ", config.weight_decay, " must be >= 0");
  m_ = make_buffers();
  v_ = make_buffers();
}

// t = t + 1;  g = grad (+ wd p for Adam);  p *= 1 - lr wd (AdamW)
// m = m + (1 - b1)(g - m);  v = b2 v + (1 - b2) g^2
// p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
void Adam::step() {
  check_sizes(m_);
  const std::int64_t t = steps_ + 1;
  const double bias_correction1 = 1 - std::pow(config_.beta1, static_cast<double>(t));
  const double bias_correction2 = 1 - std::pow(config_.beta2, static_cast<double>(t));
  const auto step_size = static_cast<Scalar>(learning_rate_ / bias_correction1);
  const auto bias_correction2_sqrt = static_cast<Scalar>(std::sqrt(bias_correction2));
  const auto one_minus_beta1 = static_cast<Scalar>(1 - config_.beta1);
  const auto beta2 = static_cast<Scalar>(config_.beta2);
  const auto one_minus_beta2 = static_cast<Scalar>(1 - config_.beta2);
  const auto eps = static_cast<Scalar>(config_.eps);
  const auto wd = static_cast<Scalar>(config_.weight_decay);
  const auto decay = static_cast<Scalar>(1 - learning_rate_ * config_.weight_decay);
  // One fused pass per store (the compiler vectorises it); a pass per Eigen expression would
  // read and write every buffer three times.
  for (size_t s = 0; s < params_.size(); ++s) {
    Scalar* __restrict p = params_[s]->values().data();
    const Scalar* __restrict grad = params_[s]->grads().data();
    Scalar* __restrict m = m_[s].data();
    Scalar* __restrict v = v_[s].data();
    const Index n = params_[s]->size();
    const Scalar l2 = decoupled_ ? Scalar(0) : wd;
    const Scalar shrink = decoupled_ ? decay : Scalar(1);
    for (Index i = 0; i < n; ++i) {
      const Scalar g = grad[i] + l2 * p[i];
      m[i] += one_minus_beta1 * (g - m[i]);
      v[i] = beta2 * v[i] + one_minus_beta2 * (g * g);
      p[i] = p[i] * shrink - step_size * m[i] / (std::sqrt(v[i]) / bias_correction2_sqrt + eps);
    }
  }
  ++steps_;
}

StateDict Adam::state_dict() const {
  StateDict dict = Optimizer::state_dict();
  save_buffers(dict, "exp_avg", m_);
  save_buffers(dict, "exp_avg_sq", v_);
  return dict;
}

void Adam::load_state_dict(const StateDict& dict) {
  std::vector<Vector> m = loaded_buffers(dict, "exp_avg", m_);
  std::vector<Vector> v = loaded_buffers(dict, "exp_avg_sq", v_);
  Optimizer::load_state_dict(dict);
  m_ = std::move(m);
  v_ = std::move(v);
}

}  // namespace rl::nn
