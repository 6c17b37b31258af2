// RMSprop (Tieleman & Hinton 2012) with optional centring and momentum, exactly as
// torch.optim.RMSprop (https://pytorch.org/docs/stable/generated/torch.optim.RMSprop.html).
#pragma once

#include "nn/optim/optimizer.hpp"

namespace rl::nn {

struct RmsPropConfig {
  double learning_rate = 0.01;  ///< step size
  double alpha = 0.99;  ///< decay of the squared-gradient average
  double eps = 1e-8;  ///< added to the denominator for stability
  double momentum = 0;  ///< momentum on the scaled step; 0 disables it
  bool centered = false;  ///< divide by the gradient's estimated variance, not 2nd moment
  double weight_decay = 0;  ///< L2 penalty: adds weight_decay * p to the gradient
};

class RmsProp : public Optimizer {
 public:
  RmsProp(std::vector<ParamStore*> params, const RmsPropConfig& config);
  RmsProp(ParamStore& params, const RmsPropConfig& config)
      : RmsProp(std::vector{&params}, config) {}

  void step() override;
  const char* name() const override { return "rmsprop"; }
  StateDict state_dict() const override;
  void load_state_dict(const StateDict& dict) override;

 private:
  RmsPropConfig config_;
  std::vector<Vector> square_avg_;
  std::vector<Vector> grad_avg_;  // centred only
  std::vector<Vector> momentum_buf_;  // momentum only
};

}  // namespace rl::nn
