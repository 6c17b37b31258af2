// The Cairo canvas without any display: every classic env's scene comes out antialiased and
// fitted to the canvas, shapes land where the world-to-pixel fit puts them, and the overlay's
// panels, bars and text are drawn where and as large as they should be.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "envs/registry.hpp"
#include "sim/render/canvas.hpp"
#include "tests/render/classic_scenes.hpp"
#include "tests/render/pixels.hpp"

namespace rl::sim {
namespace {

using test::colour_distance;
using test::Fit;

constexpr Color kWhite{255, 255, 255, 255};
constexpr Color kBlack{0, 0, 0, 255};
// CartPole's pole and the overlay's bar colours (steel blue, and dark orange when chosen).
constexpr Color kPole{202, 152, 101, 255};
constexpr Color kBar{70, 130, 180, 255};
constexpr Color kChosenBar{255, 140, 0, 255};

/// CartPole's scene with the cart at x and the pole at angle theta.
DrawList cartpole_at(double x, double theta) {
  auto env = envs::make("CartPole-v1");
  env->reset(0);
  const std::vector<double> state{x, 0, theta, 0};
  env->set_state(0, state);
  DrawList scene;
  env->draw(0, scene);
  return scene;
}

size_t count_colour(const Image& image, Color colour, int tolerance = 0) {
  size_t count = 0;
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      count += colour_distance(image.at(x, y), colour) <= tolerance;
    }
  }
  return count;
}

/// Columns [first, last] of near-black pixels in row y.
std::pair<int, int> dark_span(const Image& image, int y) {
  int first = image.width;
  int last = -1;
  for (int x = 0; x < image.width; ++x) {
    if (test::near_black(image.at(x, y))) {
      first = std::min(first, x);
      last = std::max(last, x);
    }
  }
  return {first, last};
}

TEST_CASE("Canvas draws every classic env's scene, antialiased and opaque", "[render][canvas]") {
  Canvas canvas(600, 400);
  for (const char* id : test::kClassicEnvs) {
    INFO(id);
    const DrawList scene = test::scene_after(id, 10);
    canvas.draw_scene(scene);
    const Image& image = canvas.image();
    REQUIRE(image.width == 600);
    REQUIRE(image.height == 400);
    REQUIRE(image.rgba.size() == 600u * 400u * 4u);
    bool opaque = true;
    for (size_t i = 3; i < image.rgba.size(); i += 4) {
      opaque = opaque && image.rgba[i] == 255;
    }
    CHECK(opaque);
    // Antialiased edges blend each shape's colour into the background in many steps.
    CHECK(test::distinct_colours(image) > 20);
    CHECK(test::fraction_not(image, scene.background) > 0.003);
  }
}

TEST_CASE("Canvas fits CartPole's wide world into the canvas centred, margins in background",
          "[render][canvas]") {
  Canvas canvas(600, 400);
  const DrawList scene = cartpole_at(0, 0);
  canvas.draw_scene(scene);
  const Image& image = canvas.image();
  // 9.6 x 3.2 world units at 62.5 px each: 600 x 200 pixels, centred, so rows 0-99 and 300-399
  // are margin.
  const Fit fit(scene.world_min, scene.world_max, 600, 400);
  REQUIRE(fit.scale == Approx(62.5));
  for (int y : {0, 50, 99, 301, 399}) {
    for (int x = 0; x < 600; x += 7) {
      REQUIRE(image.at(x, y).r == 255);
    }
  }
  // The hairline track at y = 0 is one crisp black row across the whole width.
  const int track_row = static_cast<int>(fit.y(0));
  CHECK(image.at(20, track_row).r == 0);
  CHECK(image.at(20, track_row - 1).r == 255);
  CHECK(image.at(20, track_row + 1).r == 255);
  CHECK(image.at(590, track_row).r == 0);
}

TEST_CASE("Canvas puts CartPole's cart, pole and axle where the world-to-pixel fit says",
          "[render][canvas]") {
  Canvas canvas(600, 400);
  for (double x : {-2.0, 0.0, 1.5}) {
    INFO("cart at x = " << x);
    const DrawList scene = cartpole_at(x, 0);
    canvas.draw_scene(scene);
    const Image& image = canvas.image();
    const Fit fit(scene.world_min, scene.world_max, 600, 400);
    // The cart spans y in [-0.05, 0.25]; its rows above the track are pure cart.
    const auto centre = test::dark_span_centre_x(image, static_cast<int>(fit.y(0.25)) + 2,
                                                 static_cast<int>(fit.y(0)) - 2);
    REQUIRE(centre);
    CHECK(*centre == Approx(fit.x(x)).margin(0.75));
    const auto [left, right] = dark_span(image, static_cast<int>(fit.y(0.2)));
    CHECK(right - left + 1 == Approx(0.5 * fit.scale).margin(2));
    // World y points up: the upright pole is above the cart, its axle on the cart.
    CHECK(colour_distance(image.at(static_cast<int>(fit.x(x)), static_cast<int>(fit.y(0.9))),
                          kPole) <= 2);
    CHECK(colour_distance(image.at(static_cast<int>(fit.x(x)), static_cast<int>(fit.y(-0.3))),
                          kWhite) == 0);
    CHECK(colour_distance(image.at(static_cast<int>(fit.x(x)), static_cast<int>(fit.y(0.1))),
                          Color{129, 132, 203, 255}) <= 2);
  }
}

TEST_CASE("Canvas keeps the world's aspect ratio at other canvas sizes", "[render][canvas]") {
  const DrawList scene = cartpole_at(0.5, 0);
  for (auto [w, h] : {std::pair{1200, 400}, std::pair{300, 400}, std::pair{900, 900}}) {
    INFO(w << "x" << h);
    Canvas canvas(w, h);
    canvas.draw_scene(scene);
    const Image& image = canvas.image();
    REQUIRE(image.width == w);
    REQUIRE(image.height == h);
    const Fit fit(scene.world_min, scene.world_max, w, h);
    const auto [left, right] = dark_span(image, static_cast<int>(fit.y(0.2)));
    CHECK(right - left + 1 == Approx(0.5 * fit.scale).margin(2));
    CHECK((left + right + 1) / 2.0 == Approx(fit.x(0.5)).margin(1.5));
  }
}

TEST_CASE("Canvas resize changes the size of the next image", "[render][canvas]") {
  Canvas canvas(600, 400);
  canvas.resize(320, 240);
  CHECK(canvas.width() == 320);
  CHECK(canvas.height() == 240);
  canvas.draw_scene(cartpole_at(0, 0));
  const Image& image = canvas.image();
  CHECK(image.width == 320);
  CHECK(image.height == 240);
  CHECK(image.rgba.size() == 320u * 240u * 4u);
  CHECK_THROWS_AS(Canvas(0, 400), Error);
}

TEST_CASE("Canvas converts Cairo's premultiplied pixels into straight, opaque RGBA",
          "[render][canvas]") {
  Canvas canvas(100, 100);
  DrawList scene;
  scene.world_min = {0, 0};
  scene.world_max = {10, 10};
  scene.background = {255, 0, 0, 255};
  scene.add(Circle{{5, 5}, 3, {0, 0, 255, 128}});
  scene.add(Polygon{{{0, 0}, {2, 0}, {2, 2}, {0, 2}}, {0, 200, 0, 255}});
  canvas.draw_scene(scene);
  const Image& image = canvas.image();
  const Color half_blue_over_red = image.at(50, 50);
  CHECK(half_blue_over_red.r == Approx(127).margin(2));
  CHECK(half_blue_over_red.g == 0);
  CHECK(half_blue_over_red.b == Approx(128).margin(2));
  CHECK(half_blue_over_red.a == 255);
  // The polygon is at the bottom-left of the world, so the bottom-left of the image.
  CHECK(colour_distance(image.at(5, 95), Color{0, 200, 0, 255}) == 0);
  CHECK(colour_distance(image.at(5, 5), Color{255, 0, 0, 255}) == 0);
}

TEST_CASE("Canvas strokes segments in world units, hairlines one pixel", "[render][canvas]") {
  Canvas canvas(400, 400);  // 40 px per world unit
  DrawList scene;
  scene.world_min = {0, 0};
  scene.world_max = {10, 10};
  scene.add(Segment{{1, 8}, {9, 8}, 1, kBlack});
  scene.add(Segment{{1, 2}, {9, 2}, 0, kBlack});
  canvas.draw_scene(scene);
  const Image& image = canvas.image();
  const auto dark_rows_at = [&](int x, int from, int to) {
    int rows = 0;
    for (int y = from; y < to; ++y) {
      rows += test::near_black(image.at(x, y));
    }
    return rows;
  };
  CHECK(dark_rows_at(200, 0, 200) == Approx(40).margin(1));
  CHECK(dark_rows_at(200, 200, 400) == 1);
  // Butt caps: the thick segment ends at x = 9 (pixel 360).
  CHECK(test::near_black(image.at(355, 80)));
  CHECK(image.at(365, 80).r == 255);
}

TEST_CASE("Canvas draws scene text top-left anchored with its line height in world units",
          "[render][canvas]") {
  Canvas canvas(400, 400);  // 40 px per world unit, y up
  DrawList scene;
  scene.world_min = {0, 0};
  scene.world_max = {10, 10};
  scene.add(Text{{1, 9}, "Hxg", 1, kBlack});
  scene.add(Text{{1, 5}, "Hxg", 2, kBlack});
  canvas.draw_scene(scene);
  const Image& image = canvas.image();
  const auto ink_box = [&](int y_from, int y_to) {
    int left = image.width, top = image.height, right = -1, bottom = -1;
    for (int y = y_from; y < y_to; ++y) {
      for (int x = 0; x < image.width; ++x) {
        if (image.at(x, y).r < 128) {
          left = std::min(left, x);
          right = std::max(right, x);
          top = std::min(top, y);
          bottom = std::max(bottom, y);
        }
      }
    }
    return std::array<int, 4>{left, top, right, bottom};
  };
  // Line 1 occupies pixel rows 40-80 (world y 9 down to 8), line 2 rows 200-280.
  const auto small = ink_box(0, 150);
  const auto large = ink_box(150, 400);
  CHECK(small[0] == Approx(40).margin(6));
  CHECK(small[1] >= 40);
  CHECK(small[1] <= 52);
  CHECK(small[3] <= 81);
  CHECK(large[1] >= 200);
  CHECK(large[3] <= 281);
  const double small_height = small[3] - small[1];
  const double large_height = large[3] - large[1];
  CHECK(large_height == Approx(2 * small_height).epsilon(0.15));
}

Overlay sample_overlay() {
  Overlay overlay;
  overlay.lines = {"CartPole-v1  seed 0", "episode 3  step 120", "return 120.0"};
  overlay.bars.push_back({"action probabilities", {"left", "right"}, {0.25f, 1.0f}, 0, 1, 1});
  overlay.bars.push_back({"action", {"force"}, {-1.0f}, -2, 2, -1});
  overlay.status = "paused - space resumes, right arrow steps";
  return overlay;
}

TEST_CASE("Canvas draws the overlay in the corners, bars to scale, the chosen one orange",
          "[render][canvas]") {
  for (auto [w, h] : {std::pair{600, 400}, std::pair{1200, 800}}) {
    INFO(w << "x" << h);
    const double s = w / 600.0;
    Canvas canvas(w, h);
    const DrawList scene = cartpole_at(0, 0);
    canvas.draw_scene(scene);
    const Image plain = canvas.image();
    canvas.draw_overlay(sample_overlay());
    const Image& image = canvas.image();

    // Bars: 0.25 and 1.0 on [0, 1] (the 1.0 chosen), and -1 on [-2, 2] from its baseline at 0:
    // bars 20 px wide and the whole axis 56 px long at 600x400.
    const double blue = static_cast<double>(count_colour(image, kBar));
    const double orange = static_cast<double>(count_colour(image, kChosenBar));
    CHECK(orange == Approx(20 * 56 * s * s).epsilon(0.1));
    CHECK(blue == Approx(20 * (14 + 14) * s * s).epsilon(0.15));

    // Every panel sits in a corner: text in the top-left and bottom-left, bars top-right.
    const auto changed = [&](int x0, int y0, int x1, int y1) {
      size_t n = 0;
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
          n += colour_distance(image.at(x, y), plain.at(x, y)) > 0;
        }
      }
      return n;
    };
    CHECK(changed(0, 0, w / 3, h / 5) > 300 * s * s);
    CHECK(changed(0, h * 4 / 5, w / 2, h) > 300 * s * s);
    CHECK(changed(w * 2 / 3, 0, w, h / 3) > 300 * s * s);
    // ... and the cart in the middle is untouched.
    CHECK(changed(w / 3, h / 2, w * 2 / 3, h * 2 / 3) == 0);
    // Text is dark ink on the light backing.
    size_t ink = 0;
    for (int y = 0; y < h / 5; ++y) {
      for (int x = 0; x < w / 3; ++x) {
        ink += image.at(x, y).r < 100;
      }
    }
    CHECK(ink > 200 * s * s);
  }
}

TEST_CASE("Canvas draws an overlay with no scene, and empty parts of it not at all",
          "[render][canvas]") {
  Canvas canvas(600, 400);
  canvas.draw_overlay(Overlay{});
  CHECK(test::fraction_not(canvas.image(), kWhite) == 0);
  Overlay odd;
  odd.bars.push_back({"", {}, {}, 0, 1, -1});  // no values
  odd.bars.push_back({"nan and out of range", {"a", "b", "c"}, {NAN, 5.0f, -5.0f}, -1, 1, 7});
  canvas.draw_overlay(odd);
  CHECK(count_colour(canvas.image(), kBar) > 0);
  CHECK(count_colour(canvas.image(), kChosenBar) == 0);
}

}  // namespace
}  // namespace rl::sim
