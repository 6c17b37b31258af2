#include "log/minari_dataset.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <span>

#include "core/error.hpp"
#include "log/hdf5.hpp"
#include "log/replace_file.hpp"

namespace rl::log {

namespace {

std::vector<hsize_t> dims_of(std::int64_t rows, const std::vector<std::int64_t>& shape) {
  std::vector<hsize_t> dims = {static_cast<hsize_t>(rows)};
  for (std::int64_t d : shape) {
    dims.push_back(static_cast<hsize_t>(d));
  }
  return dims;
}

std::int64_t size_of(const std::vector<std::int64_t>& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::int64_t{1}, std::multiplies<>());
}

void write_episode(hid_t file, std::int64_t id, const TrajectoryEpisode& e,
                   const MinariDataset& dataset, const std::string& path) {
  const std::int64_t observation_size = size_of(dataset.observation_shape);
  check(static_cast<std::int64_t>(e.observations.size()) == (e.steps + 1) * observation_size &&
            static_cast<std::int64_t>(e.rewards.size()) == e.steps &&
            static_cast<std::int64_t>(e.terminations.size()) == e.steps &&
            static_cast<std::int64_t>(e.truncations.size()) == e.steps,
        path, ": episode ", id, " has inconsistent column lengths");
  h5::Id group = h5::create_group(file, "episode_" + std::to_string(id), path);
  h5::set_attribute(group.get(), "id", id, path);
  h5::set_attribute(group.get(), "total_steps", e.steps, path);
  h5::set_attribute(group.get(), "seed", e.seed, path);
  // Minari's EpisodeMetadataCallback statistics (numpy's population std).
  const double sum = std::accumulate(e.rewards.begin(), e.rewards.end(), 0.0);
  const double mean = e.steps > 0 ? sum / static_cast<double>(e.steps) : 0.0;
  double squares = 0;
  for (double r : e.rewards) {
    squares += (r - mean) * (r - mean);
  }
  h5::set_attribute(group.get(), "rewards_sum", sum, path);
  h5::set_attribute(group.get(), "rewards_mean", mean, path);
  h5::set_attribute(group.get(), "rewards_std",
                    e.steps > 0 ? std::sqrt(squares / static_cast<double>(e.steps)) : 0.0, path);
  h5::set_attribute(group.get(), "rewards_max",
                    e.steps > 0 ? *std::max_element(e.rewards.begin(), e.rewards.end()) : 0.0,
                    path);
  h5::set_attribute(group.get(), "rewards_min",
                    e.steps > 0 ? *std::min_element(e.rewards.begin(), e.rewards.end()) : 0.0,
                    path);
  h5::write(group.get(), "observations", std::span<const float>(e.observations),
            dims_of(e.steps + 1, dataset.observation_shape), path);
  if (dataset.action_shape.empty()) {
    check(static_cast<std::int64_t>(e.discrete_actions.size()) == e.steps, path, ": episode ", id,
          " has ", e.discrete_actions.size(), " actions for ", e.steps, " steps");
    h5::write(group.get(), "actions", std::span<const std::int64_t>(e.discrete_actions),
              {static_cast<hsize_t>(e.steps)}, path);
  } else {
    check(static_cast<std::int64_t>(e.continuous_actions.size()) ==
              e.steps * size_of(dataset.action_shape),
          path, ": episode ", id, " has ", e.continuous_actions.size(), " action values for ",
          e.steps, " steps");
    h5::write(group.get(), "actions", std::span<const float>(e.continuous_actions),
              dims_of(e.steps, dataset.action_shape), path);
  }
  h5::write(group.get(), "rewards", std::span<const double>(e.rewards),
            {static_cast<hsize_t>(e.steps)}, path);
  h5::write_bool(group.get(), "terminations", e.terminations, path);
  h5::write_bool(group.get(), "truncations", e.truncations, path);
}

}  // namespace

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

void write_minari_dataset(const std::string& folder, const MinariDataset& dataset) {
  namespace fs = std::filesystem;
  const fs::path data = fs::path(folder) / "data";
  std::error_code error;
  fs::create_directories(data, error);
  check(!error, "cannot create the folder ", data.string(), " (", error.message(),
        "); choose another --record-trajectories folder");
  const std::string hdf5_path = (data / "main_data.hdf5").string();
  std::int64_t total_steps = 0;
  {
    h5::Id file = h5::create_memory_file();
    for (size_t i = 0; i < dataset.episodes.size(); ++i) {
      write_episode(file.get(), static_cast<std::int64_t>(i), dataset.episodes[i], dataset,
                    hdf5_path);
      total_steps += dataset.episodes[i].steps;
    }
    replace_file(hdf5_path, h5::file_image(file.get()), true);
  }
  // Minari asserts that both spaces are strings holding JSON (double-encoded), and reads
  // version-dependent JPEG decoding of image-like Boxes unless jpeg_encoding is false.
  std::string json = "{\n";
  json += "  \"dataset_id\": " + json_string(dataset.dataset_id) + ",\n";
  json += "  \"minari_version\": \"0.5.3\",\n";
  json += "  \"data_format\": \"hdf5\",\n";
  json += "  \"jpeg_encoding\": false,\n";
  json += "  \"total_episodes\": " + std::to_string(dataset.episodes.size()) + ",\n";
  json += "  \"total_steps\": " + std::to_string(total_steps) + ",\n";
  json += "  \"observation_space\": " + json_string(dataset.observation_space) + ",\n";
  json += "  \"action_space\": " + json_string(dataset.action_space) + ",\n";
  json += "  \"algorithm_name\": " + json_string(dataset.algorithm_name) + ",\n";
  json += "  \"author\": [\"rlsuite\"],\n";
  json += "  \"description\": " + json_string(dataset.description) + "\n";
  json += "}\n";
  replace_file((data / "metadata.json").string(), json, true);
}

}  // namespace rl::log
