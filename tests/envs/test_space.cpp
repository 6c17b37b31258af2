// Spaces and the NumPy-compatible generator: NumpyRandom against values NumPy 1.24 printed
// (np.random.default_rng(seed), the generator Gymnasium seeds envs with), below(n)'s range and
// uniformity, and Box / Discrete / MultiDiscrete membership, sampling and formatting.
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include "envs/random.hpp"
#include "envs/registry.hpp"
#include "envs/space.hpp"

namespace rl::envs {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

struct Reference {
  std::uint64_t seed;
  std::array<std::uint64_t, 3> raw;  // the first three random_raw() outputs
  std::array<double, 3> uniform;  // the first three uniform(-0.05, 0.05) draws
  std::array<double, 3> random;  // the first three random() draws
};

// Computed with numpy 1.24.2 (Debian's /usr/bin/python3), for each seed s:
//   g = np.random.default_rng(s); [hex(g.bit_generator.random_raw()) for _ in range(3)]
//   g = np.random.default_rng(s); [repr(g.uniform(-0.05, 0.05)) for _ in range(3)]
//   g = np.random.default_rng(s); [repr(g.random()) for _ in range(3)]
// The seeds cover zero, one and two 32-bit entropy words, and the largest seed.
const Reference kReferences[] = {
    {0,
     {0xa30febcfd9c2825f, 0x4510bdf882d9d721, 0x0a7d3da94ecde8b8},
     {0.013696168732145436, -0.02302132862361297, -0.045902647606380534},
     {0.6369616873214543, 0.2697867137638703, 0.04097352393619469}},
    {1,
     {0x8306bdf37922e4ff, 0xf35196bbc152a866, 0x24e7a4f608ec18cd},
     {0.0011821624700256717, 0.045046369632593536, -0.03558403872803663},
     {0.5118216247002567, 0.9504636963259353, 0.14415961271963373}},
    {123456789,
     {0x07182e9ce6a6f13c, 0xe81d7ead95d3cecd, 0xe1a3020c572e02b9},
     {-0.04722872607174831, 0.04067000554840226, 0.03813935546997342},
     {0.02771273928251694, 0.9067000554840227, 0.8813935546997342}},
    {(std::uint64_t{1} << 40) + 5,  // 2**40 + 5
     {0x01369aef039fedeb, 0x5f61b40473314316, 0x9654aaeeea6ebe77},
     {-0.04952605406255092, -0.01274154175887885, 0.008722942669777009},
     {0.004739459374490829, 0.3725845824112115, 0.5872294266977701}},
    {std::uint64_t{1} << 63,  // 2**63
     {0xcfb443e389167cfd, 0x98b11eb7647f71b8, 0xde463a1436212dfd},
     {0.031134437851968663, 0.00964526365028158, 0.036825907700961544},
     {0.8113443785196867, 0.5964526365028158, 0.8682590770096154}},
    {~std::uint64_t{0},  // 2**64 - 1
     {0xae163a7a8c47568f, 0xd86659f5f3382359, 0x01e52b195bc2d24a},
     {0.018002667896169305, 0.03453117585624743, -0.049259691840074},
     {0.6800266789616931, 0.8453117585624743, 0.007403081599260064}},
};

TEST_CASE("NumpyRandom reproduces NumPy's default_rng stream bit for bit", "[envs][space]") {
  SECTION("the values given in the brief, seed 0 and 2**40 + 5") {
    NumpyRandom raw(0);
    CHECK(raw.next_u64() == 0xa30febcfd9c2825fULL);
    CHECK(raw.next_u64() == 0x4510bdf882d9d721ULL);

    NumpyRandom zero(0);
    CHECK(zero.uniform(-0.05, 0.05) == 0.013696168732145436);
    CHECK(zero.uniform(-0.05, 0.05) == -0.023021328623612971);
    CHECK(zero.uniform(-0.05, 0.05) == -0.045902647606380534);
    CHECK(zero.uniform(-0.05, 0.05) == -0.048347236447147092);

    NumpyRandom large((std::uint64_t{1} << 40) + 5);
    CHECK(large.uniform(-0.05, 0.05) == -0.049526054062550923);
    CHECK(large.uniform(-0.05, 0.05) == -0.012741541758878851);
  }
  for (const Reference& ref : kReferences) {
    INFO("seed " << ref.seed);
    NumpyRandom raw(ref.seed);
    NumpyRandom uniform(ref.seed);
    NumpyRandom unit(ref.seed);
    for (size_t k = 0; k < 3; ++k) {
      INFO("draw " << k);
      CHECK(raw.next_u64() == ref.raw[k]);
      CHECK(uniform.uniform(-0.05, 0.05) == ref.uniform[k]);
      CHECK(unit.uniform() == ref.random[k]);
    }
  }
}

TEST_CASE("NumpyRandom streams depend only on the seed", "[envs][space]") {
  NumpyRandom a(2024);
  NumpyRandom b(2024);
  NumpyRandom c(2025);
  int same_as_next_seed = 0;
  for (int k = 0; k < 1000; ++k) {
    const std::uint64_t x = a.next_u64();
    REQUIRE(x == b.next_u64());
    same_as_next_seed += x == c.next_u64() ? 1 : 0;
  }
  CHECK(same_as_next_seed == 0);

  NumpyRandom u(7);
  for (int k = 0; k < 10000; ++k) {
    const double x = u.uniform();
    REQUIRE(x >= 0.0);
    REQUIRE(x < 1.0);
  }
}

TEST_CASE("below(n) stays in [0, n) and is roughly uniform", "[envs][space]") {
  NumpyRandom rng(11);
  SECTION("n = 1 always gives 0") {
    for (int k = 0; k < 100; ++k) {
      REQUIRE(rng.below(1) == 0);
    }
  }
  SECTION("huge n stays below n") {
    const std::uint64_t huge[] = {~std::uint64_t{0}, (std::uint64_t{3} << 62) + 1,
                                  (std::uint64_t{1} << 63) + 12345};
    for (const std::uint64_t n : huge) {
      bool upper_half_seen = false;
      for (int k = 0; k < 2000; ++k) {
        const std::uint64_t x = rng.below(n);
        REQUIRE(x < n);
        upper_half_seen = upper_half_seen || x >= n / 2;
      }
      CHECK(upper_half_seen);
    }
  }
  SECTION("small n: every value about equally often (chi-square)") {
    for (const std::uint64_t n : {2, 3, 7, 10, 100}) {
      INFO("n = " << n);
      const int draws = 2000 * static_cast<int>(n);
      std::vector<int> counts(n, 0);
      for (int k = 0; k < draws; ++k) {
        const std::uint64_t x = rng.below(n);
        REQUIRE(x < n);
        ++counts[x];
      }
      const double expected = static_cast<double>(draws) / static_cast<double>(n);
      double chi_square = 0;
      for (const int count : counts) {
        chi_square += (count - expected) * (count - expected) / expected;
      }
      // n - 1 degrees of freedom: the mean is n - 1 and the standard deviation sqrt(2 (n - 1));
      // ten standard deviations above the mean would be a broken generator, not bad luck.
      const double dof = static_cast<double>(n - 1);
      CHECK(chi_square < dof + 10 * std::sqrt(2 * dof) + 10);
    }
  }
}

TEST_CASE("Box contains exactly the finite points within its bounds", "[envs][space]") {
  const Box box{{-1.0f, -2.0f}, {1.0f, 2.0f}, {2}};
  CHECK(box.contains(std::vector<float>{0.0f, 0.0f}));
  CHECK(box.contains(std::vector<float>{-1.0f, 2.0f}));  // bounds are inclusive
  CHECK_FALSE(box.contains(std::vector<float>{1.0001f, 0.0f}));
  CHECK_FALSE(box.contains(std::vector<float>{0.0f, -2.0001f}));
  CHECK_FALSE(box.contains(std::vector<float>{kNaN, 0.0f}));
  CHECK_FALSE(box.contains(std::vector<float>{0.0f, kNaN}));
  CHECK_FALSE(box.contains(std::vector<float>{0.0f}));  // wrong size
  CHECK_FALSE(box.contains(std::vector<float>{0.0f, 0.0f, 0.0f}));
  CHECK(box.bounded());

  const Box unbounded = Box::uniform(-kInf, kInf, {3});
  CHECK(unbounded.contains(std::vector<float>{1e30f, -1e30f, 0.0f}));
  CHECK_FALSE(unbounded.contains(std::vector<float>{0.0f, kNaN, 0.0f}));
  CHECK_FALSE(unbounded.bounded());
  CHECK_FALSE(Box{{0.0f, -kInf}, {1.0f, 1.0f}, {2}}.bounded());
}

TEST_CASE("Box::uniform repeats its bounds over the shape", "[envs][space]") {
  const Box box = Box::uniform(-2.0f, 3.0f, {2, 3});
  CHECK(box.shape == std::vector<std::int64_t>{2, 3});
  CHECK(box.size() == 6);
  CHECK(box.low == std::vector<float>(6, -2.0f));
  CHECK(box.high == std::vector<float>(6, 3.0f));
  CHECK(flat_size(box) == 6);
  CHECK(to_string(box) == "Box(-2, 3, (2, 3), float32)");
  CHECK(Box::uniform(0.0f, 1.0f, {4, 10, 10}).size() == 400);
}

TEST_CASE("a bounded Box samples inside itself, as Gymnasium's Box.sample", "[envs][space]") {
  const Box box{{-1.0f, -2.0f, 0.0f}, {1.0f, 2.0f, 0.5f}, {3}};
  // Gymnasium's Box.sample for bounded float32 boxes, computed with numpy 1.24.2:
  //   low = np.float32([-1, -2, 0]); high = np.float32([1, 2, 0.5])
  //   g = np.random.default_rng(42)
  //   g.uniform(low=low, high=high, size=3).astype(np.float32)  (twice)
  const std::vector<float> expected = {0.5479121208190918f,  -0.2444862425327301f,
                                       0.4292989671230316f,  0.39473605155944824f,
                                       -1.6232906579971313f, 0.4878111779689789f};
  NumpyRandom rng(42);
  std::vector<float> sample(3);
  box.sample(rng, sample);
  CHECK(sample == std::vector<float>(expected.begin(), expected.begin() + 3));
  box.sample(rng, sample);
  CHECK(sample == std::vector<float>(expected.begin() + 3, expected.end()));

  std::array<float, 3> lowest = {kInf, kInf, kInf};
  std::array<float, 3> highest = {-kInf, -kInf, -kInf};
  for (int k = 0; k < 5000; ++k) {
    box.sample(rng, sample);
    REQUIRE(box.contains(sample));
    for (size_t j = 0; j < 3; ++j) {
      lowest[j] = std::min(lowest[j], sample[j]);
      highest[j] = std::max(highest[j], sample[j]);
    }
  }
  // the samples spread over the whole box, not a corner of it
  for (size_t j = 0; j < 3; ++j) {
    const float width = box.high[j] - box.low[j];
    CHECK(lowest[j] < box.low[j] + 0.01f * width);
    CHECK(highest[j] > box.high[j] - 0.01f * width);
  }
}

TEST_CASE("Box samples are deterministic per seed", "[envs][space]") {
  const Box box = Box::uniform(-5.0f, 5.0f, {8});
  NumpyRandom a(3);
  NumpyRandom b(3);
  NumpyRandom c(4);
  std::vector<float> x(8);
  std::vector<float> y(8);
  std::vector<float> z(8);
  for (int k = 0; k < 50; ++k) {
    box.sample(a, x);
    box.sample(b, y);
    box.sample(c, z);
    REQUIRE(x == y);
    REQUIRE(x != z);
  }
}

TEST_CASE("unbounded and half-bounded Boxes sample finite values on the right side",
          "[envs][space]") {
  const Box box{{-kInf, 2.0f, -kInf}, {kInf, kInf, -1.0f}, {3}};
  NumpyRandom rng(5);
  constexpr int kDraws = 20000;
  std::array<double, 3> sum{};
  std::array<double, 3> sum_squares{};
  std::vector<float> sample(3);
  for (int k = 0; k < kDraws; ++k) {
    box.sample(rng, sample);
    REQUIRE(std::isfinite(sample[0]));
    REQUIRE(std::isfinite(sample[1]));
    REQUIRE(std::isfinite(sample[2]));
    REQUIRE(sample[1] >= 2.0f);
    REQUIRE(sample[2] <= -1.0f);
    REQUIRE(box.contains(sample));
    for (size_t j = 0; j < 3; ++j) {
      sum[j] += sample[j];
      sum_squares[j] += static_cast<double>(sample[j]) * sample[j];
    }
  }
  std::array<double, 3> mean{};
  std::array<double, 3> var{};
  for (size_t j = 0; j < 3; ++j) {
    mean[j] = sum[j] / kDraws;
    var[j] = sum_squares[j] / kDraws - mean[j] * mean[j];
  }
  // standard normal; 2 + Exp(1); -1 - Exp(1): each has variance 1
  CHECK(mean[0] == Approx(0.0).margin(0.05));
  CHECK(mean[1] == Approx(3.0).margin(0.05));
  CHECK(mean[2] == Approx(-2.0).margin(0.05));
  for (size_t j = 0; j < 3; ++j) {
    CHECK(var[j] == Approx(1.0).margin(0.1));
  }
}

TEST_CASE("Discrete contains and samples start .. start + n - 1", "[envs][space]") {
  const Discrete two{};
  CHECK(two.n == 2);
  CHECK(two.contains(0));
  CHECK(two.contains(1));
  CHECK_FALSE(two.contains(2));
  CHECK_FALSE(two.contains(-1));

  const Discrete shifted{.n = 3, .start = -1};
  CHECK(shifted.contains(-1));
  CHECK(shifted.contains(1));
  CHECK_FALSE(shifted.contains(2));
  CHECK_FALSE(shifted.contains(-2));

  NumpyRandom rng(8);
  std::array<int, 3> counts{};
  for (int k = 0; k < 3000; ++k) {
    const std::int64_t a = shifted.sample(rng);
    REQUIRE(shifted.contains(a));
    ++counts[static_cast<size_t>(a + 1)];
  }
  for (const int count : counts) {
    CHECK(count > 800);
  }

  NumpyRandom a(9);
  NumpyRandom b(9);
  const Discrete many{.n = 1000, .start = 0};
  for (int k = 0; k < 100; ++k) {
    REQUIRE(many.sample(a) == many.sample(b));
  }
}

TEST_CASE("MultiDiscrete contains and samples one Discrete(nvec[k]) per element", "[envs][space]") {
  const MultiDiscrete space{{3, 5}};
  CHECK(space.size() == 2);
  CHECK(space.contains(std::vector<std::int32_t>{0, 0}));
  CHECK(space.contains(std::vector<std::int32_t>{2, 4}));
  CHECK_FALSE(space.contains(std::vector<std::int32_t>{3, 0}));
  CHECK_FALSE(space.contains(std::vector<std::int32_t>{0, 5}));
  CHECK_FALSE(space.contains(std::vector<std::int32_t>{-1, 0}));
  CHECK_FALSE(space.contains(std::vector<std::int32_t>{0}));  // wrong size
  CHECK_FALSE(space.contains(std::vector<std::int32_t>{0, 0, 0}));

  NumpyRandom rng(10);
  NumpyRandom same(10);
  std::vector<std::int32_t> sample(2);
  std::vector<std::int32_t> again(2);
  std::array<std::array<int, 5>, 2> counts{};
  for (int k = 0; k < 3000; ++k) {
    space.sample(rng, sample);
    space.sample(same, again);
    REQUIRE(space.contains(sample));
    REQUIRE(sample == again);
    ++counts[0][static_cast<size_t>(sample[0])];
    ++counts[1][static_cast<size_t>(sample[1])];
  }
  for (size_t v = 0; v < 3; ++v) {
    CHECK(counts[0][v] > 800);
  }
  for (size_t v = 0; v < 5; ++v) {
    CHECK(counts[1][v] > 450);
  }
}

TEST_CASE("spaces print as Gymnasium's and report their flat size", "[envs][space]") {
  CHECK(to_string(Discrete{}) == "Discrete(2)");
  CHECK(to_string(Discrete{.n = 3, .start = -1}) == "Discrete(3, start=-1)");
  CHECK(to_string(MultiDiscrete{{3, 3}}) == "MultiDiscrete([3 3])");
  CHECK(to_string(Box::uniform(-2.0f, 2.0f, {1})) == "Box(-2, 2, (1,), float32)");
  CHECK(to_string(Box::uniform(0.0f, 1.0f, {3, 4})) == "Box(0, 1, (3, 4), float32)");
  CHECK(to_string(Box{{-1.0f, -2.0f}, {1.0f, 2.0f}, {2}}) == "Box([-1 -2], [1 2], (2,), float32)");
  CHECK(to_string(Box{{-1.0f, -1.0f}, {1.0f, 2.5f}, {2}}) == "Box(-1, [1 2.5], (2,), float32)");
  CHECK(to_string(Box::uniform(-kInf, kInf, {1})) == "Box(-inf, inf, (1,), float32)");

  // the registered envs' spaces
  CHECK(to_string(make("Pendulum-v1")->spec().action_space) == "Box(-2, 2, (1,), float32)");
  CHECK(to_string(make("CartPole-v1")->spec().action_space) == "Discrete(2)");
  CHECK(to_string(make("MountainCarContinuous-v0")->spec().action_space) ==
        "Box(-1, 1, (1,), float32)");

  CHECK(flat_size(Discrete{.n = 7, .start = 0}) == 1);
  CHECK(flat_size(MultiDiscrete{{2, 3, 4}}) == 3);
  CHECK(flat_size(Box::uniform(0.0f, 1.0f, {4, 10, 10})) == 400);
  CHECK(flat_size(make("CartPole-v1")->spec().observation_space) == 4);
  CHECK(flat_size(make("Acrobot-v1")->spec().observation_space) == 6);

  CHECK(is_discrete(Discrete{}));
  CHECK(is_discrete(MultiDiscrete{{2}}));
  CHECK_FALSE(is_discrete(Box::uniform(0.0f, 1.0f, {1})));
}

}  // namespace
}  // namespace rl::envs
