// Deep Q-Networks (Mnih et al. 2015) as CleanRL's dqn.py, with the extensions users reach for in
// Stable-Baselines3 and Dopamine: Double DQN (van Hasselt et al. 2016), a dueling head (Wang et
// al. 2016), n-step returns, prioritised replay (Schaul et al. 2016), Huber or MSE loss, global
// gradient clipping and hard or Polyak target updates. Discrete actions only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agents/agent.hpp"
#include "agents/n_step.hpp"
#include "agents/preset.hpp"
#include "agents/prioritized_replay.hpp"
#include "agents/replay_buffer.hpp"
#include "nn/layers/sequential.hpp"
#include "nn/optim/adam.hpp"

namespace rl::agents {

/// Defaults are CleanRL's dqn.py for CartPole-v1; dqn_preset() holds the tuned ones.
struct DqnConfig {
  double learning_rate = 2.5e-4;  ///< Adam step size
  std::int64_t buffer_size = 10'000;  ///< transitions the replay buffer keeps
  double gamma = 0.99;  ///< discount factor
  double tau = 1.0;  ///< target update rate: 1 copies, below 1 blends (Polyak)
  std::int64_t target_network_frequency = 500;  ///< env steps between target updates
  std::int64_t batch_size = 128;  ///< transitions per gradient step
  double start_e = 1.0;  ///< exploration epsilon at the start
  double end_e = 0.05;  ///< exploration epsilon at the end of the schedule
  double exploration_fraction = 0.5;  ///< fraction of total_steps over which epsilon decays
  std::int64_t learning_starts = 10'000;  ///< env steps before training starts
  std::int64_t train_frequency = 10;  ///< env steps between training rounds
  int gradient_steps = 1;  ///< gradient steps per training round
  std::int64_t total_steps = 500'000;  ///< horizon of the epsilon and beta schedules
  bool double_q = false;  ///< pick the next action with the online network (Double DQN)
  bool dueling = false;  ///< Q = V + A - mean(A) over a shared torso
  int n_step = 1;  ///< steps summed into each transition's return
  bool prioritized = false;  ///< prioritised experience replay
  double per_alpha = 0.6;  ///< prioritisation exponent
  double per_beta0 = 0.4;  ///< initial importance-sampling exponent, annealed to 1
  std::string loss = "mse";  ///< TD loss: mse (CleanRL) or huber (delta 1; SB3's smooth L1)
  double max_grad_norm = 0;  ///< global gradient norm limit; 0 for none (SB3 uses 10)
  double adam_eps = 1e-8;  ///< Adam epsilon
  bool scale_observations = false;  ///< map finite observation bounds to [-1, 1]
  std::string hidden = "120,84";  ///< widths of the hidden layers, comma-separated
  std::string activation = "relu";  ///< hidden activation: relu, tanh, elu, ...
  bool orthogonal_init = false;  ///< CleanRL's orthogonal init; otherwise PyTorch's default
  std::uint64_t seed = 1;  ///< initialisation, exploration, sampling and the envs' reset

  template <class V>
  void visit_fields(V&& v) {
    v("learning_rate", learning_rate, "Adam step size");
    v("buffer_size", buffer_size, "transitions the replay buffer keeps");
    v("gamma", gamma, "discount factor");
    v("tau", tau, "target update rate (1: copy, below 1: Polyak)");
    v("target_network_frequency", target_network_frequency, "env steps between target updates");
    v("batch_size", batch_size, "transitions per gradient step");
    v("start_e", start_e, "exploration epsilon at the start");
    v("end_e", end_e, "exploration epsilon at the end of the schedule");
    v("exploration_fraction", exploration_fraction, "fraction of total_steps for epsilon decay");
    v("learning_starts", learning_starts, "env steps before training starts");
    v("train_frequency", train_frequency, "env steps between training rounds");
    v("gradient_steps", gradient_steps, "gradient steps per training round");
    v("total_steps", total_steps, "horizon of the epsilon and beta schedules");
    v("double_q", double_q, "Double DQN: the online network picks the next action");
    v("dueling", dueling, "dueling head Q = V + A - mean(A)");
    v("n_step", n_step, "steps summed into each transition's return");
    v("prioritized", prioritized, "prioritised experience replay");
    v("per_alpha", per_alpha, "prioritisation exponent");
    v("per_beta0", per_beta0, "initial importance-sampling exponent (annealed to 1)");
    v("loss", loss, "TD loss: mse or huber");
    v("max_grad_norm", max_grad_norm, "global gradient norm limit (0: none)");
    v("adam_eps", adam_eps, "Adam epsilon");
    v("scale_observations", scale_observations, "map finite observation bounds to [-1, 1]");
    v("hidden", hidden, "widths of the hidden layers, comma-separated");
    v("activation", activation, "hidden activation (relu, tanh, elu, ...)");
    v("orthogonal_init", orthogonal_init, "orthogonal initialisation as CleanRL's PPO");
    v("seed", seed, "seed for initialisation, exploration, sampling and env resets");
  }
};

/// Throws naming the field when a value is out of range.
void validate(const DqnConfig& config);

/// The tuned configuration for CartPole-v1, Acrobot-v1 and MountainCar-v0 (RL Zoo's published
/// hyperparameters, adjusted to pass the learning tests' budgets) with its budget; CleanRL's
/// defaults (one env, 500k steps) otherwise.
Preset<DqnConfig> dqn_preset(std::string_view env_id);

/// "120,84" -> {120, 84}; throws naming the hidden field for anything else.
std::vector<nn::Index> parse_hidden_sizes(const std::string& hidden);

/// Exploration epsilon after `step` env steps: linear from start_e to end_e over
/// exploration_fraction * total_steps, then end_e (CleanRL's linear_schedule).
double dqn_epsilon(const DqnConfig& config, std::int64_t step);

/// TD targets (B, 1) of a sampled batch:
///   y = r_n + discount (1 - terminated) Q_target(s', a'),  a' = argmax_a selector(s', a)
/// where discount is gamma^n, s' the observation the transition ended in (the final one when an
/// episode was truncated) and selector Q_target itself, or Q_online for Double DQN.
void dqn_targets(const nn::ConstMatrixRef& target_next_q, const nn::ConstMatrixRef& selector_next_q,
                 const ReplayBatch& batch, nn::Matrix& targets);

/// Observations -> one value per action: a plain MLP (or CNN torso and MLP), or with a dueling
/// head, Q(s, a) = V(s) + A(s, a) - mean_a A(s, a) over a shared torso. Copying it copies the
/// weights, which is how the target network is made.
struct QNetwork {
  QNetwork(const envs::Space& observation_space, nn::Index actions, const DqnConfig& config,
           std::uint64_t seed);

  /// Q: (B, actions) for observations (B, obs), recorded on tape.
  nn::Var forward(nn::Tape& tape, nn::Var observations);
  std::vector<nn::ParamStore*> params();
  nn::StateDict state_dict() const;
  void load_state_dict(const nn::StateDict& state);

  nn::Sequential torso;  ///< obs -> Q, or obs -> features (after the activation) when dueling
  nn::Sequential value;  ///< dueling only: features -> V (B, 1)
  nn::Sequential advantage;  ///< dueling only: features -> A (B, actions)
  bool dueling = false;
};

/// target = online (tau = 1) or tau online + (1 - tau) target.
void update_target(const QNetwork& online, QNetwork& target, double tau);

class Dqn final : public Agent {
 public:
  Dqn(envs::VecEnv& env, const DqnConfig& config);

  const char* name() const override { return "dqn"; }
  void learn(std::int64_t steps, Logger& logger) override;
  void act(const envs::ObservationMatrix& observations, bool deterministic, Actions& out) override;
  void describe(const envs::ObservationMatrix& observations, PolicyView& out) override;
  std::int64_t steps() const override { return step_; }
  /// The online network under "online/" and the target network under "target/".
  nn::StateDict policy_state() const override;
  void load_policy_state(const nn::StateDict& state) override;
  const EpisodeTracker& episodes() const override { return tracker_; }
  nn::StateDict training_state() const override;
  void load_training_state(const nn::StateDict& state) override;

 private:
  /// Maps bounded observation features into [-1, 1] when scale_observations is on.
  void scale(nn::Matrix& observations) const;
  void choose_actions(const nn::Matrix& observations, double epsilon,
                      std::vector<std::int32_t>& out);
  void update();
  void log(Logger& logger, double seconds_per_step);

  envs::VecEnv& env_;
  DqnConfig config_;
  nn::Index num_actions_;
  std::int64_t action_start_;  // Discrete(n, start): env actions are start + index
  nn::RowVector observation_center_;  // (low + high) / 2 where both bounds are finite, else 0
  nn::RowVector observation_scale_;  // 2 / (high - low) where both are finite, else 1
  QNetwork online_;
  QNetwork target_;
  std::vector<nn::ParamStore*> params_;  // the online network's, for the optimizer and clipping
  nn::Adam optimizer_;
  nn::Rng rng_;
  std::optional<ReplayBuffer> replay_;
  std::optional<PrioritizedReplayBuffer> prioritized_replay_;
  NStepCollector collector_;
  EpisodeTracker tracker_;
  std::int64_t step_ = 0;
  std::int64_t last_log_step_ = 0;
  bool started_ = false;
  // acting workspace
  nn::Tape act_tape_;
  nn::Matrix observations_;  // (N, obs): what the envs saw when they acted, scaled
  nn::Matrix next_observations_;  // (N, obs): where they went (final ones at an end), scaled
  nn::Matrix prepared_;  // act()'s observations, scaled
  std::vector<std::int32_t> action_indices_;  // N, in [0, num_actions)
  std::vector<std::uint8_t> exploring_;  // N
  std::vector<std::int32_t> env_actions_;  // N, as the env takes them
  // update workspace
  ReplayBatch batch_;
  nn::Tape tape_;
  nn::Tape next_tape_;  // Q(s') for the targets; never differentiated
  nn::Matrix targets_;
  std::vector<float> td_errors_;
  // diagnostics since the last log
  double loss_sum_ = 0;
  double q_sum_ = 0;
  double grad_norm_sum_ = 0;
  std::int64_t updates_since_log_ = 0;
};

}  // namespace rl::agents
