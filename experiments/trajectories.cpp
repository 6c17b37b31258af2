#include "experiments/trajectories.hpp"

#include <cmath>
#include <cstdio>
#include <variant>

#include "core/error.hpp"

namespace rl::experiments {

namespace {

std::string json_number(float value) {
  if (std::isinf(value)) {
    return value > 0 ? "Infinity" : "-Infinity";
  }
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", static_cast<double>(value));
  return text;
}

/// Nested lists of the full shape, as numpy's tolist().
std::string nested_list(const std::vector<float>& values, const std::vector<std::int64_t>& shape,
                        size_t dimension, size_t& next) {
  std::string out = "[";
  for (std::int64_t i = 0; i < shape[dimension]; ++i) {
    if (i > 0) {
      out += ", ";
    }
    out += dimension + 1 == shape.size() ? json_number(values[next++])
                                         : nested_list(values, shape, dimension + 1, next);
  }
  return out + "]";
}

std::string shape_list(const std::vector<std::int64_t>& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    out += (i > 0 ? ", " : "") + std::to_string(shape[i]);
  }
  return out + "]";
}

}  // namespace

std::string minari_space_json(const envs::Space& space) {
  if (const auto* box = std::get_if<envs::Box>(&space)) {
    size_t low_next = 0;
    size_t high_next = 0;
    return "{\"type\": \"Box\", \"dtype\": \"float32\", \"shape\": " + shape_list(box->shape) +
           ", \"low\": " + nested_list(box->low, box->shape, 0, low_next) +
           ", \"high\": " + nested_list(box->high, box->shape, 0, high_next) + "}";
  }
  if (const auto* discrete = std::get_if<envs::Discrete>(&space)) {
    return "{\"type\": \"Discrete\", \"dtype\": \"int64\", \"start\": " +
           std::to_string(discrete->start) + ", \"n\": " + std::to_string(discrete->n) + "}";
  }
  throw Error(message("recording trajectories of ", envs::to_string(space),
                      " spaces is not supported yet"));
}

log::MinariDataset collect_trajectories(agents::Agent& agent, envs::VecEnv& env,
                                        std::int64_t episodes, std::uint64_t seed,
                                        bool deterministic) {
  check(env.num_envs() == 1 && env.spec().autoreset == envs::AutoReset::kDisabled,
        "collect_trajectories: needs one env copy without autoreset");
  const envs::EnvSpec& spec = env.spec();
  log::MinariDataset dataset;
  dataset.observation_shape = std::get<envs::Box>(spec.observation_space).shape;
  if (const auto* box = std::get_if<envs::Box>(&spec.action_space)) {
    dataset.action_shape = box->shape;
  }
  dataset.observation_space = minari_space_json(spec.observation_space);
  dataset.action_space = minari_space_json(spec.action_space);
  const auto observation_size = static_cast<size_t>(envs::flat_size(spec.observation_space));
  agents::Actions actions;
  for (std::int64_t k = 0; k < episodes; ++k) {
    log::TrajectoryEpisode episode;
    episode.seed = static_cast<std::int64_t>(seed) + k;
    const envs::Batch* batch = &env.reset(seed + static_cast<std::uint64_t>(k));
    episode.observations.assign(batch->observations.begin(),
                                batch->observations.begin() + static_cast<long>(observation_size));
    while (true) {
      agent.act(batch->observation_matrix(), deterministic, actions);
      if (!actions.discrete.empty()) {
        episode.discrete_actions.push_back(actions.discrete[0]);
      } else {
        episode.continuous_actions.insert(episode.continuous_actions.end(),
                                          actions.continuous.begin(), actions.continuous.end());
      }
      batch = &actions.step(env);
      ++episode.steps;
      episode.rewards.push_back(batch->rewards_exact[0]);
      episode.terminations.push_back(batch->terminated[0]);
      episode.truncations.push_back(batch->truncated[0]);
      // Without autoreset the observation after the last step is the episode's final one.
      const std::span<const float> next = batch->observation(0);
      episode.observations.insert(episode.observations.end(), next.begin(), next.end());
      if (batch->done(0)) {
        break;
      }
    }
    dataset.episodes.push_back(std::move(episode));
  }
  return dataset;
}

}  // namespace rl::experiments
