// The interface every agent shares, so experiments can train, evaluate, save and restore any of
// them. Each agent is one file that reads top to bottom (CleanRL's dqn.py and ppo.py are the
// models); this is only the edge the rest of the suite sees.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "agents/episode_tracker.hpp"
#include "agents/logger.hpp"
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
  /// Env steps trained so far.
  virtual std::int64_t steps() const = 0;
  /// Everything needed to act as this agent does: network weights and normalisation statistics.
  virtual nn::StateDict policy_state() const = 0;
  /// Restores a state saved by policy_state() of an agent with the same configuration.
  virtual void load_policy_state(const nn::StateDict& state) = 0;
  /// The training episodes seen so far.
  virtual const EpisodeTracker& episodes() const = 0;
};

}  // namespace rl::agents
