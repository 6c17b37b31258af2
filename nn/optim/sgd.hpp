// Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay, exactly as
// torch.optim.SGD (https://pytorch.org/docs/stable/generated/torch.optim.SGD.html).
#pragma once

#include "nn/optim/optimizer.hpp"

namespace rl::nn {

struct SgdConfig {
  double learning_rate = 0.01;  ///< step size
  double momentum = 0;  ///< velocity decay; 0 disables momentum
  double dampening = 0;  ///< scales the gradient's contribution to the velocity
  bool nesterov = false;  ///< Nesterov momentum (needs momentum > 0, dampening = 0)
  double weight_decay = 0;  ///< L2 penalty: adds weight_decay * p to the gradient
};

class Sgd : public Optimizer {
 public:
  Sgd(std::vector<ParamStore*> params, const SgdConfig& config);
  Sgd(ParamStore& params, const SgdConfig& config) : Sgd(std::vector{&params}, config) {}

  void step() override;
  const char* name() const override { return "sgd"; }
  StateDict state_dict() const override;
  void load_state_dict(const StateDict& dict) override;

 private:
  SgdConfig config_;
  std::vector<Vector> velocity_;
};

}  // namespace rl::nn
