// The actor-critic pieces PPO, A2C and REINFORCE share: an actor network with its action
// distribution (categorical logits for Discrete actions; a diagonal Gaussian with a learned,
// state-independent log standard deviation for Box actions, as CleanRL's
// ppo_continuous_action.py), a critic, optional running observation normalisation, and the
// rollout collection that fills a RolloutBuffer.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "agents/agent.hpp"
#include "agents/networks.hpp"
#include "agents/rollout_buffer.hpp"
#include "envs/wrappers/running_mean_std.hpp"
#include "nn/functional.hpp"
#include "nn/random.hpp"

namespace rl::agents {

struct ActorCriticSpec {
  NetworkSpec actor;  ///< hidden layers of the policy network
  NetworkSpec critic;  ///< hidden layers of the value network
  double actor_output_gain = 0.01;  ///< orthogonal gain of the policy's last layer (CleanRL)
  double critic_output_gain = 1.0;  ///< orthogonal gain of the value's last layer (CleanRL)
  double initial_log_std = 0.0;  ///< Box actions: log of the initial action std
  bool normalize_observations = false;  ///< running mean/std normalisation of observations
  double observation_clip = 10.0;  ///< normalised observations are clipped to +-this
};

/// The actor-critic layout an agent's config describes: identical hidden layers for actor and
/// critic (hidden_layers x hidden_size, activation, orthogonal_init), initial_log_std, and
/// normalize_observations when the config has it.
template <class Config>
ActorCriticSpec actor_critic_spec(const Config& c) {
  NetworkSpec network;
  network.hidden.assign(static_cast<size_t>(c.hidden_layers), c.hidden_size);
  network.activation = nn::parse_activation(c.activation);
  network.orthogonal_init = c.orthogonal_init;
  ActorCriticSpec spec;
  spec.actor = network;
  spec.critic = network;
  spec.initial_log_std = c.initial_log_std;
  if constexpr (requires { c.normalize_observations; }) {
    spec.normalize_observations = c.normalize_observations;
  }
  return spec;
}

class ActorCritic {
 public:
  ActorCritic(const envs::EnvSpec& env, const ActorCriticSpec& spec, std::uint64_t seed);

  bool discrete() const { return discrete_; }
  nn::Index action_size() const { return action_size_; }
  nn::Index observation_size() const { return observation_size_; }
  /// Every trainable parameter block: actor, critic and (Box actions) the log std.
  std::vector<nn::ParamStore*> params();

  /// Copies raw observations into out, normalised when enabled (updating the statistics first
  /// if `update`).
  void prepare(const envs::ObservationMatrix& raw, bool update, nn::Matrix& out);
  /// Normalises observations in place with the current statistics (when enabled).
  void normalize(nn::Matrix& observations) const;
  /// Actions for prepared observations: sampled (with their log-probabilities) or the mode.
  void act(const nn::Matrix& observations, nn::Rng& rng, bool deterministic, Actions& out,
           std::span<float> log_probs);
  /// The action probabilities (Discrete) or mean action (Box) for the first prepared row.
  void describe(const nn::Matrix& observations, PolicyView& out);
  /// V(s) for each row of prepared observations, without a tape.
  nn::ConstMatrixMap values(const nn::Matrix& observations) { return critic.predict(observations); }

  /// On the tape: log pi(a|s) (B, 1) of the buffer's actions at `rows`, and the entropy (B, 1) or
  /// (1, 1), from the actor's outputs for those rows.
  nn::Var log_prob(nn::Tape& tape, nn::Var actor_outputs, const RolloutBuffer& buffer,
                   std::span<const std::int64_t> rows, nn::Matrix& action_scratch,
                   std::vector<std::int32_t>& index_scratch);
  nn::Var entropy(nn::Tape& tape, nn::Var actor_outputs);

  /// Steps env `buffer.steps` times from its current observations, filling observations, actions,
  /// log-probs, rewards, flags, next observations, values and next values. Episodes go to the
  /// tracker and logger; step counts env steps.
  void collect(envs::VecEnv& env, RolloutBuffer& buffer, nn::Rng& rng, EpisodeTracker& tracker,
               Logger& logger, std::int64_t& step);

  nn::StateDict policy_state() const;
  void load_policy_state(const nn::StateDict& state);

  nn::Sequential actor;
  nn::Sequential critic;
  nn::ParamStore log_std;  ///< (1, action_size) for Box actions; empty otherwise
  nn::Param log_std_param;
  envs::RunningMeanStd observation_stats;

 private:
  bool discrete_;
  nn::Index action_size_;
  nn::Index observation_size_;
  ActorCriticSpec spec_;
  Actions actions_;
  std::vector<float> step_log_probs_;
  nn::Matrix prepared_;  // (N, obs) observations of the current step
};

}  // namespace rl::agents
