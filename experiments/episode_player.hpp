// Plays episodes of one env copy for people to look at: who chooses the actions (a saved policy,
// a person, chance), the episode's progress, and the frame that shows it all. `rl watch`,
// `rl record`, `rl play` and `rl train --watch-every` differ only in where frames go and what
// the keys do.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agents/agent.hpp"
#include "envs/random.hpp"
#include "envs/vec_env.hpp"
#include "sim/draw_list.hpp"
#include "sim/render/canvas.hpp"
#include "sim/render/overlay.hpp"

namespace rl::experiments {

/// Chooses the next action of a one-env VecEnv and says why, as overlay bars.
class Chooser {
 public:
  virtual ~Chooser() = default;
  /// Fills out (one action) for the observation in `last`, and `view` with what the chooser
  /// makes of it (may stay empty).
  virtual void choose(const envs::Batch& last, agents::Actions& out,
                      std::vector<sim::Bars>& view) = 0;
};

/// A trained agent's policy, greedy or sampled; its view is the action probabilities, the
/// Q-values (DQN) or the action vector, the chosen action highlighted.
class PolicyChooser : public Chooser {
 public:
  PolicyChooser(agents::Agent& agent, const envs::EnvSpec& spec, bool deterministic);
  void choose(const envs::Batch& last, agents::Actions& out, std::vector<sim::Bars>& view) override;

 private:
  agents::Agent& agent_;
  const envs::EnvSpec& spec_;
  bool deterministic_;
  agents::PolicyView policy_view_;
};

/// Uniformly random actions from the action space (Gymnasium's action_space.sample()).
class RandomChooser : public Chooser {
 public:
  RandomChooser(const envs::EnvSpec& spec, std::uint64_t seed);
  void choose(const envs::Batch& last, agents::Actions& out, std::vector<sim::Bars>& view) override;

 private:
  const envs::EnvSpec& spec_;
  envs::NumpyRandom rng_;
};

/// The label of each Discrete action or Box dimension: the env's action names, else indices.
std::vector<std::string> action_labels(const envs::EnvSpec& spec);
/// A bar for each value of a Box action, on the space's bounds.
sim::Bars action_bars(const envs::EnvSpec& spec, std::span<const float> action);

class EpisodePlayer {
 public:
  /// env must have one copy made with AutoReset::kDisabled, so an episode's last frame shows
  /// how it ended. Episode k (from 0) is reset with seed + k.
  EpisodePlayer(envs::VecEnv& env, Chooser& chooser, std::uint64_t seed);

  /// Resets the env for the next episode and chooses its first action.
  void begin_episode();
  /// Asks the chooser again for the pending action (keyboard play: the keys held now).
  void rechoose();
  /// Takes the pending action; returns true when the episode ended with it. Otherwise the next
  /// action is chosen at once, so a frame drawn now shows it.
  bool step();

  bool episode_over() const { return over_; }
  /// 1 for the first episode; 0 before begin_episode().
  std::int64_t episode() const { return episode_; }
  std::int64_t step_count() const { return steps_; }
  double episode_return() const { return return_; }
  double last_reward() const { return last_reward_; }
  bool terminated() const { return terminated_; }
  /// Returns of the episodes that ended.
  const std::vector<double>& returns() const { return returns_; }
  /// ": returns 500.00 487.00" for the summary lines of the commands; empty before any ended.
  std::string returns_text() const;

  /// Paints the current state with an overlay: `heading` lines first, then the episode, step,
  /// reward and return, the chooser's view, and `status` at the bottom.
  void draw(sim::Canvas& canvas, const std::vector<std::string>& heading,
            const std::string& status);

 private:
  void choose_next();

  envs::VecEnv& env_;
  Chooser& chooser_;
  std::uint64_t seed_;
  agents::Actions pending_;
  std::vector<sim::Bars> view_;
  std::int64_t episode_ = 0;
  std::int64_t steps_ = 0;
  double return_ = 0;
  double last_reward_ = 0;
  bool over_ = false;
  bool terminated_ = false;
  std::vector<double> returns_;
  sim::DrawList scene_;
  sim::Overlay overlay_;
};

}  // namespace rl::experiments
