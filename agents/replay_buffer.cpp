#include "agents/replay_buffer.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace rl::agents {

ReplayBuffer::ReplayBuffer(std::int64_t capacity, nn::Index observation_size, nn::Index action_size,
                           bool discrete)
    : capacity_(capacity),
      observation_size_(observation_size),
      action_size_(action_size),
      discrete_(discrete) {
  check(capacity >= 1, "replay buffer: capacity = ", capacity, " must be at least 1");
  const auto n = static_cast<size_t>(capacity);
  observations_.setZero(capacity, observation_size);
  next_observations_.setZero(capacity, observation_size);
  if (discrete) {
    discrete_actions_.assign(n, 0);
  } else {
    continuous_actions_.setZero(capacity, action_size);
  }
  rewards_.assign(n, 0.0f);
  terminated_.assign(n, 0);
  truncated_.assign(n, 0);
  discounts_.assign(n, 0.0f);
}

void ReplayBuffer::add(std::span<const float> observation, std::span<const float> action,
                       double reward, std::span<const float> next_observation, bool terminated,
                       bool truncated, double discount) {
  const std::int64_t row = cursor_;
  const auto k = static_cast<size_t>(row);
  for (nn::Index j = 0; j < observation_size_; ++j) {
    observations_(row, j) = observation[static_cast<size_t>(j)];
    next_observations_(row, j) = next_observation[static_cast<size_t>(j)];
  }
  if (discrete_) {
    discrete_actions_[k] = static_cast<std::int32_t>(action[0]);
  } else {
    for (nn::Index j = 0; j < action_size_; ++j) {
      continuous_actions_(row, j) = action[static_cast<size_t>(j)];
    }
  }
  rewards_[k] = static_cast<float>(reward);
  terminated_[k] = terminated ? 1 : 0;
  truncated_[k] = truncated ? 1 : 0;
  discounts_[k] = static_cast<float>(discount);
  cursor_ = (cursor_ + 1) % capacity_;
  size_ = std::min(size_ + 1, capacity_);
}

void ReplayBuffer::gather(std::span<const std::int64_t> rows, ReplayBatch& out) const {
  const auto b = static_cast<nn::Index>(rows.size());
  out.observations.resize(b, observation_size_);
  out.next_observations.resize(b, observation_size_);
  out.rewards.resize(b, 1);
  out.terminated.resize(b, 1);
  out.discounts.resize(b, 1);
  out.weights.setOnes(b, 1);
  out.indices.assign(rows.begin(), rows.end());
  if (discrete_) {
    out.discrete_actions.resize(rows.size());
  } else {
    out.continuous_actions.resize(b, action_size_);
  }
  for (nn::Index i = 0; i < b; ++i) {
    const std::int64_t r = rows[static_cast<size_t>(i)];
    const auto k = static_cast<size_t>(r);
    out.observations.row(i) = observations_.row(r);
    out.next_observations.row(i) = next_observations_.row(r);
    if (discrete_) {
      out.discrete_actions[static_cast<size_t>(i)] = discrete_actions_[k];
    } else {
      out.continuous_actions.row(i) = continuous_actions_.row(r);
    }
    out.rewards(i, 0) = rewards_[k];
    out.terminated(i, 0) = terminated_[k];
    out.discounts(i, 0) = discounts_[k];
  }
}

void ReplayBuffer::sample(std::int64_t batch_size, nn::Rng& rng, ReplayBatch& out) const {
  check(size_ > 0, "replay buffer: cannot sample from an empty buffer");
  rows_.resize(static_cast<size_t>(batch_size));
  for (std::int64_t& r : rows_) {
    r = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(size_)));
  }
  gather(rows_, out);
}

namespace {
// Checkpoints hold only the filled rows [0, size): the buffer fills from row 0 before it wraps,
// so a young run's checkpoint is small however large the capacity.
template <class T>
std::vector<std::uint64_t> as_words(const std::vector<T>& values, std::int64_t rows) {
  return std::vector<std::uint64_t>(values.begin(), values.begin() + rows);
}
template <class T>
void from_words(const std::vector<std::uint64_t>& words, std::vector<T>& values, std::int64_t rows,
                const std::string& name) {
  check(static_cast<std::int64_t>(words.size()) == rows, "checkpoint replay column '", name,
        "' has ", words.size(), " rows, expected ", rows, "; the checkpoint is damaged");
  for (size_t i = 0; i < words.size(); ++i) {
    values[i] = static_cast<T>(words[i]);
  }
}
void load_floats(const nn::StateDict& state, const std::string& name, std::vector<float>& out,
                 std::int64_t rows) {
  const nn::Matrix& saved = state.tensor(name);
  check(saved.size() == rows, "checkpoint replay column '", name, "' has ", saved.size(),
        " rows, expected ", rows, "; the checkpoint is damaged");
  std::copy_n(saved.data(), saved.size(), out.begin());
}
void load_matrix(const nn::StateDict& state, const std::string& name, nn::Matrix& out,
                 std::int64_t rows) {
  const nn::Matrix& saved = state.tensor(name);
  check(saved.rows() == rows && saved.cols() == out.cols(), "checkpoint replay column '", name,
        "' has shape (", saved.rows(), ", ", saved.cols(), "), expected (", rows, ", ", out.cols(),
        "); load it into an agent with the same env");
  out.topRows(rows) = saved;
}
}  // namespace

void ReplayBuffer::save(nn::StateDict& state, const std::string& prefix) const {
  const auto rows = static_cast<nn::Index>(size_);
  state.put(prefix + "observations", observations_.topRows(rows));
  state.put(prefix + "next_observations", next_observations_.topRows(rows));
  if (discrete_) {
    state.put_words(prefix + "actions", as_words(discrete_actions_, size_));
  } else {
    state.put(prefix + "actions", continuous_actions_.topRows(rows));
  }
  state.put(prefix + "rewards", nn::ConstMatrixMap(rewards_.data(), 1, rows));
  state.put(prefix + "discounts", nn::ConstMatrixMap(discounts_.data(), 1, rows));
  state.put_words(prefix + "terminated", as_words(terminated_, size_));
  state.put_words(prefix + "truncated", as_words(truncated_, size_));
  state.put_words(prefix + "position",
                  {static_cast<std::uint64_t>(size_), static_cast<std::uint64_t>(cursor_),
                   static_cast<std::uint64_t>(capacity_)});
}

void ReplayBuffer::load(const nn::StateDict& state, const std::string& prefix) {
  const std::vector<std::uint64_t>& position = state.word_array(prefix + "position");
  check(position.size() == 3, "checkpoint replay position is damaged");
  check(position[2] == static_cast<std::uint64_t>(capacity_), "the checkpoint's replay buffer ",
        "holds ", position[2], " transitions, this agent's ", capacity_,
        "; load it into an agent with the same buffer_size");
  check(position[0] <= static_cast<std::uint64_t>(capacity_) &&
            position[1] < static_cast<std::uint64_t>(capacity_),
        "checkpoint replay position is out of range for a buffer of ", capacity_);
  const auto rows = static_cast<std::int64_t>(position[0]);
  load_matrix(state, prefix + "observations", observations_, rows);
  load_matrix(state, prefix + "next_observations", next_observations_, rows);
  if (discrete_) {
    from_words(state.word_array(prefix + "actions"), discrete_actions_, rows, prefix + "actions");
  } else {
    load_matrix(state, prefix + "actions", continuous_actions_, rows);
  }
  load_floats(state, prefix + "rewards", rewards_, rows);
  load_floats(state, prefix + "discounts", discounts_, rows);
  from_words(state.word_array(prefix + "terminated"), terminated_, rows, prefix + "terminated");
  from_words(state.word_array(prefix + "truncated"), truncated_, rows, prefix + "truncated");
  size_ = rows;
  cursor_ = static_cast<std::int64_t>(position[1]);
}

}  // namespace rl::agents
