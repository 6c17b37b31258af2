// Proximal Policy Optimization (Schulman et al. 2017) with the details of CleanRL's ppo.py and
// ppo_continuous_action.py (Huang et al. 2022, "The 37 implementation details of PPO"): clipped
// surrogate, GAE, optional value clipping, entropy bonus, per-minibatch advantage normalisation,
// global gradient clipping, learning-rate annealing, optional target-KL early stop, optional
// observation and reward normalisation; categorical or diagonal-Gaussian policies.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agents/actor_critic.hpp"
#include "agents/agent.hpp"
#include "agents/preset.hpp"
#include "envs/wrappers/running_mean_std.hpp"
#include "nn/optim/adam.hpp"

namespace rl::agents {

struct PpoConfig {
  std::int64_t num_steps = 128;  ///< steps per env in each rollout
  double learning_rate = 2.5e-4;  ///< Adam step size at the start
  bool anneal_lr = true;  ///< decay the step size linearly to 0 over total_steps
  std::int64_t total_steps = 500'000;  ///< horizon of the annealing (SB3: total_timesteps)
  double gamma = 0.99;  ///< discount factor
  double gae_lambda = 0.95;  ///< GAE lambda
  std::int64_t num_minibatches = 4;  ///< minibatches per epoch
  int update_epochs = 4;  ///< passes over each rollout
  bool norm_adv = true;  ///< normalise advantages within each minibatch
  double clip_coef = 0.2;  ///< surrogate clipping range
  bool anneal_clip = false;  ///< decay the clipping range like the step size (RL Zoo)
  bool clip_vloss = true;  ///< clip the value update like the policy's
  double ent_coef = 0.01;  ///< entropy bonus weight
  double vf_coef = 0.5;  ///< value loss weight
  double max_grad_norm = 0.5;  ///< global gradient norm limit; 0 for none
  double target_kl = 0;  ///< stop an update's epochs past this approx KL; 0 for none
  double adam_eps = 1e-5;  ///< Adam epsilon (CleanRL uses 1e-5)
  int hidden_layers = 2;  ///< hidden layers of actor and critic
  int hidden_size = 64;  ///< units per hidden layer
  std::string activation = "tanh";  ///< hidden activation: tanh, relu, elu, ...
  bool orthogonal_init = true;  ///< CleanRL's orthogonal initialisation
  double initial_log_std = 0.0;  ///< Box actions: initial log of the action std
  bool normalize_observations = false;  ///< running observation normalisation
  bool normalize_rewards = false;  ///< scale rewards by the std of the discounted return
  std::uint64_t seed = 1;  ///< initialisation, sampling and shuffling

  template <class V>
  void visit_fields(V&& v) {
    v("num_steps", num_steps, "steps per env in each rollout");
    v("learning_rate", learning_rate, "Adam step size at the start");
    v("anneal_lr", anneal_lr, "decay the step size linearly to 0 over total_steps");
    v("total_steps", total_steps, "horizon of the learning-rate annealing");
    v("gamma", gamma, "discount factor");
    v("gae_lambda", gae_lambda, "GAE lambda");
    v("num_minibatches", num_minibatches, "minibatches per epoch");
    v("update_epochs", update_epochs, "passes over each rollout");
    v("norm_adv", norm_adv, "normalise advantages within each minibatch");
    v("clip_coef", clip_coef, "surrogate clipping range");
    v("anneal_clip", anneal_clip, "decay the clipping range like the step size");
    v("clip_vloss", clip_vloss, "clip the value update like the policy's");
    v("ent_coef", ent_coef, "entropy bonus weight");
    v("vf_coef", vf_coef, "value loss weight");
    v("max_grad_norm", max_grad_norm, "global gradient norm limit (0: none)");
    v("target_kl", target_kl, "stop an update's epochs past this approximate KL (0: never)");
    v("adam_eps", adam_eps, "Adam epsilon");
    v("hidden_layers", hidden_layers, "hidden layers of actor and critic");
    v("hidden_size", hidden_size, "units per hidden layer");
    v("activation", activation, "hidden activation (tanh, relu, elu, ...)");
    v("orthogonal_init", orthogonal_init, "orthogonal initialisation as CleanRL");
    v("initial_log_std", initial_log_std, "Box actions: initial log of the action std");
    v("normalize_observations", normalize_observations, "running observation normalisation");
    v("normalize_rewards", normalize_rewards, "scale rewards by the discounted-return std");
    v("seed", seed, "seed for initialisation, sampling and shuffling");
  }
};

/// Throws naming the field when a value is out of range.
void validate(const PpoConfig& config, std::int64_t num_envs);

/// Tuned settings for CartPole-v1 (RL Zoo's) and Pendulum-v1 (RLtools' benchmark layout with
/// normalisation); CleanRL's defaults with 4 envs elsewhere.
Preset<PpoConfig> ppo_preset(std::string_view env_id);

class Ppo final : public Agent {
 public:
  Ppo(envs::VecEnv& env, const PpoConfig& config);

  const char* name() const override { return "ppo"; }
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
  PpoConfig config_;
  ActorCritic model_;
  nn::Adam optimizer_;
  nn::Rng rng_;
  RolloutBuffer buffer_;
  EpisodeTracker tracker_;
  envs::RunningMeanStd return_stats_{1};
  std::vector<double> discounted_returns_;  // per env, for reward normalisation
  std::int64_t step_ = 0;
  std::int64_t iteration_ = 0;
  double clip_ = 0;  // the clipping range of the current iteration
  bool started_ = false;
  // update workspace
  std::vector<nn::ParamStore*> params_;  // every trainable block, for clipping
  nn::Tape tape_;
  std::vector<std::int64_t> order_;
  nn::Matrix batch_observations_;
  nn::Matrix batch_old_log_probs_;
  nn::Matrix batch_advantages_;
  nn::Matrix batch_returns_;
  nn::Matrix batch_old_values_;
  nn::Matrix action_scratch_;
  std::vector<std::int32_t> index_scratch_;
  nn::Matrix prepared_;
};

}  // namespace rl::agents
