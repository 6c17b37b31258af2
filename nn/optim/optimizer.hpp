// The interface every optimiser shares: one flat update loop over each ParamStore it was given,
// with per-parameter state held in blocks of the same size and saved in a StateDict.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "nn/params.hpp"
#include "nn/state_dict.hpp"

namespace rl::nn {

class Optimizer {
 public:
  Optimizer(std::vector<ParamStore*> params, double learning_rate);
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  /// Applies one update from the gradients currently in the stores.
  virtual void step() = 0;
  virtual const char* name() const = 0;

  void zero_grad();
  double learning_rate() const { return learning_rate_; }
  /// Sets the step size for the following steps (learning-rate schedules call this).
  void set_learning_rate(double lr);
  std::int64_t steps() const { return steps_; }

  /// The step count, learning rate and every state buffer.
  virtual StateDict state_dict() const;
  /// Restores a state saved by the same kind of optimiser over the same parameter layout.
  /// All or nothing: on a mismatch it throws and leaves the optimiser as it was.
  virtual void load_state_dict(const StateDict& dict);

 protected:
  /// One zeroed buffer per store, sized like its parameters.
  std::vector<Vector> make_buffers() const;
  void save_buffers(StateDict& dict, const std::string& name,
                    const std::vector<Vector>& buffers) const;
  /// A copy of `buffers` filled from the dict; throws if an entry is missing or mis-sized.
  std::vector<Vector> loaded_buffers(const StateDict& dict, const std::string& name,
                                     const std::vector<Vector>& buffers) const;
  /// Throws if a store grew after the optimiser was created.
  void check_sizes(const std::vector<Vector>& buffers) const;

  std::vector<ParamStore*> params_;
  double learning_rate_;
  std::int64_t steps_ = 0;
};

}  // namespace rl::nn
