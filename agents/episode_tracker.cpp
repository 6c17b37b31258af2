#include "agents/episode_tracker.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace rl::agents {

EpisodeTracker::EpisodeTracker(size_t window)
    : window_(window), returns_(window, 0.0), lengths_(window, 0) {}

void EpisodeTracker::record(const envs::Batch& batch, std::int64_t step, Logger& logger) {
  for (std::int64_t i = 0; i < batch.num_envs; ++i) {
    if (!batch.done(i)) {
      continue;
    }
    const auto k = static_cast<size_t>(i);
    returns_[next_] = batch.episode_returns[k];
    lengths_[next_] = batch.episode_lengths[k];
    next_ = (next_ + 1) % window_;
    ++episodes_;
    logger.episode({.step = step,
                    .episode_return = batch.episode_returns[k],
                    .length = batch.episode_lengths[k],
                    .env_index = i,
                    .terminated = batch.terminated[k] != 0,
                    .truncated = batch.truncated[k] != 0});
  }
}

namespace {
template <class T>
double mean_of_last(const std::vector<T>& ring, size_t next, std::int64_t filled, size_t count) {
  const size_t n = std::min({count, ring.size(), static_cast<size_t>(filled)});
  if (n == 0) {
    return 0;
  }
  double total = 0;
  for (size_t j = 1; j <= n; ++j) {
    total += static_cast<double>(ring[(next + ring.size() - j) % ring.size()]);
  }
  return total / static_cast<double>(n);
}
}  // namespace

double EpisodeTracker::mean_return(size_t count) const {
  return mean_of_last(returns_, next_, episodes_, count);
}

double EpisodeTracker::mean_length(size_t count) const {
  return mean_of_last(lengths_, next_, episodes_, count);
}

void EpisodeTracker::log(std::int64_t step, Logger& logger) const {
  if (episodes_ == 0) {
    return;
  }
  logger.scalar("rollout/ep_rew_mean", step, mean_return(window_));
  logger.scalar("rollout/ep_len_mean", step, mean_length(window_));
}

void EpisodeTracker::save(nn::StateDict& state, const std::string& prefix) const {
  state.put(prefix + "returns", returns_);
  state.put_words(prefix + "lengths", std::vector<std::uint64_t>(lengths_.begin(), lengths_.end()));
  state.put_words(prefix + "counters",
                  {static_cast<std::uint64_t>(next_), static_cast<std::uint64_t>(episodes_)});
}

void EpisodeTracker::load(const nn::StateDict& state, const std::string& prefix) {
  const std::vector<double>& returns = state.vector(prefix + "returns");
  const std::vector<std::uint64_t>& lengths = state.word_array(prefix + "lengths");
  const std::vector<std::uint64_t>& counters = state.word_array(prefix + "counters");
  check(returns.size() == window_ && lengths.size() == window_ && counters.size() == 2,
        "episode statistics in the checkpoint cover ", returns.size(), " episodes, expected ",
        window_);
  returns_ = returns;
  lengths_.assign(lengths.begin(), lengths.end());
  next_ = static_cast<size_t>(counters[0]);
  episodes_ = static_cast<std::int64_t>(counters[1]);
}

}  // namespace rl::agents
