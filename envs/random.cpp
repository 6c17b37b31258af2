#include "envs/random.hpp"

#include <array>

#include "core/random_below.hpp"

namespace rl::envs {

namespace {

// numpy/random/bit_generator.pyx: SeedSequence's hash constants.
constexpr std::uint32_t kInitA = 0x43b0d7e5;
constexpr std::uint32_t kMultA = 0x931e8875;
constexpr std::uint32_t kInitB = 0x8b51f9dd;
constexpr std::uint32_t kMultB = 0x58f38ded;
constexpr std::uint32_t kMixMultL = 0xca01f9dd;
constexpr std::uint32_t kMixMultR = 0x4973f715;
constexpr int kXShift = 16;
constexpr int kPoolSize = 4;

std::uint32_t hashmix(std::uint32_t value, std::uint32_t& hash_const) {
  value ^= hash_const;
  hash_const *= kMultA;
  value *= hash_const;
  value ^= value >> kXShift;
  return value;
}

std::uint32_t mix(std::uint32_t x, std::uint32_t y) {
  std::uint32_t result = kMixMultL * x - kMixMultR * y;
  result ^= result >> kXShift;
  return result;
}

/// SeedSequence(seed).generate_state(4, np.uint64) for an integer seed.
std::array<std::uint64_t, 4> seed_sequence_state(std::uint64_t seed) {
  // The entropy as little-endian 32-bit words; 0 is one word.
  std::array<std::uint32_t, 2> entropy{static_cast<std::uint32_t>(seed),
                                       static_cast<std::uint32_t>(seed >> 32)};
  const int words = entropy[1] != 0 ? 2 : 1;

  std::array<std::uint32_t, kPoolSize> pool{};
  std::uint32_t hash_const = kInitA;
  for (int i = 0; i < kPoolSize; ++i) {
    pool[i] = hashmix(i < words ? entropy[i] : 0, hash_const);
  }
  for (int src = 0; src < kPoolSize; ++src) {
    for (int dst = 0; dst < kPoolSize; ++dst) {
      if (src != dst) {
        pool[dst] = mix(pool[dst], hashmix(pool[src], hash_const));
      }
    }
  }

  std::array<std::uint32_t, 8> state32{};
  std::uint32_t out_const = kInitB;
  for (int i = 0; i < 8; ++i) {
    std::uint32_t value = pool[i % kPoolSize];
    value ^= out_const;
    out_const *= kMultB;
    value *= out_const;
    value ^= value >> kXShift;
    state32[i] = value;
  }
  std::array<std::uint64_t, 4> state{};
  for (int i = 0; i < 4; ++i) {
    state[i] = state32[2 * i] | (static_cast<std::uint64_t>(state32[2 * i + 1]) << 32);
  }
  return state;
}

}  // namespace

NumpyRandom::NumpyRandom(std::uint64_t seed) {
  const std::array<std::uint64_t, 4> words = seed_sequence_state(seed);
  const __uint128_t initial_state = (static_cast<__uint128_t>(words[0]) << 64) | words[1];
  const __uint128_t sequence = (static_cast<__uint128_t>(words[2]) << 64) | words[3];
  // pcg_setseq_128_srandom_r
  state_ = 0;
  increment_ = (sequence << 1) | 1;
  state_ = state_ * kMultiplier + increment_;
  state_ += initial_state;
  state_ = state_ * kMultiplier + increment_;
}

std::uint64_t NumpyRandom::below(std::uint64_t n) {
  return random_below(*this, n);
}

}  // namespace rl::envs
