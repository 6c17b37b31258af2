// NumPy's default generator, bit for bit: PCG64 (O'Neill 2014, XSL-RR output) seeded through
// numpy.random.SeedSequence, with Generator.uniform's double construction. Gymnasium seeds every
// environment this way (gymnasium.utils.seeding.np_random), so reset(seed) here draws the same
// initial states as Gymnasium's reset(seed=seed).
#pragma once

#include <array>
#include <cstdint>

namespace rl::envs {

class NumpyRandom {
 public:
  /// np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed))).
  explicit NumpyRandom(std::uint64_t seed = 0);

  /// The complete state (the 128-bit state and increment as high and low words), for checkpoints.
  std::array<std::uint64_t, 4> state() const {
    return {static_cast<std::uint64_t>(state_ >> 64), static_cast<std::uint64_t>(state_),
            static_cast<std::uint64_t>(increment_ >> 64), static_cast<std::uint64_t>(increment_)};
  }
  void set_state(const std::array<std::uint64_t, 4>& words) {
    state_ = (static_cast<__uint128_t>(words[0]) << 64) | words[1];
    increment_ = (static_cast<__uint128_t>(words[2]) << 64) | words[3];
  }

  /// The next 64 random bits (PCG64.random_raw()).
  std::uint64_t next_u64() {
    state_ = state_ * kMultiplier + increment_;
    const auto high = static_cast<std::uint64_t>(state_ >> 64);
    const auto low = static_cast<std::uint64_t>(state_);
    const auto rotation = static_cast<unsigned>(state_ >> 122);
    const std::uint64_t x = high ^ low;
    return (x >> rotation) | (x << ((64 - rotation) & 63));
  }
  /// Uniform in [0, 1) with 53 random bits, as Generator.random().
  double uniform() { return static_cast<double>(next_u64() >> 11) * (1.0 / 9007199254740992.0); }
  /// low + (high - low) * u, as Generator.uniform(low, high).
  double uniform(double low, double high) { return low + (high - low) * uniform(); }
  /// Uniform integer in [0, n) (Lemire's method; not NumPy's integers() stream).
  std::uint64_t below(std::uint64_t n);

 private:
  static constexpr __uint128_t kMultiplier =
      (static_cast<__uint128_t>(2549297995355413924ULL) << 64) + 4865540595714422341ULL;
  __uint128_t state_ = 0;
  __uint128_t increment_ = 0;
};

}  // namespace rl::envs
