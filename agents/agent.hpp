// The interface every agent shares, so experiments can train, evaluate, save and restore any of
// them. Each agent is one file that reads top to bottom (CleanRL's dqn.py and ppo.py are the
// models); this is only the edge the rest of the suite sees.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "agents/episode_tracker.hpp"
#include "agents/logger.hpp"
#include "core/error.hpp"
#include "envs/vec_env.hpp"
#include "nn/state_dict.hpp"

namespace rl::agents {

/// A batch of actions for a VecEnv: integers for Discrete spaces, float rows for Box spaces.
struct Actions {
  std::vector<std::int32_t> discrete;
  std::vector<float> continuous;

  /// Sizes the buffer for num_envs actions of `space`.
  void resize_for(const envs::Space& space, std::int64_t num_envs);
  /// Steps env with these actions.
  const envs::Batch& step(envs::VecEnv& env) const;
};

/// What a policy makes of one observation, for viewers' overlays: the probability of each action
/// (categorical policies), the Q-value of each action (DQN), or the action it would take
/// deterministically (continuous policies, in the env's units).
struct PolicyView {
  enum class Kind { probabilities, q_values, action };
  Kind kind = Kind::action;
  std::vector<float> values;
};

/// Thrown when a loss stops being a finite number: training has diverged.
class TrainingDiverged : public Error {
 public:
  TrainingDiverged(const char* agent, std::int64_t step, double loss);
  std::int64_t step() const { return step_; }
  /// "ppo: the loss became nan at step 256", without the advice.
  const std::string& what_happened() const { return what_happened_; }

 private:
  std::int64_t step_;
  std::string what_happened_;
};

/// Throws TrainingDiverged unless loss is finite; call before the gradient step it would drive.
void check_loss(double loss, const char* agent, std::int64_t step);

class Agent {
 public:
  virtual ~Agent() = default;

  virtual const char* name() const = 0;
  /// Trains for `steps` more env steps (counted over all envs), reporting to logger. Calling it
  /// again continues where it stopped.
  virtual void learn(std::int64_t steps, Logger& logger) = 0;
  /// The policy's actions for a batch of raw observations (num_envs rows); deterministic picks the
  /// greedy or mean action, otherwise it samples as in training.
  virtual void act(const envs::ObservationMatrix& observations, bool deterministic,
                   Actions& out) = 0;
  /// What the policy makes of the first row of observations (raw, as the env returns them).
  virtual void describe(const envs::ObservationMatrix& observations, PolicyView& out) = 0;
  /// Env steps trained so far.
  virtual std::int64_t steps() const = 0;
  /// Everything needed to act as this agent does: network weights and normalisation statistics.
  virtual nn::StateDict policy_state() const = 0;
  /// Restores a state saved by policy_state() of an agent with the same configuration.
  virtual void load_policy_state(const nn::StateDict& state) = 0;
  /// The training episodes seen so far.
  virtual const EpisodeTracker& episodes() const = 0;

  /// Everything learning depends on (networks, optimiser states, replay or pending episodes,
  /// random generators, counters, episode statistics) taken between learn() calls. An agent of
  /// the same configuration that loads it, on an env restored from the env's snapshot taken at
  /// the same moment, continues exactly as this one would.
  virtual nn::StateDict training_state() const = 0;
  virtual void load_training_state(const nn::StateDict& state) = 0;
};

}  // namespace rl::agents
