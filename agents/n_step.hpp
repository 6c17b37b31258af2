// n-step transitions from single steps (Sutton & Barto 2018, section 7.1): the transition from
// s_t emitted n steps later carries R = sum_k gamma^k r_{t+k}, the state n steps on and the
// discount gamma^n for its value. An episode's end flushes every pending step with a shorter sum;
// termination marks them terminal, truncation lets them bootstrap from the final observation.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "core/error.hpp"
#include "nn/tensor.hpp"

namespace rl::agents {

class NStepCollector {
 public:
  NStepCollector(std::int64_t num_envs, int n, double gamma, nn::Index observation_size,
                 nn::Index action_size)
      : n_(n),
        gamma_(gamma),
        observation_size_(observation_size),
        action_size_(action_size),
        pending_(static_cast<size_t>(num_envs)) {
    check(n >= 1, "n-step returns: n = ", n, " must be at least 1");
    for (Pending& p : pending_) {
      p.observations.resize(static_cast<size_t>(n * observation_size));
      p.actions.resize(static_cast<size_t>(n * action_size));
      p.returns.resize(static_cast<size_t>(n));
      p.steps.resize(static_cast<size_t>(n));
    }
  }

  /// Adds env `env`'s step; calls emit(observation, action, reward_sum, next_observation,
  /// terminated, truncated, discount) for every transition it completes.
  template <class Emit>
  void add(std::int64_t env, std::span<const float> observation, std::span<const float> action,
           double reward, std::span<const float> next_observation, bool terminated, bool truncated,
           Emit&& emit) {
    Pending& p = pending_[static_cast<size_t>(env)];
    const int slot = (p.head + p.count) % n_;
    std::copy(observation.begin(), observation.end(),
              p.observations.begin() + static_cast<std::ptrdiff_t>(slot * observation_size_));
    std::copy(action.begin(), action.end(),
              p.actions.begin() + static_cast<std::ptrdiff_t>(slot * action_size_));
    p.returns[static_cast<size_t>(slot)] = 0;
    p.steps[static_cast<size_t>(slot)] = 0;
    ++p.count;
    for (int j = 0; j < p.count; ++j) {  // every pending step earns this reward
      const auto k = static_cast<size_t>((p.head + j) % n_);
      p.returns[k] += std::pow(gamma_, p.steps[k]) * reward;
      ++p.steps[k];
    }
    const bool ended = terminated || truncated;
    while (p.count > 0 && (ended || p.steps[static_cast<size_t>(p.head)] == n_)) {
      const auto k = static_cast<size_t>(p.head);
      emit(
          std::span<const float>(p.observations.data() + k * static_cast<size_t>(observation_size_),
                                 static_cast<size_t>(observation_size_)),
          std::span<const float>(p.actions.data() + k * static_cast<size_t>(action_size_),
                                 static_cast<size_t>(action_size_)),
          p.returns[k], next_observation, terminated, truncated, std::pow(gamma_, p.steps[k]));
      p.head = (p.head + 1) % n_;
      --p.count;
    }
  }

 private:
  struct Pending {
    std::vector<float> observations;  // n rows
    std::vector<float> actions;
    std::vector<double> returns;
    std::vector<int> steps;
    int head = 0;
    int count = 0;
  };
  int n_;
  double gamma_;
  nn::Index observation_size_;
  nn::Index action_size_;
  std::vector<Pending> pending_;
};

}  // namespace rl::agents
