// Proportional prioritised experience replay (Schaul et al. 2016): transition i is sampled with
// probability p_i^alpha / sum_k p_k^alpha, p_i = |TD error| + epsilon, and its loss weighted by
// (N P(i))^-beta / max_k (N P(k))^-beta. New transitions get the largest priority seen so far.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "agents/replay_buffer.hpp"
#include "agents/sum_tree.hpp"

namespace rl::agents {

class PrioritizedReplayBuffer {
 public:
  PrioritizedReplayBuffer(std::int64_t capacity, nn::Index observation_size, nn::Index action_size,
                          bool discrete, double alpha, double epsilon = 1e-6);

  void add(std::span<const float> observation, std::span<const float> action, double reward,
           std::span<const float> next_observation, bool terminated, bool truncated,
           double discount);
  /// Stratified proportional sampling; out.weights holds the importance weights for beta.
  void sample(std::int64_t batch_size, double beta, nn::Rng& rng, ReplayBatch& out);
  /// New priorities |td_error| + epsilon for the rows of the last sample.
  void update_priorities(std::span<const std::int64_t> rows, std::span<const float> td_errors);

  std::int64_t size() const { return buffer_.size(); }
  void save(nn::StateDict& state, const std::string& prefix) const;
  void load(const nn::StateDict& state, const std::string& prefix);
  const ReplayBuffer& buffer() const { return buffer_; }

 private:
  ReplayBuffer buffer_;
  SumTree tree_;
  double alpha_;
  double epsilon_;
  double max_priority_ = 1.0;
  std::vector<std::int64_t> rows_;
};

}  // namespace rl::agents
