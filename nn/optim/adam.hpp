// Adam (Kingma & Ba 2015) with optional L2 weight decay, and AdamW (Loshchilov & Hutter 2019)
// with decoupled weight decay, exactly as torch.optim.Adam / torch.optim.AdamW.
#pragma once

#include "nn/optim/optimizer.hpp"

namespace rl::nn {

struct AdamConfig {
  double learning_rate = 1e-3;  ///< step size
  double beta1 = 0.9;  ///< decay of the first-moment (mean) estimate
  double beta2 = 0.999;  ///< decay of the second-moment (uncentred variance) estimate
  double eps = 1e-8;  ///< added to the denominator for stability
  double weight_decay = 0;  ///< L2 penalty for Adam; decoupled decay for AdamW
};

class Adam : public Optimizer {
 public:
  Adam(std::vector<ParamStore*> params, const AdamConfig& config);
  Adam(ParamStore& params, const AdamConfig& config) : Adam(std::vector{&params}, config) {}

  void step() override;
  const char* name() const override { return decoupled_ ? "adamw" : "adam"; }
  StateDict state_dict() const override;
  void load_state_dict(const StateDict& dict) override;

 protected:
  Adam(std::vector<ParamStore*> params, const AdamConfig& config, bool decoupled);

 private:
  AdamConfig config_;
  bool decoupled_ = false;
  std::vector<Vector> m_;  // first moments
  std::vector<Vector> v_;  // second moments
};

/// Adam with decoupled weight decay: p *= 1 - lr wd before the Adam step. PyTorch's default
/// weight_decay for AdamW is 0.01.
class AdamW : public Adam {
 public:
  AdamW(std::vector<ParamStore*> params, const AdamConfig& config)
      : Adam(std::move(params), config, true) {}
  AdamW(ParamStore& params, const AdamConfig& config) : AdamW(std::vector{&params}, config) {}
};

}  // namespace rl::nn
