// The learning-curve plotter: round ticks and compact labels, the confidence-band statistics
// against hand-worked values, and PNGs read back through Cairo (size, each curve's colour,
// errors that name the path).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "experiments/plot.hpp"
#include <cairo.h>

namespace rl::experiments {
namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;

struct Rgb {
  int r = 0;
  int g = 0;
  int b = 0;
};

// The first two tab10 colours, which the first two curves take.
constexpr Rgb kBlue = {0x1f, 0x77, 0xb4};
constexpr Rgb kOrange = {0xff, 0x7f, 0x0e};

/// A PNG read back into memory as 0xRRGGBB pixels.
struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint32_t> pixels;
};

Image read_png(const std::string& path) {
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
      cairo_image_surface_create_from_png(path.c_str()), &cairo_surface_destroy);
  REQUIRE(cairo_surface_status(surface.get()) == CAIRO_STATUS_SUCCESS);
  cairo_surface_flush(surface.get());
  Image image;
  image.width = cairo_image_surface_get_width(surface.get());
  image.height = cairo_image_surface_get_height(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  for (int row = 0; row < image.height; ++row) {
    const auto* line = reinterpret_cast<const std::uint32_t*>(data + row * stride);
    for (int col = 0; col < image.width; ++col) {
      image.pixels.push_back(line[col] & 0xffffffu);
    }
  }
  return image;
}

/// Pixels within a few levels of `colour` per channel (antialiasing blends edges only).
int count_near(const Image& image, Rgb colour) {
  int count = 0;
  for (std::uint32_t p : image.pixels) {
    const int r = static_cast<int>((p >> 16) & 0xff);
    const int g = static_cast<int>((p >> 8) & 0xff);
    const int b = static_cast<int>(p & 0xff);
    if (std::abs(r - colour.r) <= 6 && std::abs(g - colour.g) <= 6 && std::abs(b - colour.b) <= 6) {
      ++count;
    }
  }
  return count;
}

/// A file in the temp directory, removed when the test ends.
struct TempFile {
  std::filesystem::path path;
  explicit TempFile(const std::string& name)
      : path(std::filesystem::temp_directory_path() / name) {}
  ~TempFile() { std::filesystem::remove(path); }
};

/// Two groups like `rl analyze` draws: five seeds with a band, and one run without.
PlotSpec two_group_spec() {
  std::vector<std::vector<double>> xs;
  std::vector<std::vector<double>> ys;
  for (int seed = 0; seed < 5; ++seed) {
    std::vector<double> x;
    std::vector<double> y;
    for (int step = 0; step <= 100000; step += 2000) {
      x.push_back(step);
      y.push_back(500.0 * (1 - std::exp(-step / (20000.0 + 4000.0 * seed))));
    }
    xs.push_back(x);
    ys.push_back(y);
  }
  PlotSpec spec;
  spec.title = "CartPole-v1";
  spec.curves.push_back(mean_curve("ppo on CartPole-v1 (5 seeds)", xs, ys));
  Curve single;
  single.label = "dqn on CartPole-v1 (1 seed)";
  for (int step = 0; step <= 100000; step += 5000) {
    single.x.push_back(step);
    single.y.push_back(3e-3 * step);
  }
  spec.curves.push_back(single);
  spec.threshold = 475;
  spec.threshold_label = "solved (475)";
  return spec;
}

TEST_CASE("nice_ticks covers the range with about six round values", "[experiments][plot]") {
  CHECK(nice_ticks(0, 100) == std::vector<double>{0, 20, 40, 60, 80, 100});
  CHECK(nice_ticks(0, 1) == std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1});
  CHECK(nice_ticks(9, 500) == std::vector<double>{0, 100, 200, 300, 400, 500});
  CHECK(nice_ticks(0, 487000) == std::vector<double>{0, 100000, 200000, 300000, 400000, 500000});
  CHECK(nice_ticks(0, 1e6) == std::vector<double>{0, 2e5, 4e5, 6e5, 8e5, 1e6});
  CHECK(nice_ticks(-200, 0) == std::vector<double>{-200, -150, -100, -50, 0});
  CHECK(nice_ticks(0, 100000, 5) == std::vector<double>{0, 25000, 50000, 75000, 100000});
  CHECK(nice_ticks(0.3, 0.7, 5) == std::vector<double>{0.3, 0.4, 0.5, 0.6, 0.7});
}

TEST_CASE("nice_ticks widens a single value into a range around it", "[experiments][plot]") {
  const std::vector<double> ticks = nice_ticks(500, 500);
  REQUIRE(ticks.size() >= 2);
  CHECK(ticks.front() < 500);
  CHECK(ticks.back() > 500);
  CHECK_THROWS_AS(nice_ticks(0, std::nan("")), Error);
}

TEST_CASE("tick_label writes thousands as k, millions as M, and small numbers plainly",
          "[experiments][plot]") {
  CHECK(tick_label(20000) == "20k");
  CHECK(tick_label(1500000) == "1.5M");
  CHECK(tick_label(0.25) == "0.25");
  CHECK(tick_label(-200) == "-200");
  CHECK(tick_label(0) == "0");
  CHECK(tick_label(-0.0) == "0");
  CHECK(tick_label(5000) == "5000");
  CHECK(tick_label(-20000) == "-20k");
  CHECK(tick_label(2.5e9) == "2.5B");
  CHECK(tick_label(0.1 + 0.2) == "0.3");
}

TEST_CASE("tick_label gives every tick on an axis the unit of its largest tick",
          "[experiments][plot]") {
  CHECK(tick_label(500000, 1e6) == "0.5M");
  CHECK(tick_label(0, 1e6) == "0");
  CHECK(tick_label(2000, 10000) == "2k");
  CHECK(tick_label(200, 1000) == "200");
}

TEST_CASE("t_quantile_95 matches the t table and tends to 1.96", "[experiments][plot]") {
  CHECK_THAT(t_quantile_95(1), WithinAbs(12.706, 1e-3));
  CHECK_THAT(t_quantile_95(4), WithinAbs(2.776, 1e-3));
  CHECK_THAT(t_quantile_95(30), WithinAbs(2.042, 1e-3));
  CHECK_THAT(t_quantile_95(40), WithinAbs(2.021, 1e-3));
  CHECK_THAT(t_quantile_95(120), WithinAbs(1.980, 1e-3));
  CHECK_THAT(t_quantile_95(100000), WithinAbs(1.96, 1e-3));
  for (int dof = 1; dof < 200; ++dof) {
    CHECK(t_quantile_95(dof + 1) < t_quantile_95(dof));
  }
  CHECK_THROWS_AS(t_quantile_95(0), Error);
}

TEST_CASE("mean_curve averages interpolated runs over their overlap with a t band",
          "[experiments][plot]") {
  // On the overlap [2, 10]: run a is y = x, run b is y = 4, run c is y = x - 2.
  const std::vector<std::vector<double>> xs = {{0, 10}, {0, 5, 10}, {2, 12}};
  const std::vector<std::vector<double>> ys = {{0, 10}, {4, 4, 4}, {0, 10}};
  const Curve curve = mean_curve("three runs", xs, ys, 5);
  CHECK(curve.label == "three runs");
  REQUIRE(curve.x == std::vector<double>{2, 4, 6, 8, 10});
  REQUIRE(curve.lower.size() == 5);
  REQUIRE(curve.upper.size() == 5);
  for (size_t k = 0; k < curve.x.size(); ++k) {
    const double x = curve.x[k];
    const std::vector<double> values = {x, 4, x - 2};
    const double mean = (values[0] + values[1] + values[2]) / 3;
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    const double half = 4.302653 * std::sqrt(squares / 2) / std::sqrt(3.0);
    CHECK_THAT(curve.y[k], WithinAbs(mean, 1e-12));
    CHECK_THAT(curve.lower[k], WithinAbs(mean - half, 1e-5));
    CHECK_THAT(curve.upper[k], WithinAbs(mean + half, 1e-5));
  }
}

TEST_CASE("mean_curve of one run resamples it and has no band", "[experiments][plot]") {
  const Curve curve = mean_curve("one run", {{0, 5, 5, 10}}, {{0, 0, 10, 20}}, 5);
  CHECK(curve.x == std::vector<double>{0, 2.5, 5, 7.5, 10});
  // At the repeated x = 5 the later sample wins.
  CHECK(curve.y == std::vector<double>{0, 0, 10, 15, 20});
  CHECK(curve.lower.empty());
  CHECK(curve.upper.empty());
}

TEST_CASE("mean_curve rejects runs that cannot be averaged", "[experiments][plot]") {
  CHECK_THROWS_WITH(mean_curve("none", {}, {}), Contains("no runs"));
  CHECK_THROWS_WITH(mean_curve("apart", {{0, 1}, {2, 3}}, {{0, 1}, {0, 1}}),
                    Contains("do not overlap"));
  CHECK_THROWS_WITH(mean_curve("short", {{0, 1, 2}}, {{0, 1}}), Contains("2 y values"));
  CHECK_THROWS_WITH(mean_curve("back", {{0, 2, 1}}, {{0, 1, 2}}), Contains("decrease"));
}

TEST_CASE("write_plot_png writes a PNG of the requested size in each curve's colour",
          "[experiments][plot]") {
  const TempFile file("rl_test_plot_two_groups.png");
  PlotSpec spec = two_group_spec();
  spec.width = 900;
  spec.height = 560;
  write_plot_png(spec, file.path.string());
  const Image image = read_png(file.path.string());
  CHECK(image.width == 900);
  CHECK(image.height == 560);
  CHECK(count_near(image, kBlue) > 100);
  CHECK(count_near(image, kOrange) > 100);
  const std::set<std::uint32_t> distinct(image.pixels.begin(), image.pixels.end());
  CHECK(distinct.size() > 10);
}

TEST_CASE("write_plot_png draws a curve of a single point", "[experiments][plot]") {
  const TempFile file("rl_test_plot_one_point.png");
  PlotSpec spec;
  spec.curves.push_back({"one point", {1000}, {42}, {}, {}});
  write_plot_png(spec, file.path.string());
  const Image image = read_png(file.path.string());
  CHECK(image.width == 1200);
  CHECK(image.height == 750);
  CHECK(count_near(image, kBlue) > 10);
}

TEST_CASE("write_plot_png names the path when it cannot write the file", "[experiments][plot]") {
  const std::string path = "/nonexistent-rl-plot-dir/curves.png";
  CHECK_THROWS_AS(write_plot_png(two_group_spec(), path), Error);
  CHECK_THROWS_WITH(write_plot_png(two_group_spec(), path), Contains(path));
}

TEST_CASE("write_plot_png rejects empty and mismatched input before writing",
          "[experiments][plot]") {
  const TempFile file("rl_test_plot_rejected.png");
  const std::string path = file.path.string();
  CHECK_THROWS_WITH(write_plot_png(PlotSpec{}, path), Contains("no curves") && Contains(path));

  PlotSpec mismatched;
  mismatched.curves.push_back({"short y", {0, 1, 2}, {0, 1}, {}, {}});
  CHECK_THROWS_WITH(write_plot_png(mismatched, path), Contains("2 y values"));

  PlotSpec half_band;
  half_band.curves.push_back({"half band", {0, 1}, {0, 1}, {0, 0}, {}});
  CHECK_THROWS_WITH(write_plot_png(half_band, path), Contains("band"));

  PlotSpec empty_curve;
  empty_curve.curves.push_back({"empty", {}, {}, {}, {}});
  CHECK_THROWS_WITH(write_plot_png(empty_curve, path), Contains("no points"));
  CHECK_FALSE(std::filesystem::exists(file.path));
}

}  // namespace
}  // namespace rl::experiments
