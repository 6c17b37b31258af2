#include "agents/episode_tracker.hpp"

#include <algorithm>

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
    logger.episode(step, batch.episode_returns[k], batch.episode_lengths[k]);
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

}  // namespace rl::agents
