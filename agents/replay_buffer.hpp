// Off-policy storage: a preallocated ring of transitions in columns (observations, actions,
// rewards, next observations, terminated and truncated kept apart, and the discount to apply to
// the next state's value, gamma^n for n-step transitions). Sampling fills a caller-owned batch
// and allocates nothing.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "nn/random.hpp"
#include "nn/state_dict.hpp"
#include "nn/tensor.hpp"

namespace rl::agents {

/// A sampled minibatch, reused across samples.
struct ReplayBatch {
  nn::Matrix observations;  ///< (B, obs)
  nn::Matrix next_observations;  ///< (B, obs)
  std::vector<std::int32_t> discrete_actions;  ///< B, for Discrete actions
  nn::Matrix continuous_actions;  ///< (B, act), for Box actions
  nn::Matrix rewards;  ///< (B, 1)
  nn::Matrix terminated;  ///< (B, 1), 1 where the episode really ended
  nn::Matrix discounts;  ///< (B, 1), gamma^n for the next state's value
  nn::Matrix weights;  ///< (B, 1) importance weights (1 unless prioritised)
  std::vector<std::int64_t> indices;  ///< the rows sampled, for priority updates
};

class ReplayBuffer {
 public:
  ReplayBuffer(std::int64_t capacity, nn::Index observation_size, nn::Index action_size,
               bool discrete);

  /// Appends one transition, overwriting the oldest when full. `action` holds one value
  /// (the integer action as a float for Discrete spaces) or action_size values.
  void add(std::span<const float> observation, std::span<const float> action, double reward,
           std::span<const float> next_observation, bool terminated, bool truncated,
           double discount);
  /// Fills out with batch_size transitions drawn uniformly with replacement.
  void sample(std::int64_t batch_size, nn::Rng& rng, ReplayBatch& out) const;
  /// Fills out with the transitions at `rows` (weights 1).
  void gather(std::span<const std::int64_t> rows, ReplayBatch& out) const;

  std::int64_t size() const { return size_; }
  std::int64_t capacity() const { return capacity_; }
  bool discrete() const { return discrete_; }
  /// Row the next add() writes.
  std::int64_t cursor() const { return cursor_; }

  /// Every stored transition and the ring position, under `prefix`, for training checkpoints.
  void save(nn::StateDict& state, const std::string& prefix) const;
  void load(const nn::StateDict& state, const std::string& prefix);

 private:
  std::int64_t capacity_;
  nn::Index observation_size_;
  nn::Index action_size_;
  bool discrete_;
  std::int64_t size_ = 0;
  std::int64_t cursor_ = 0;
  nn::Matrix observations_;
  nn::Matrix next_observations_;
  std::vector<std::int32_t> discrete_actions_;
  nn::Matrix continuous_actions_;
  std::vector<float> rewards_;
  std::vector<std::uint8_t> terminated_;
  std::vector<std::uint8_t> truncated_;
  std::vector<float> discounts_;
  mutable std::vector<std::int64_t> rows_;
};

}  // namespace rl::agents
