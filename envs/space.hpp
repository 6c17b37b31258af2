// Observation and action spaces, as Gymnasium's: Box (bounds and shape, float32), Discrete(n) and
// MultiDiscrete(nvec). Spaces are small values that describe data; they own no buffers.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "envs/random.hpp"

namespace rl::envs {

/// Real vectors with per-element bounds (possibly infinite), flattened row-major from `shape`.
struct Box {
  std::vector<float> low;
  std::vector<float> high;
  std::vector<std::int64_t> shape;  ///< e.g. {4}, or {4, 10, 10} for stacked images

  /// A box of the given shape with the same bounds everywhere.
  static Box uniform(float low, float high, std::vector<std::int64_t> shape);
  std::int64_t size() const { return static_cast<std::int64_t>(low.size()); }
  bool contains(std::span<const float> x) const;
  /// Uniform where both bounds are finite, as Gymnasium's Box.sample; normal, exponential or
  /// shifted-exponential where they are not.
  void sample(NumpyRandom& rng, std::span<float> out) const;
  bool bounded() const;
};

/// Integers start, start + 1, ..., start + n - 1.
struct Discrete {
  std::int64_t n = 2;
  std::int64_t start = 0;
  bool contains(std::int64_t a) const { return a >= start && a < start + n; }
  std::int64_t sample(NumpyRandom& rng) const;
};

/// One Discrete(nvec[k]) per element.
struct MultiDiscrete {
  std::vector<std::int64_t> nvec;
  std::int64_t size() const { return static_cast<std::int64_t>(nvec.size()); }
  bool contains(std::span<const std::int32_t> a) const;
  void sample(NumpyRandom& rng, std::span<std::int32_t> out) const;
};

using Space = std::variant<Box, Discrete, MultiDiscrete>;

/// Gymnasium-style text: "Box(-4.8, 4.8, (4,), float32)", "Discrete(2)", "MultiDiscrete([3 3])".
std::string to_string(const Space& space);
/// Elements per sample: Box size, 1 for Discrete, nvec size for MultiDiscrete.
std::int64_t flat_size(const Space& space);
bool is_discrete(const Space& space);

}  // namespace rl::envs
