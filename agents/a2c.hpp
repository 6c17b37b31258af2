// Advantage actor-critic (Mnih et al. 2016, synchronous), as Stable-Baselines3's A2C: short
// n-step rollouts from batched envs, advantages by GAE (lambda 1 gives n-step returns), one
// RMSprop step per rollout on policy loss + value loss - entropy bonus.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "agents/actor_critic.hpp"
#include "agents/agent.hpp"
#include "agents/preset.hpp"
#include "nn/optim/optimizer.hpp"

namespace rl::agents {

struct A2cConfig {
  std::int64_t num_steps = 5;  ///< steps per env in each rollout
  double learning_rate = 7e-4;  ///< step size
  std::string optimizer = "rmsprop";  ///< rmsprop (SB3, alpha 0.99, eps 1e-5) or adam
  bool anneal_lr = false;  ///< decay the step size linearly to 0 over total_steps
  std::int64_t total_steps = 500'000;  ///< horizon of the annealing
  double gamma = 0.99;  ///< discount factor
  double gae_lambda = 1.0;  ///< GAE lambda (1: plain n-step returns)
  bool norm_adv = false;  ///< normalise advantages over the rollout
  double ent_coef = 0.0;  ///< entropy bonus weight
  double vf_coef = 0.5;  ///< value loss weight
  double max_grad_norm = 0.5;  ///< global gradient norm limit; 0 for none
  int hidden_layers = 2;  ///< hidden layers of actor and critic
  int hidden_size = 64;  ///< units per hidden layer
  std::string activation = "tanh";  ///< hidden activation
  bool orthogonal_init = true;  ///< orthogonal initialisation (SB3's ortho_init)
  double initial_log_std = 0.0;  ///< Box actions: initial log of the action std
  bool normalize_observations = false;  ///< running observation normalisation
  std::uint64_t seed = 1;  ///< initialisation and sampling

  template <class V>
  void visit_fields(V&& v) {
    v("num_steps", num_steps, "steps per env in each rollout");
    v("learning_rate", learning_rate, "step size");
    v("optimizer", optimizer, "rmsprop or adam");
    v("anneal_lr", anneal_lr, "decay the step size linearly to 0 over total_steps");
    v("total_steps", total_steps, "horizon of the learning-rate annealing");
    v("gamma", gamma, "discount factor");
    v("gae_lambda", gae_lambda, "GAE lambda (1: n-step returns)");
    v("norm_adv", norm_adv, "normalise advantages over the rollout");
    v("ent_coef", ent_coef, "entropy bonus weight");
    v("vf_coef", vf_coef, "value loss weight");
    v("max_grad_norm", max_grad_norm, "global gradient norm limit (0: none)");
    v("hidden_layers", hidden_layers, "hidden layers of actor and critic");
    v("hidden_size", hidden_size, "units per hidden layer");
    v("activation", activation, "hidden activation (tanh, relu, ...)");
    v("orthogonal_init", orthogonal_init, "orthogonal initialisation");
    v("initial_log_std", initial_log_std, "Box actions: initial log of the action std");
    v("normalize_observations", normalize_observations, "running observation normalisation");
    v("seed", seed, "seed for initialisation and sampling");
  }
};

void validate(const A2cConfig& config);

/// SB3's defaults with 8 envs (RL Zoo's CartPole-v1 settings), for every env.
Preset<A2cConfig> a2c_preset(std::string_view env_id);

class A2c final : public Agent {
 public:
  A2c(envs::VecEnv& env, const A2cConfig& config);

  const char* name() const override { return "a2c"; }
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
  void update(Logger& logger);

  envs::VecEnv& env_;
  A2cConfig config_;
  ActorCritic model_;
  std::unique_ptr<nn::Optimizer> optimizer_;
  nn::Rng rng_;
  RolloutBuffer buffer_;
  EpisodeTracker tracker_;
  std::int64_t step_ = 0;
  std::int64_t iteration_ = 0;
  bool started_ = false;
  std::vector<nn::ParamStore*> params_;  // every trainable block, for clipping
  nn::Tape tape_;
  std::vector<std::int64_t> rows_;
  nn::Matrix advantages_;
  nn::Matrix returns_;
  nn::Matrix action_scratch_;
  std::vector<std::int32_t> index_scratch_;
  nn::Matrix prepared_;
};

}  // namespace rl::agents
