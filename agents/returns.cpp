#include "agents/returns.hpp"

#include "core/error.hpp"

namespace rl::agents {

void gae(std::span<const float> rewards, std::span<const float> values,
         std::span<const float> next_values, std::span<const std::uint8_t> terminated,
         std::span<const std::uint8_t> truncated, std::int64_t num_envs, double gamma,
         double lambda, std::span<float> advantages) {
  const size_t size = rewards.size();
  check(values.size() == size && next_values.size() == size && terminated.size() == size &&
            truncated.size() == size && advantages.size() == size && num_envs > 0 &&
            size % static_cast<size_t>(num_envs) == 0,
        "gae: every buffer must hold T * num_envs values");
  const auto n = static_cast<size_t>(num_envs);
  const size_t steps = size / n;
  for (size_t i = 0; i < n; ++i) {
    double next_advantage = 0;
    for (size_t t = steps; t-- > 0;) {
      const size_t k = t * n + i;
      const bool ended = terminated[k] != 0 || truncated[k] != 0;
      const double bootstrap = terminated[k] != 0 ? 0.0 : gamma * next_values[k];
      const double delta = rewards[k] + bootstrap - values[k];
      const double advantage = delta + (ended ? 0.0 : gamma * lambda * next_advantage);
      advantages[k] = static_cast<float>(advantage);
      next_advantage = advantage;
    }
  }
}

void discounted_returns(std::span<const float> rewards, std::span<const std::uint8_t> terminated,
                        std::span<const std::uint8_t> truncated, std::span<const float> bootstrap,
                        double tail_value, double gamma, std::span<float> returns) {
  const size_t size = rewards.size();
  check(terminated.size() == size && truncated.size() == size && bootstrap.size() == size &&
            returns.size() == size,
        "discounted_returns: every buffer must hold one value per step");
  double next = tail_value;
  for (size_t t = size; t-- > 0;) {
    double g = rewards[t];
    if (terminated[t] == 0) {
      g += gamma * (truncated[t] != 0 ? static_cast<double>(bootstrap[t]) : next);
    }
    returns[t] = static_cast<float>(g);
    next = g;
  }
}

}  // namespace rl::agents
