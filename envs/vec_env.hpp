// The interface agents, wrappers, renderers and benchmarks use: N copies of an environment stepped
// together into preallocated row-major float32 buffers (Gymnasium's vector API, EnvPool's
// layout). terminated and truncated are reported separately everywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "envs/space.hpp"
#include "sim/draw_list.hpp"

namespace rl::envs {

/// What happens when an episode ends inside step().
enum class AutoReset {
  /// The env is reset in the same step (Gymnasium 0.2x / SB3 / CleanRL): the returned observation
  /// is the new episode's first, and the last one of the finished episode is in
  /// final_observations.
  kSameStep,
  /// No automatic reset: stepping a finished env is an error until reset() or reset_done().
  kDisabled,
};

/// Gymnasium's EnvSpec for one copy of an environment.
struct EnvSpec {
  std::string id;
  Space observation_space;
  Space action_space;
  int max_episode_steps = 0;  ///< truncation after this many steps; 0 for none
  std::optional<double> reward_threshold;  ///< the return that counts as solved
  int render_fps = 50;  ///< frames per second for real-time viewing
  /// What each Discrete action does, or each Box action dimension means, for viewers' overlays
  /// and keyboard play ("left", "right"; "torque").
  std::vector<std::string> action_names{};
  /// The Discrete action that leaves the system alone, if there is one (what keyboard play does
  /// while no key is held).
  std::optional<int> noop_action{};
  AutoReset autoreset = AutoReset::kSameStep;  ///< set by the options the env was made with
};

using ObservationMatrix =
    Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;

/// Views into an environment's output buffers, valid until its next reset() or step().
///
/// terminated and truncated follow Gymnasium: truncated is set when the time limit is reached,
/// even if the same step also terminated. Bootstrap from the next state's value only where
/// terminated is 0 (a truncated, non-terminated step still bootstraps from final_observations).
struct Batch {
  std::int64_t num_envs = 0;
  std::int64_t observation_size = 0;
  std::span<const float> observations;  ///< (num_envs, observation_size), row-major
  std::span<const float> final_observations;  ///< last observation of a finished episode;
                                              ///< rows are valid where done(i)
  std::span<const float> rewards;  ///< float32, for learning
  std::span<const double> rewards_exact;  ///< the rewards as the env computed them (float64)
  std::span<const std::uint8_t> terminated;  ///< the MDP reached a terminal state
  std::span<const std::uint8_t> truncated;  ///< stopped by the time limit
  std::span<const double> episode_returns;  ///< sum of rewards_exact, valid where done(i)
  std::span<const std::int32_t> episode_lengths;  ///< steps of the episode, valid where done(i)

  bool done(std::int64_t i) const { return (terminated[i] | truncated[i]) != 0; }
  std::span<const float> observation(std::int64_t i) const {
    return observations.subspan(i * observation_size, observation_size);
  }
  std::span<const float> final_observation(std::int64_t i) const {
    return final_observations.subspan(i * observation_size, observation_size);
  }
  /// The observations as a (num_envs, observation_size) matrix, the layout networks take.
  ObservationMatrix observation_matrix() const {
    return {observations.data(), num_envs, observation_size};
  }
};

struct BatchBuffers;
class SnapshotWriter;
class SnapshotReader;

/// `inner` with its observations and final observations taken from `buffers` (for wrappers that
/// transform observations and pass everything else through).
Batch with_observations(const Batch& inner, const BatchBuffers& buffers);

/// Owns the buffers a Batch views; environments and wrappers each hold one.
struct BatchBuffers {
  std::int64_t num_envs = 0;
  std::int64_t observation_size = 0;
  std::vector<float> observations;
  std::vector<float> final_observations;
  std::vector<float> rewards;
  std::vector<double> rewards_exact;
  std::vector<std::uint8_t> terminated;
  std::vector<std::uint8_t> truncated;
  std::vector<double> episode_returns;
  std::vector<std::int32_t> episode_lengths;

  void allocate(std::int64_t envs, std::int64_t obs_size);
  Batch view() const;
  /// Clears rewards, flags and episode outputs (after a reset).
  void clear_step_outputs();
  /// Every buffer, for snapshots.
  void save(SnapshotWriter& out) const;
  void load(SnapshotReader& in);
  float* observation(std::int64_t i) { return observations.data() + i * observation_size; }
  float* final_observation(std::int64_t i) {
    return final_observations.data() + i * observation_size;
  }
};

class VecEnv {
 public:
  virtual ~VecEnv() = default;

  virtual const EnvSpec& spec() const = 0;
  virtual std::int64_t num_envs() const = 0;

  /// Resets every env. With a seed, env i is seeded with seed + i (Gymnasium's and EnvPool's
  /// rule); without one, each env continues its own random stream.
  virtual const Batch& reset(std::optional<std::uint64_t> seed) = 0;
  /// Resets only the envs whose episode has ended (for AutoReset::kDisabled).
  virtual const Batch& reset_done() = 0;
  /// One action per env for Discrete spaces (num_envs values), or num_envs rows of
  /// MultiDiscrete actions.
  virtual const Batch& step(std::span<const std::int32_t> actions) = 0;
  /// num_envs rows of Box actions, row-major.
  virtual const Batch& step(std::span<const float> actions) = 0;
  /// The output of the latest reset() or step().
  virtual const Batch& last() const = 0;

  /// Describes env `env`'s current scene for a renderer.
  virtual void draw(std::int64_t env, sim::DrawList& out) const = 0;

  /// The internal state as doubles (the Gymnasium env's `state`), for tests and tools.
  virtual std::int64_t state_size() const = 0;
  virtual void get_state(std::int64_t env, std::span<double> out) const = 0;
  /// Sets env `env`'s state and recomputes its observation; its episode restarts at step 0.
  virtual void set_state(std::int64_t env, std::span<const double> state) = 0;

  /// Everything needed to continue exactly from here (states, random streams, time-limit
  /// counters, episode statistics, the latest outputs), for checkpoints.
  virtual std::vector<std::uint64_t> snapshot() const = 0;
  /// Restores a snapshot of an env made with the same id, options and wrappers; throws otherwise.
  virtual void restore(std::span<const std::uint64_t> snapshot) = 0;

  /// Threads used by step(); results are identical for every count.
  virtual int threads() const = 0;
  virtual void set_threads(int threads) = 0;
};

}  // namespace rl::envs
