// The base of every wrapper: owns the wrapped VecEnv and forwards what the wrapper does not change.
#pragma once

#include <memory>

#include "envs/vec_env.hpp"

namespace rl::envs {

class VecEnvWrapper : public VecEnv {
 public:
  explicit VecEnvWrapper(std::unique_ptr<VecEnv> inner);

  const EnvSpec& spec() const override { return spec_; }
  std::int64_t num_envs() const override { return inner_->num_envs(); }
  void draw(std::int64_t env, sim::DrawList& out) const override { inner_->draw(env, out); }
  std::int64_t state_size() const override { return inner_->state_size(); }
  void get_state(std::int64_t env, std::span<double> out) const override {
    inner_->get_state(env, out);
  }
  void set_state(std::int64_t env, std::span<const double> state) override {
    inner_->set_state(env, state);
  }
  /// Stateless wrappers snapshot just the env they wrap; stateful ones add their own state.
  std::vector<std::uint64_t> snapshot() const override { return inner_->snapshot(); }
  void restore(std::span<const std::uint64_t> snapshot) override { inner_->restore(snapshot); }
  int threads() const override { return inner_->threads(); }
  void set_threads(int threads) override { inner_->set_threads(threads); }

  VecEnv& inner() { return *inner_; }
  const VecEnv& inner() const { return *inner_; }

 protected:
  std::unique_ptr<VecEnv> inner_;
  EnvSpec spec_;  // the inner spec, with whatever the wrapper changes
};

}  // namespace rl::envs
