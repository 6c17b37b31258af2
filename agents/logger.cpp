#include "agents/logger.hpp"

#include <algorithm>
#include <numeric>

namespace rl::agents {

void MemoryLogger::scalar(std::string_view key, std::int64_t step, double value) {
  scalars_.push_back({std::string(key), step, value});
}

void MemoryLogger::episode(const EpisodeRecord& record) {
  episodes_.push_back(record);
}

std::vector<double> MemoryLogger::values(std::string_view key) const {
  std::vector<double> out;
  for (const Scalar& s : scalars_) {
    if (s.key == key) {
      out.push_back(s.value);
    }
  }
  return out;
}

double MemoryLogger::recent_mean_return(size_t count) const {
  const size_t n = std::min(count, episodes_.size());
  if (n == 0) {
    return 0;
  }
  double total = 0;
  for (size_t i = episodes_.size() - n; i < episodes_.size(); ++i) {
    total += episodes_[i].episode_return;
  }
  return total / static_cast<double>(n);
}

}  // namespace rl::agents
