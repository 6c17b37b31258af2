#include "agents/prioritized_replay.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace rl::agents {

PrioritizedReplayBuffer::PrioritizedReplayBuffer(std::int64_t capacity, nn::Index observation_size,
                                                 nn::Index action_size, bool discrete, double alpha,
                                                 double epsilon)
    : buffer_(capacity, observation_size, action_size, discrete),
      tree_(capacity),
      alpha_(alpha),
      epsilon_(epsilon) {
  check(alpha >= 0, "prioritized replay: alpha = ", alpha, " must be >= 0");
  check(epsilon > 0, "prioritized replay: epsilon = ", epsilon, " must be positive");
}

void PrioritizedReplayBuffer::add(std::span<const float> observation, std::span<const float> action,
                                  double reward, std::span<const float> next_observation,
                                  bool terminated, bool truncated, double discount) {
  const std::int64_t row = buffer_.cursor();
  buffer_.add(observation, action, reward, next_observation, terminated, truncated, discount);
  tree_.set(row, std::pow(max_priority_, alpha_));
}

void PrioritizedReplayBuffer::sample(std::int64_t batch_size, double beta, nn::Rng& rng,
                                     ReplayBatch& out) {
  check(buffer_.size() > 0, "prioritized replay: cannot sample from an empty buffer");
  rows_.resize(static_cast<size_t>(batch_size));
  const double total = tree_.total();
  const double segment = total / static_cast<double>(batch_size);
  for (std::int64_t i = 0; i < batch_size; ++i) {
    const double mass = (static_cast<double>(i) + rng.uniform()) * segment;
    rows_[static_cast<size_t>(i)] = tree_.find(std::min(mass, std::nextafter(total, 0.0)));
  }
  buffer_.gather(rows_, out);
  // w_i = (N P(i))^-beta, normalised by the largest weight, that of the smallest priority
  const auto n = static_cast<double>(buffer_.size());
  const double max_weight = std::pow(n * tree_.min() / total, -beta);
  for (std::int64_t i = 0; i < batch_size; ++i) {
    const double probability = tree_.get(rows_[static_cast<size_t>(i)]) / total;
    out.weights(i, 0) = static_cast<float>(std::pow(n * probability, -beta) / max_weight);
  }
}

void PrioritizedReplayBuffer::update_priorities(std::span<const std::int64_t> rows,
                                                std::span<const float> td_errors) {
  check(rows.size() == td_errors.size(), "prioritized replay: ", rows.size(), " rows but ",
        td_errors.size(), " TD errors");
  for (size_t i = 0; i < rows.size(); ++i) {
    const double priority = std::abs(static_cast<double>(td_errors[i])) + epsilon_;
    max_priority_ = std::max(max_priority_, priority);
    tree_.set(rows[i], std::pow(priority, alpha_));
  }
}

void PrioritizedReplayBuffer::save(nn::StateDict& state, const std::string& prefix) const {
  buffer_.save(state, prefix);
  std::vector<double> priorities(static_cast<size_t>(tree_.leaves()));
  for (std::int64_t i = 0; i < tree_.leaves(); ++i) {
    priorities[static_cast<size_t>(i)] = tree_.get(i);
  }
  state.put(prefix + "priorities", std::move(priorities));
  state.put(prefix + "max_priority", max_priority_);
}

void PrioritizedReplayBuffer::load(const nn::StateDict& state, const std::string& prefix) {
  buffer_.load(state, prefix);
  const std::vector<double>& priorities = state.vector(prefix + "priorities");
  check(static_cast<std::int64_t>(priorities.size()) == tree_.leaves(),
        "checkpoint priorities cover ", priorities.size(), " transitions, expected ",
        tree_.leaves());
  // only the rows in use: leaves never set must stay out of the minimum (the largest weight)
  for (std::int64_t i = 0; i < buffer_.size(); ++i) {
    tree_.set(i, priorities[static_cast<size_t>(i)]);
  }
  max_priority_ = state.scalar(prefix + "max_priority");
}

}  // namespace rl::agents
