// An unbiased integer in [0, n) from any 64-bit generator, by Lemire's multiply-and-reject
// ("Fast random integer generation in an interval", 2019).
#pragma once

#include <cstdint>

namespace rl {

/// generator.next_u64() supplies the random bits.
template <class Generator>
std::uint64_t random_below(Generator& generator, std::uint64_t n) {
  __uint128_t m = static_cast<__uint128_t>(generator.next_u64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<__uint128_t>(generator.next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

}  // namespace rl
