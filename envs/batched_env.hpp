// The one adapter from an environment's Dynamics to a VecEnv: N copies in preallocated buffers,
// per-env seeding from one seed, the time limit, episode statistics, same-step autoreset with the
// final observation kept, action checking and multi-threaded stepping. Env authors never write
// any of this.
//
// Member functions are defined in batched_env_impl.hpp, which only an environment's own .cpp
// includes (with an explicit instantiation), so each environment's physics is compiled once, with
// the envs library's floating-point flags.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "envs/dynamics.hpp"
#include "envs/options.hpp"
#include "envs/vec_env.hpp"

namespace rl::envs {

template <Dynamics D>
class BatchedEnv final : public VecEnv {
 public:
  using Params = typename D::Params;
  using State = typename D::State;

  BatchedEnv(const Params& params, const EnvOptions& options);

  const EnvSpec& spec() const override { return spec_; }
  std::int64_t num_envs() const override { return num_envs_; }
  const Batch& reset(std::optional<std::uint64_t> seed) override;
  const Batch& reset_done() override;
  const Batch& step(std::span<const std::int32_t> actions) override;
  const Batch& step(std::span<const float> actions) override;
  const Batch& last() const override { return view_; }
  void draw(std::int64_t env, sim::DrawList& out) const override;
  std::int64_t state_size() const override { return D::kStateSize; }
  void get_state(std::int64_t env, std::span<double> out) const override;
  void set_state(std::int64_t env, std::span<const double> state) override;
  std::vector<std::uint64_t> snapshot() const override;
  void restore(std::span<const std::uint64_t> snapshot) override;
  int threads() const override { return threads_; }
  void set_threads(int threads) override;

  const Params& params() const { return params_; }

 private:
  template <class Actions>
  const Batch& step_all(Actions actions);
  /// Steps envs [begin, end); the actions were checked before.
  template <class Actions>
  void step_range(Actions actions, std::int64_t begin, std::int64_t end);
  void reset_env(std::int64_t i);
  void check_env(std::int64_t env, const char* what) const;
  void check_can_step() const;

  Params params_;
  EnvSpec spec_;
  std::int64_t num_envs_;
  int max_steps_;  // INT32_MAX when there is no time limit
  AutoReset autoreset_;
  int threads_ = 1;
  bool has_reset_ = false;
  std::vector<State> states_;
  std::vector<NumpyRandom> rngs_;
  std::vector<std::int32_t> elapsed_;  // steps in the current episode
  std::vector<double> running_returns_;  // reward so far in the current episode
  std::vector<std::uint8_t> needs_reset_;  // AutoReset::kDisabled: finished, not reset
  BatchBuffers out_;
  Batch view_;
};

/// Builds the batched env of D with its params set from options.params.
template <Dynamics D>
std::unique_ptr<VecEnv> make_batched(const EnvOptions& options);

}  // namespace rl::envs
