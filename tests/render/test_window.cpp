// The SFML window under a real (virtual) X display: it shows what the Canvas drew, stretched to
// its size, and capture() reads the same pixels back from OpenGL. Run by ctest through
// `xvfb-run`, since it needs a display and a GLX context (Mesa's llvmpipe).
#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

#include "envs/registry.hpp"
#include "sim/render/canvas.hpp"
#include "sim/render/window.hpp"
#include "tests/render/classic_scenes.hpp"
#include "tests/render/pixels.hpp"

namespace rl::sim {
namespace {

using test::colour_distance;

TEST_CASE("Window shows each classic env as the Canvas draws it", "[render][window]") {
  REQUIRE_FALSE(Window::display_problem());
  constexpr int kWidth = 600;
  constexpr int kHeight = 400;
  Canvas canvas(kWidth, kHeight);
  for (const char* id : test::kClassicEnvs) {
    INFO(id);
    Window window(std::string("rlsuite test: ") + id, kWidth, kHeight);
    REQUIRE(window.is_open());
    REQUIRE(window.width() == kWidth);
    REQUIRE(window.height() == kHeight);
    auto env = envs::make(id);
    env->reset(0);
    DrawList scene;
    Overlay overlay;
    overlay.lines = {id};
    overlay.status = "window test";
    for (int frame = 0; frame < 8; ++frame) {
      test::step_with_fixed_action(*env);
      env->draw(0, scene);
      canvas.draw_scene(scene);
      overlay.bars = {{"action", {"a", "b"}, {0.5f, frame / 8.0f}, 0, 1, 1}};
      canvas.draw_overlay(overlay);
      window.show(canvas.image());
      window.poll();
    }
    const Image shown = canvas.image();
    const Image captured = window.capture();
    REQUIRE(captured.width == kWidth);
    REQUIRE(captured.height == kHeight);
    CHECK(test::fraction_not(captured, scene.background, 8) > 0.01);
    CHECK(test::distinct_colours(captured) > 10);
    size_t differing = 0;
    for (int y = 0; y < kHeight; ++y) {
      for (int x = 0; x < kWidth; ++x) {
        differing += colour_distance(captured.at(x, y), shown.at(x, y)) > 8;
      }
    }
    CHECK(differing < static_cast<size_t>(kWidth * kHeight / 100));
    CHECK_FALSE(window.held(Key::space));
  }
}

TEST_CASE("Window stretches a smaller image over the whole window", "[render][window]") {
  Window window("rlsuite test: stretch", 600, 400);
  Image image;
  image.resize(300, 200);
  for (int y = 0; y < 200; ++y) {
    for (int x = 0; x < 300; ++x) {
      std::uint8_t* p = &image.rgba[(static_cast<size_t>(y) * 300 + static_cast<size_t>(x)) * 4];
      p[0] = x < 150 ? 220 : 20;  // left half red, right half blue
      p[1] = 30;
      p[2] = x < 150 ? 20 : 220;
      p[3] = 255;
    }
  }
  window.show(image);
  window.poll();
  const Image captured = window.capture();
  REQUIRE(captured.width == 600);
  CHECK(colour_distance(captured.at(10, 10), Color{220, 30, 20, 255}) <= 2);
  CHECK(colour_distance(captured.at(290, 390), Color{220, 30, 20, 255}) <= 2);
  CHECK(colour_distance(captured.at(310, 10), Color{20, 30, 220, 255}) <= 2);
  CHECK(colour_distance(captured.at(590, 390), Color{20, 30, 220, 255}) <= 2);
}

TEST_CASE("Window closes on request and then ignores frames", "[render][window]") {
  Window window("rlsuite test: close", 320, 240);
  REQUIRE(window.is_open());
  window.close();
  CHECK_FALSE(window.is_open());
  Image image;
  image.resize(320, 240);
  window.show(image);
  CHECK(window.poll().empty());
  CHECK(window.capture().rgba.empty());
}

}  // namespace
}  // namespace rl::sim
