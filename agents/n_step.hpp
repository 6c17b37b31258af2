// n-step transitions from single steps (Sutton & Barto 2018, section 7.1): the transition from
// s_t emitted n steps later carries R = sum_k gamma^k r_{t+k}, the state n steps on and the
// discount gamma^n for its value. An episode's end flushes every pending step with a shorter sum;
// termination marks them terminal, truncation lets them bootstrap from the final observation.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "nn/state_dict.hpp"
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

  /// The steps waiting for their n-step transition, under `prefix`, for training checkpoints.
  void save(nn::StateDict& state, const std::string& prefix) const {
    for (size_t e = 0; e < pending_.size(); ++e) {
      const Pending& p = pending_[e];
      const std::string name = prefix + std::to_string(e) + "/";
      state.put(name + "observations",
                nn::ConstMatrixMap(p.observations.data(), 1,
                                   static_cast<nn::Index>(p.observations.size())));
      state.put(name + "actions",
                nn::ConstMatrixMap(p.actions.data(), 1, static_cast<nn::Index>(p.actions.size())));
      state.put(name + "returns", p.returns);
      state.put_words(name + "steps", std::vector<std::uint64_t>(p.steps.begin(), p.steps.end()));
      state.put_words(name + "ring",
                      {static_cast<std::uint64_t>(p.head), static_cast<std::uint64_t>(p.count)});
    }
  }
  void load(const nn::StateDict& state, const std::string& prefix) {
    for (size_t e = 0; e < pending_.size(); ++e) {
      Pending& p = pending_[e];
      const std::string name = prefix + std::to_string(e) + "/";
      const nn::Matrix& observations = state.tensor(name + "observations");
      const nn::Matrix& actions = state.tensor(name + "actions");
      const std::vector<double>& returns = state.vector(name + "returns");
      const std::vector<std::uint64_t>& steps = state.word_array(name + "steps");
      const std::vector<std::uint64_t>& ring = state.word_array(name + "ring");
      check(static_cast<size_t>(observations.size()) == p.observations.size() &&
                static_cast<size_t>(actions.size()) == p.actions.size() &&
                returns.size() == p.returns.size() && steps.size() == p.steps.size() &&
                ring.size() == 2,
            "checkpoint n-step state of env ", e, " does not fit n = ", n_,
            "; load it into an agent with the same n_step and env");
      std::copy_n(observations.data(), observations.size(), p.observations.begin());
      std::copy_n(actions.data(), actions.size(), p.actions.begin());
      p.returns = returns;
      std::copy(steps.begin(), steps.end(), p.steps.begin());
      p.head = static_cast<int>(ring[0]);
      p.count = static_cast<int>(ring[1]);
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
