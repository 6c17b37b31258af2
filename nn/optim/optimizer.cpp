#include "nn/optim/optimizer.hpp"

#include <cmath>

#include "nn/error.hpp"

namespace rl::nn {

Optimizer::Optimizer(std::vector<ParamStore*> params, double learning_rate)
    : params_(std::move(params)), learning_rate_(learning_rate) {
  check(!params_.empty(), "optimizer: give it at least one ParamStore to update");
  for (const ParamStore* store : params_) {
    check(store != nullptr && store->size() > 0,
          "optimizer: a ParamStore is null or empty; build the network before the optimiser");
  }
  set_learning_rate(learning_rate);
}

void Optimizer::zero_grad() {
  for (ParamStore* store : params_) {
    store->zero_grad();
  }
}

void Optimizer::set_learning_rate(double lr) {
  check(std::isfinite(lr) && lr >= 0, "optimizer: learning rate ", lr,
        " must be finite and non-negative");
  learning_rate_ = lr;
}

std::vector<Vector> Optimizer::make_buffers() const {
  std::vector<Vector> buffers;
  buffers.reserve(params_.size());
  for (const ParamStore* store : params_) {
    buffers.push_back(Vector::Zero(store->size()));
  }
  return buffers;
}

void Optimizer::check_sizes(const std::vector<Vector>& buffers) const {
  for (size_t i = 0; i < params_.size(); ++i) {
    check(buffers[i].size() == params_[i]->size(), name(), ": parameter store ", i, " has ",
          params_[i]->size(), " values but the optimiser was built for ", buffers[i].size(),
          "; create the optimiser after adding every layer");
  }
}

StateDict Optimizer::state_dict() const {
  StateDict dict;
  dict.put("steps", static_cast<double>(steps_));
  dict.put("learning_rate", learning_rate_);
  return dict;
}

void Optimizer::load_state_dict(const StateDict& dict) {
  const double steps = dict.scalar("steps");
  const double lr = dict.scalar("learning_rate");
  check(steps >= 0, name(), ": checkpoint step count ", steps, " is negative");
  set_learning_rate(lr);
  steps_ = static_cast<std::int64_t>(steps);
}

void Optimizer::save_buffers(StateDict& dict, const std::string& name,
                             const std::vector<Vector>& buffers) const {
  for (size_t i = 0; i < buffers.size(); ++i) {
    dict.put(name + "." + std::to_string(i),
             ConstMatrixMap(buffers[i].data(), 1, buffers[i].size()));
  }
}

std::vector<Vector> Optimizer::loaded_buffers(const StateDict& dict, const std::string& name,
                                              const std::vector<Vector>& current) const {
  std::vector<Vector> buffers = current;
  for (size_t i = 0; i < buffers.size(); ++i) {
    const std::string key = name + "." + std::to_string(i);
    const Matrix& saved = dict.tensor(key);
    check(saved.size() == buffers[i].size(), this->name(), ": checkpoint state '", key, "' has ",
          saved.size(), " values but the parameters have ", buffers[i].size(),
          "; load it into an optimiser over the same network");
    buffers[i] = Eigen::Map<const Vector>(saved.data(), saved.size());
  }
  return buffers;
}

}  // namespace rl::nn
