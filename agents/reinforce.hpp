// REINFORCE (Williams 1992) with a learned state-value baseline: complete episodes, returns to
// go as the targets, gradient of mean((G - V(s)) log pi(a|s)) for the policy and of
// mean((G - V(s))^2) for the baseline. Batched envs fill the batch with whole episodes; an
// update waits until finished episodes add up to batch_steps.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agents/actor_critic.hpp"
#include "agents/agent.hpp"
#include "agents/preset.hpp"
#include "nn/optim/adam.hpp"

namespace rl::agents {

struct ReinforceConfig {
  double learning_rate = 1e-3;  ///< Adam step size
  double gamma = 0.99;  ///< discount factor
  std::int64_t batch_steps = 2048;  ///< steps of finished episodes per update
  std::int64_t chunk_size = 512;  ///< rows per forward/backward pass of an update
  bool norm_adv = true;  ///< normalise G - V over the batch
  double vf_coef = 0.5;  ///< baseline loss weight
  double ent_coef = 0.0;  ///< entropy bonus weight
  double max_grad_norm = 0.5;  ///< global gradient norm limit; 0 for none
  int hidden_layers = 2;  ///< hidden layers of policy and baseline
  int hidden_size = 64;  ///< units per hidden layer
  std::string activation = "tanh";  ///< hidden activation
  bool orthogonal_init = true;  ///< orthogonal initialisation
  double initial_log_std = 0.0;  ///< Box actions: initial log of the action std
  std::uint64_t seed = 1;  ///< initialisation and sampling

  template <class V>
  void visit_fields(V&& v) {
    v("learning_rate", learning_rate, "Adam step size");
    v("gamma", gamma, "discount factor");
    v("batch_steps", batch_steps, "steps of finished episodes per update");
    v("chunk_size", chunk_size, "rows per forward/backward pass of an update");
    v("norm_adv", norm_adv, "normalise G - V over the batch");
    v("vf_coef", vf_coef, "baseline loss weight");
    v("ent_coef", ent_coef, "entropy bonus weight");
    v("max_grad_norm", max_grad_norm, "global gradient norm limit (0: none)");
    v("hidden_layers", hidden_layers, "hidden layers of policy and baseline");
    v("hidden_size", hidden_size, "units per hidden layer");
    v("activation", activation, "hidden activation (tanh, relu, ...)");
    v("orthogonal_init", orthogonal_init, "orthogonal initialisation");
    v("initial_log_std", initial_log_std, "Box actions: initial log of the action std");
    v("seed", seed, "seed for initialisation and sampling");
  }
};

void validate(const ReinforceConfig& config);

/// 8 envs, updates every 1024 steps of finished episodes, Adam 2e-3 (tuned on CartPole-v1).
Preset<ReinforceConfig> reinforce_preset(std::string_view env_id);

class Reinforce final : public Agent {
 public:
  Reinforce(envs::VecEnv& env, const ReinforceConfig& config);

  const char* name() const override { return "reinforce"; }
  void learn(std::int64_t steps, Logger& logger) override;
  void act(const envs::ObservationMatrix& observations, bool deterministic, Actions& out) override;
  void describe(const envs::ObservationMatrix& observations, PolicyView& out) override;
  std::int64_t steps() const override { return step_; }
  nn::StateDict policy_state() const override { return model_.policy_state(); }
  void load_policy_state(const nn::StateDict& state) override { model_.load_policy_state(state); }
  const EpisodeTracker& episodes() const override { return tracker_; }
  nn::StateDict training_state() const override;
  void load_training_state(const nn::StateDict& state) override;

 private:
  /// Moves env i's finished episode into the batch with its returns to go.
  void finish_episode(std::int64_t i, bool truncated, float final_value);
  void update(Logger& logger);

  envs::VecEnv& env_;
  ReinforceConfig config_;
  ActorCritic model_;
  nn::Adam optimizer_;
  nn::Rng rng_;
  EpisodeTracker tracker_;
  std::int64_t step_ = 0;
  bool started_ = false;
  std::int64_t max_episode_steps_;
  // the running episode of each env: a RolloutBuffer per env, one env wide
  std::vector<RolloutBuffer> episodes_;
  std::vector<std::int64_t> episode_lengths_;
  // finished episodes waiting for an update
  RolloutBuffer batch_;
  std::int64_t batch_size_ = 0;
  // workspace
  Actions actions_;
  std::vector<float> log_probs_;
  nn::Matrix prepared_;
  nn::Matrix final_observations_;
  nn::Matrix final_values_;
  std::vector<float> scratch_returns_;
  std::vector<nn::ParamStore*> params_;  // every trainable block, for clipping
  nn::Tape tape_;
  nn::Matrix chunk_observations_;
  nn::Matrix chunk_advantages_;  // weighted, zero on padding rows
  nn::Matrix chunk_returns_;
  nn::Matrix chunk_weights_;
  std::vector<std::int64_t> chunk_rows_;
  nn::Matrix action_scratch_;
  std::vector<std::int32_t> index_scratch_;
};

}  // namespace rl::agents
