// Pure helpers for the targets every agent learns from. terminated stops bootstrapping (the
// episode really ended); truncated does not (the time limit cut it short, so the value of the
// state it stopped in still counts).
#pragma once

#include <cstdint>
#include <span>

namespace rl::agents {

/// One-step TD target: reward + gamma * next_value, without the second term if terminated.
inline double td_target(double reward, double next_value, bool terminated, double gamma) {
  return terminated ? reward : reward + gamma * next_value;
}

/// Generalised advantage estimation (Schulman et al. 2016) over a time-major (T, N) rollout.
/// Step t of env i moved from a state with value values[t, i] to one with value
/// next_values[t, i] (the next row's value, or the value of the final observation when the
/// episode ended there and the env was reset):
///   delta_t = r_t + gamma (1 - terminated_t) next_value_t - value_t
///   A_t     = delta_t + gamma lambda (1 - done_t) A_{t+1},   done = terminated or truncated
/// Writes advantages (T * N); returns are advantages + values.
void gae(std::span<const float> rewards, std::span<const float> values,
         std::span<const float> next_values, std::span<const std::uint8_t> terminated,
         std::span<const std::uint8_t> truncated, std::int64_t num_envs, double gamma,
         double lambda, std::span<float> advantages);

/// Discounted returns-to-go of one env's consecutive steps (REINFORCE):
///   G_t = r_t + gamma (1 - done_t) G_{t+1} + gamma truncated_t bootstrap_t
/// where bootstrap_t is the value of the state a truncated episode stopped in (ignored
/// elsewhere), and the last step continues from `tail_value` unless it ended an episode.
void discounted_returns(std::span<const float> rewards, std::span<const std::uint8_t> terminated,
                        std::span<const std::uint8_t> truncated, std::span<const float> bootstrap,
                        double tail_value, double gamma, std::span<float> returns);

}  // namespace rl::agents
