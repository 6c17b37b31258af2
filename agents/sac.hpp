// Soft Actor-Critic (Haarnoja et al. 2018, "Soft Actor-Critic Algorithms and Applications") with
// the details of CleanRL's sac_continuous_action.py and Stable-Baselines3's SAC: a tanh-squashed
// Gaussian actor with a state-dependent log std, twin Q critics with Polyak-averaged targets,
// automatic entropy tuning, and uniform random actions before learning starts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agents/agent.hpp"
#include "agents/preset.hpp"
#include "agents/replay_buffer.hpp"
#include "nn/functional.hpp"
#include "nn/layers/sequential.hpp"
#include "nn/optim/adam.hpp"

namespace rl::agents {

struct SacConfig {
  std::int64_t buffer_size = 1'000'000;  ///< replay capacity in transitions
  double gamma = 0.99;  ///< discount factor
  double tau = 0.005;  ///< Polyak weight of the online critics in each target update
  std::int64_t batch_size = 256;  ///< transitions per gradient step
  std::int64_t learning_starts = 5000;  ///< env steps of uniform random actions before updates
  double policy_lr = 3e-4;  ///< Adam step size of the actor
  double q_lr = 1e-3;  ///< Adam step size of the critics and of log alpha
  int policy_frequency = 2;  ///< actor updates every this many critic updates, this many at once
  int target_network_frequency = 1;  ///< critic updates between target updates
  bool autotune = true;  ///< tune alpha so the policy's entropy tracks target_entropy
  double alpha = 0.2;  ///< entropy coefficient when not tuned
  double initial_alpha = 1.0;  ///< entropy coefficient the tuning starts from
  double target_entropy = 0;  ///< entropy the tuning aims at; 0 picks -action_dim (SB3's "auto")
  int hidden_layers = 2;  ///< hidden layers of the actor and of each critic
  int hidden_size = 256;  ///< units per hidden layer
  std::string activation = "relu";  ///< hidden activation: relu, tanh, elu, ...
  std::int64_t gradient_steps = 1;  ///< gradient steps per step of the vectorised env
  std::int64_t log_interval = 1000;  ///< env steps between train/ and time/ logs
  std::uint64_t seed = 1;  ///< initialisation, exploration and replay sampling

  template <class V>
  void visit_fields(V&& v) {
    v("buffer_size", buffer_size, "replay capacity in transitions");
    v("gamma", gamma, "discount factor");
    v("tau", tau, "Polyak weight of the online critics in each target update");
    v("batch_size", batch_size, "transitions per gradient step");
    v("learning_starts", learning_starts, "env steps of uniform random actions before updates");
    v("policy_lr", policy_lr, "Adam step size of the actor");
    v("q_lr", q_lr, "Adam step size of the critics and of log alpha");
    v("policy_frequency", policy_frequency,
      "actor updates every this many critic updates, this many at once");
    v("target_network_frequency", target_network_frequency,
      "critic updates between target updates");
    v("autotune", autotune, "tune alpha so the policy's entropy tracks target_entropy");
    v("alpha", alpha, "entropy coefficient when not tuned");
    v("initial_alpha", initial_alpha, "entropy coefficient the tuning starts from");
    v("target_entropy", target_entropy, "entropy the tuning aims at (0: -action_dim)");
    v("hidden_layers", hidden_layers, "hidden layers of the actor and of each critic");
    v("hidden_size", hidden_size, "units per hidden layer");
    v("activation", activation, "hidden activation (relu, tanh, elu, ...)");
    v("gradient_steps", gradient_steps, "gradient steps per step of the vectorised env");
    v("log_interval", log_interval, "env steps between train/ and time/ logs");
    v("seed", seed, "seed for initialisation, exploration and replay sampling");
  }
};

/// Throws naming the field when a value is out of range.
void validate(const SacConfig& config);

/// The tuned configuration for env_id (Pendulum-v1: RLtools' benchmark layout with our tuning,
/// for 10k steps on one env), or CleanRL's defaults for other envs.
Preset<SacConfig> sac_preset(std::string_view env_id);

/// The squashed Gaussian policy, on the tape. actor_outputs (B, 2A) holds [mean | raw log std]
/// per row, noise (B, A) standard-normal draws:
///   log_std = LOG_STD_MIN + (LOG_STD_MAX - LOG_STD_MIN) (tanh(raw) + 1) / 2   (-5 and 2)
///   u = mean + exp(log_std) noise,   action = tanh(u) in [-1, 1]   -> (B, A)
nn::Var squashed_gaussian_action(nn::Var actor_outputs, nn::Var noise);
/// log pi(action | s) = sum_j [log N(u_j; mean_j, std_j) - log(1 - tanh(u_j)^2)]   -> (B, 1),
/// differentiated through the reparameterised sample.
nn::Var squashed_gaussian_log_prob(nn::Var actor_outputs, nn::Var noise);

class Sac final : public Agent {
 public:
  Sac(envs::VecEnv& env, const SacConfig& config);
  Sac(const Sac&) = delete;  // the optimisers point into the networks
  Sac& operator=(const Sac&) = delete;

  const char* name() const override { return "sac"; }
  void learn(std::int64_t steps, Logger& logger) override;
  /// tanh of the mean (deterministic) or a sample, rescaled to the action space's bounds.
  void act(const envs::ObservationMatrix& observations, bool deterministic, Actions& out) override;
  void describe(const envs::ObservationMatrix& observations, PolicyView& out) override;
  std::int64_t steps() const override { return step_; }
  /// The actor, both critics and their targets, and log alpha.
  nn::StateDict policy_state() const override;
  void load_policy_state(const nn::StateDict& state) override;
  const EpisodeTracker& episodes() const override { return tracker_; }
  nn::StateDict training_state() const override;
  void load_training_state(const nn::StateDict& state) override;

  /// The entropy coefficient in use.
  double alpha() const { return alpha_; }
  double target_entropy() const { return target_entropy_; }
  /// Critic updates so far.
  std::int64_t updates() const { return updates_; }

 private:
  void collect(Logger& logger);
  void update();
  void update_actor_and_alpha();
  void to_env_actions(const nn::Matrix& squashed, Actions& out) const;
  void log(Logger& logger, double seconds, std::int64_t start_step);

  envs::VecEnv& env_;
  SacConfig config_;
  nn::Index observation_size_;
  nn::Index action_size_;
  std::vector<float> action_low_;
  std::vector<float> action_half_range_;
  double target_entropy_;
  nn::Sequential actor_;  // obs -> [mean | raw log std]
  nn::Sequential qf1_;  // [obs | action] -> Q
  nn::Sequential qf2_;
  nn::Sequential qf1_target_;
  nn::Sequential qf2_target_;
  nn::ParamStore log_alpha_;  // one value
  nn::Adam actor_optimizer_;
  nn::Adam q_optimizer_;
  nn::Adam alpha_optimizer_;
  double alpha_;
  nn::Rng rng_;
  ReplayBuffer buffer_;
  EpisodeTracker tracker_;
  std::int64_t step_ = 0;
  std::int64_t updates_ = 0;
  bool started_ = false;
  // means since the last log
  double actor_loss_sum_ = 0;
  double critic_loss_sum_ = 0;
  double alpha_loss_sum_ = 0;
  std::int64_t actor_updates_logged_ = 0;
  std::int64_t critic_updates_logged_ = 0;
  // collection workspace
  nn::Matrix step_observations_;  // (N, obs)
  nn::Matrix step_noise_;  // (N, A)
  nn::Matrix step_actions_;  // (N, A) in [-1, 1]
  Actions env_actions_;
  nn::Matrix act_noise_;  // act()'s own, sized for its callers' batches
  nn::Matrix act_actions_;
  Actions describe_actions_;  // describe(): the deterministic action in env units
  // update workspace
  ReplayBatch batch_;
  nn::Tape target_tape_;  // the actor on next observations, never differentiated
  nn::Tape critic_tape_;
  nn::Tape actor_tape_;
  nn::Matrix noise_;  // (B, A)
  nn::Matrix next_actions_;  // (B, A)
  nn::Matrix next_log_probs_;  // (B, 1)
  nn::Matrix next_input_;  // (B, obs + A)
  nn::Matrix critic_input_;  // (B, obs + A)
  nn::Matrix td_targets_;  // (B, 1)
};

}  // namespace rl::agents
