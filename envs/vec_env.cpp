#include "envs/vec_env.hpp"

#include <algorithm>

#include "envs/snapshot.hpp"

namespace rl::envs {

void BatchBuffers::allocate(std::int64_t envs, std::int64_t obs_size) {
  num_envs = envs;
  observation_size = obs_size;
  const auto n = static_cast<size_t>(envs);
  observations.assign(n * static_cast<size_t>(obs_size), 0.0f);
  final_observations.assign(n * static_cast<size_t>(obs_size), 0.0f);
  rewards.assign(n, 0.0f);
  rewards_exact.assign(n, 0.0);
  terminated.assign(n, 0);
  truncated.assign(n, 0);
  episode_returns.assign(n, 0.0);
  episode_lengths.assign(n, 0);
}

Batch BatchBuffers::view() const {
  return {num_envs,      observation_size, observations, final_observations, rewards,
          rewards_exact, terminated,       truncated,    episode_returns,    episode_lengths};
}

Batch with_observations(const Batch& inner, const BatchBuffers& buffers) {
  Batch out = inner;
  out.observation_size = buffers.observation_size;
  out.observations = buffers.observations;
  out.final_observations = buffers.final_observations;
  return out;
}

void BatchBuffers::clear_step_outputs() {
  std::fill(rewards.begin(), rewards.end(), 0.0f);
  std::fill(rewards_exact.begin(), rewards_exact.end(), 0.0);
  std::fill(terminated.begin(), terminated.end(), 0);
  std::fill(truncated.begin(), truncated.end(), 0);
  std::fill(episode_returns.begin(), episode_returns.end(), 0.0);
  std::fill(episode_lengths.begin(), episode_lengths.end(), 0);
}

void BatchBuffers::save(SnapshotWriter& out) const {
  out.raw(observations);
  out.raw(final_observations);
  out.raw(rewards);
  out.raw(rewards_exact);
  out.raw(terminated);
  out.raw(truncated);
  out.raw(episode_returns);
  out.raw(episode_lengths);
}

void BatchBuffers::load(SnapshotReader& in) {
  in.raw(observations);
  in.raw(final_observations);
  in.raw(rewards);
  in.raw(rewards_exact);
  in.raw(terminated);
  in.raw(truncated);
  in.raw(episode_returns);
  in.raw(episode_lengths);
}

}  // namespace rl::envs
