// Episodes in Minari's dataset layout (Minari >= 0.5, HDF5 backend), so offline-RL users load
// what `rl eval --record-trajectories` collects with minari.MinariDataset(FOLDER/data), h5py or
// pandas:
//   FOLDER/data/main_data.hdf5   /episode_{i}: observations (T+1, ...), actions (T, ...),
//                                rewards, terminations, truncations (T,); attributes id,
//                                total_steps, seed, rewards_sum/mean/std/max/min
//   FOLDER/data/metadata.json    dataset_id, minari_version, spaces (as JSON text), totals
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rl::log {

/// One episode: every observation from the reset one to the last (steps + 1 rows), the action,
/// reward and end flags of each step.
struct TrajectoryEpisode {
  std::int64_t seed = 0;  ///< the reset seed
  std::int64_t steps = 0;
  std::vector<float> observations;  ///< (steps + 1) x observation size, row-major
  std::vector<std::int64_t> discrete_actions;  ///< steps values (Discrete actions)
  std::vector<float> continuous_actions;  ///< steps x action size (Box actions)
  std::vector<double> rewards;
  std::vector<std::uint8_t> terminations;
  std::vector<std::uint8_t> truncations;
};

struct MinariDataset {
  std::string dataset_id;  ///< e.g. "rlsuite/cartpole/ppo-v0"
  std::vector<std::int64_t> observation_shape;  ///< one observation's shape, e.g. {4}
  std::vector<std::int64_t> action_shape;  ///< one Box action's shape; empty for Discrete
  std::string observation_space;  ///< Minari's JSON serialisation of the space
  std::string action_space;
  std::string algorithm_name;
  std::string description;
  std::vector<TrajectoryEpisode> episodes;
};

/// Writes FOLDER/data/main_data.hdf5 and FOLDER/data/metadata.json (each whole, through a
/// temporary file). Throws WriteError or Error naming the file.
void write_minari_dataset(const std::string& folder, const MinariDataset& dataset);

/// A JSON string literal (quoted, escaped) of text.
std::string json_string(const std::string& text);

}  // namespace rl::log
