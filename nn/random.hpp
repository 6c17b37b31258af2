// A small, fast, portable random generator (xoshiro256**, Blackman & Vigna 2018) seeded through
// splitmix64, so the same seed gives the same weights and dropout masks on every platform
// (std::normal_distribution is implementation-defined).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>

#include "core/error.hpp"
#include "core/random_below.hpp"

namespace rl::nn {

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) { this->seed(seed); }

  void seed(std::uint64_t seed) {
    for (auto& word : s_) {
      seed += 0x9E3779B97F4A7C15ull;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      word = z ^ (z >> 31);
    }
    has_spare_normal_ = false;
  }

  /// The generator's complete state, for checkpoints: four words, the spare normal's bits and
  /// whether it is pending.
  std::array<std::uint64_t, 6> state() const {
    std::uint64_t spare = 0;
    std::memcpy(&spare, &spare_normal_, sizeof spare);
    return {s_[0], s_[1], s_[2], s_[3], spare, has_spare_normal_ ? 1u : 0u};
  }
  void set_state(std::span<const std::uint64_t> state) {
    check(state.size() == 6, "Rng::set_state: expected 6 words, got ", state.size());
    std::copy_n(state.begin(), 4, s_);
    std::memcpy(&spare_normal_, &state[4], sizeof spare_normal_);
    has_spare_normal_ = state[5] != 0;
  }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  /// Uniform integer in [0, n), without modulo bias (Lemire's method).
  std::uint64_t below(std::uint64_t n) { return random_below(*this, n); }

  /// Standard normal by the Marsaglia polar method.
  double normal() {
    if (has_spare_normal_) {
      has_spare_normal_ = false;
      return spare_normal_;
    }
    double u = 0;
    double v = 0;
    double s = 0;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double factor = std::sqrt(-2.0 * std::log(s) / s);
    spare_normal_ = v * factor;
    has_spare_normal_ = true;
    return u * factor;
  }
  double normal(double mean, double stddev) { return mean + stddev * normal(); }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::uint64_t s_[4] = {};
  double spare_normal_ = 0;
  bool has_spare_normal_ = false;
};

}  // namespace rl::nn
