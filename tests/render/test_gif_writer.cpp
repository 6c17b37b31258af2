// Recordings read back with the decoders users' tools have: a CartPole GIF decoded by giflib
// shows the cart where the env says it is, frame by frame, pushed right and then back left;
// colours survive exactly when they can; PNGs read back through Cairo; failures name the path.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "envs/registry.hpp"
#include "sim/render/canvas.hpp"
#include "sim/render/gif_writer.hpp"
#include "tests/render/pixels.hpp"
#include <cairo.h>
#include <gif_lib.h>
#include <unistd.h>

namespace rl::sim {
namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::Message;
namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    char pattern[] = "/tmp/rl-test-render-XXXXXX";
    path = ::mkdtemp(pattern);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

/// A GIF decoded in full by giflib's DGifSlurp.
struct DecodedGif {
  int width = 0;
  int height = 0;
  std::vector<Image> frames;
  std::vector<int> delays;  // hundredths of a second
  bool loops_forever = false;
};

DecodedGif decode_gif(const std::string& path) {
  int error = 0;
  std::unique_ptr<GifFileType, void (*)(GifFileType*)> gif(
      DGifOpenFileName(path.c_str(), &error), [](GifFileType* g) { DGifCloseFile(g, nullptr); });
  INFO(GifErrorString(error));
  REQUIRE(gif != nullptr);
  REQUIRE(DGifSlurp(gif.get()) == GIF_OK);
  DecodedGif out;
  out.width = gif->SWidth;
  out.height = gif->SHeight;
  // Frames after the first cover only what changed and leave unchanged pixels transparent, so
  // each decoded frame is drawn over the one before, as viewers do.
  Image screen;
  screen.resize(out.width, out.height);
  for (int i = 0; i < gif->ImageCount; ++i) {
    const SavedImage& saved = gif->SavedImages[i];
    const GifImageDesc& desc = saved.ImageDesc;
    GraphicsControlBlock control;
    REQUIRE(DGifSavedExtensionToGCB(gif.get(), i, &control) == GIF_OK);
    if (i == 0) {
      REQUIRE(desc.Left == 0);
      REQUIRE(desc.Top == 0);
      REQUIRE(desc.Width == out.width);
      REQUIRE(desc.Height == out.height);
    }
    REQUIRE(desc.Left + desc.Width <= out.width);
    REQUIRE(desc.Top + desc.Height <= out.height);
    REQUIRE(control.DisposalMode == DISPOSE_DO_NOT);
    const ColorMapObject* map = desc.ColorMap != nullptr ? desc.ColorMap : gif->SColorMap;
    REQUIRE(map != nullptr);
    const size_t pixels = static_cast<size_t>(desc.Width) * static_cast<size_t>(desc.Height);
    REQUIRE(*std::max_element(saved.RasterBits, saved.RasterBits + pixels) < map->ColorCount);
    for (int y = 0; y < desc.Height; ++y) {
      for (int x = 0; x < desc.Width; ++x) {
        const GifByteType index = saved.RasterBits[y * desc.Width + x];
        if (index == control.TransparentColor) {
          continue;
        }
        const GifColorType c = map->Colors[index];
        std::uint8_t* pixel = &screen.rgba[(static_cast<size_t>(desc.Top + y) * out.width +
                                            static_cast<size_t>(desc.Left + x)) *
                                           4];
        pixel[0] = c.Red;
        pixel[1] = c.Green;
        pixel[2] = c.Blue;
        pixel[3] = 255;
      }
    }
    Image frame = screen;
    out.frames.push_back(std::move(frame));
    out.delays.push_back(control.DelayTime);
    for (int e = 0; e + 1 < saved.ExtensionBlockCount; ++e) {
      const ExtensionBlock& block = saved.ExtensionBlocks[e];
      const ExtensionBlock& data = saved.ExtensionBlocks[e + 1];
      if (block.Function == APPLICATION_EXT_FUNC_CODE && block.ByteCount == 11 &&
          std::string(reinterpret_cast<const char*>(block.Bytes), 11) == "NETSCAPE2.0" &&
          data.ByteCount == 3 && data.Bytes[0] == 1 && data.Bytes[1] == 0 && data.Bytes[2] == 0) {
        out.loops_forever = true;
      }
    }
  }
  return out;
}

size_t pixels_differing(const Image& a, const Image& b) {
  size_t n = 0;
  for (size_t i = 0; i < a.rgba.size(); ++i) {
    n += a.rgba[i] != b.rgba[i];
  }
  return n;
}

TEST_CASE("GifWriter records CartPole pushed right then left, and the decoded cart follows",
          "[render][gif]") {
  constexpr int kWidth = 600;
  constexpr int kHeight = 400;
  constexpr int kPushRight = 15;
  constexpr int kPushLeft = 25;
  TempDir dir;
  const std::string path = dir.file("cartpole.gif");
  // The pole falls past its 12 degree limit while the cart is pushed; setting the state again
  // restarts the episode there, so the physics (and the cart) keep going.
  auto env = envs::make("CartPole-v1", {.autoreset = envs::AutoReset::kDisabled});
  env->reset(0);
  Canvas canvas(kWidth, kHeight);
  GifWriter gif(path, kWidth, kHeight, env->spec().render_fps);
  std::vector<double> cart_x;
  DrawList scene;
  Overlay overlay;
  std::vector<double> state(4);
  for (int t = 0; t <= kPushRight + kPushLeft; ++t) {
    if (t > 0) {
      const std::vector<std::int32_t> action{t <= kPushRight ? 1 : 0};
      if (env->step(action).done(0)) {
        env->get_state(0, state);
        env->set_state(0, state);
      }
    }
    env->get_state(0, state);
    cart_x.push_back(state[0]);
    env->draw(0, scene);
    canvas.draw_scene(scene);
    overlay.lines = {"CartPole-v1  seed 0", "step " + std::to_string(t)};
    const float right = t < kPushRight ? 1.0f : 0.0f;
    overlay.bars = {{"action probabilities",
                     {"left", "right"},
                     {1 - right, right},
                     0,
                     1,
                     t < kPushRight ? 1 : 0}};
    overlay.status = "recording";
    canvas.draw_overlay(overlay);
    gif.add(canvas.image());
  }
  gif.finish();
  CHECK(gif.frames() == kPushRight + kPushLeft + 1);

  const DecodedGif decoded = decode_gif(path);
  REQUIRE(decoded.width == kWidth);
  REQUIRE(decoded.height == kHeight);
  REQUIRE(decoded.frames.size() == cart_x.size());
  CHECK(decoded.loops_forever);
  for (int delay : decoded.delays) {
    CHECK(delay == 2);  // 50 fps
  }
  for (size_t i = 1; i < decoded.frames.size(); ++i) {
    CHECK(pixels_differing(decoded.frames[i - 1], decoded.frames[i]) > 0);
  }

  // The cart's rows above the track, where only the cart is dark. The pole swings right round
  // (past the 12 degree limit) and across the cart, hence the widest dark span, not a centroid.
  const test::Fit fit({-4.8, -0.8}, {4.8, 2.4}, kWidth, kHeight);
  std::vector<double> centre;
  for (size_t i = 0; i < decoded.frames.size(); ++i) {
    INFO("frame " << i << ", cart at x = " << cart_x[i]);
    const auto x = test::dark_span_centre_x(decoded.frames[i], static_cast<int>(fit.y(0.25)) + 2,
                                            static_cast<int>(fit.y(0)) - 2);
    REQUIRE(x);
    CHECK(*x == Approx(fit.x(cart_x[i])).margin(1.0));
    centre.push_back(*x);
  }
  // Pushed right, the cart moves right.
  for (int t = 1; t <= kPushRight; ++t) {
    CHECK(centre[t] >= centre[t - 1] - 0.75);
  }
  CHECK(centre[kPushRight] > centre[0] + 20);
  // Pushed left, it slows, stops and comes back: x falls from its peak.
  const auto peak = std::max_element(centre.begin(), centre.end()) - centre.begin();
  CHECK(peak > kPushRight);
  CHECK(peak < kPushRight + kPushLeft - 5);
  for (auto t = peak + 1; t < static_cast<long>(centre.size()); ++t) {
    CHECK(centre[t] <= centre[t - 1] + 0.75);
  }
  CHECK(centre.back() < centre[peak] - 10);
}

TEST_CASE("GifWriter keeps a frame's colours exactly when it has at most 256, else close",
          "[render][gif]") {
  TempDir dir;
  Image few;
  few.resize(64, 32);  // 256 colours, each in 8 pixels
  for (size_t p = 0; p < 64 * 32; ++p) {
    const auto colour = static_cast<std::uint8_t>(p % 256);
    few.rgba[4 * p] = colour;
    few.rgba[4 * p + 1] = static_cast<std::uint8_t>(255 - colour);
    few.rgba[4 * p + 2] = static_cast<std::uint8_t>(colour * 7);
    few.rgba[4 * p + 3] = 255;
  }
  REQUIRE(test::distinct_colours(few) == 256);
  {
    GifWriter gif(dir.file("few.gif"), 64, 32, 10);
    gif.add(few);
  }  // the destructor finishes the file
  const DecodedGif decoded_few = decode_gif(dir.file("few.gif"));
  REQUIRE(decoded_few.frames.size() == 1);
  CHECK(decoded_few.frames[0].rgba == few.rgba);
  CHECK(decoded_few.delays[0] == 10);

  // A real frame: antialiased edges and text give it more than 256 colours.
  Canvas canvas(600, 400);
  DrawList scene;
  auto env = envs::make("Acrobot-v1");
  env->reset(0);
  env->draw(0, scene);
  canvas.draw_scene(scene);
  Overlay overlay;
  overlay.lines = {"Acrobot-v1  seed 0", "step 0"};
  overlay.bars = {{"Q-values", {"-1", "0", "+1"}, {-3.5f, -2.25f, -4.0f}, -5, 0, 1}};
  overlay.status = "recording";
  canvas.draw_overlay(overlay);
  const Image& many = canvas.image();
  REQUIRE(test::distinct_colours(many) > 256);
  GifWriter gif(dir.file("many.gif"), 600, 400, 30);
  gif.add(many);
  gif.finish();
  const DecodedGif decoded_many = decode_gif(dir.file("many.gif"));
  REQUIRE(decoded_many.frames.size() == 1);
  CHECK(decoded_many.delays[0] == 3);  // 100 / 30, rounded
  const Image& decoded = decoded_many.frames[0];
  double total_error = 0;
  int worst = 0;
  size_t white = 0;
  size_t white_kept = 0;
  for (int y = 0; y < 400; ++y) {
    for (int x = 0; x < 600; ++x) {
      const int error = test::colour_distance(many.at(x, y), decoded.at(x, y));
      total_error += error;
      worst = std::max(worst, error);
      if (test::rgb(many.at(x, y)) == 0xffffff) {
        ++white;
        white_kept += test::rgb(decoded.at(x, y)) == 0xffffff;
      }
    }
  }
  CHECK(total_error / (600 * 400) < 0.5);
  CHECK(worst <= 12);
  CHECK(white_kept == white);  // the background stays white, not giflib's 5-bit (248, 248, 248)
}

TEST_CASE("GifWriter and write_png name the path and the reason when they cannot write",
          "[render][gif][png]") {
  Image frame;
  frame.resize(600, 400);
  for (size_t i = 0; i < frame.rgba.size(); ++i) {
    frame.rgba[i] = static_cast<std::uint8_t>(i * 2654435761u >> 24);  // incompressible noise
  }
  const std::string missing = "/tmp/rl-no-such-folder-for-render/sub/out.gif";
  CHECK_THROWS_MATCHES(
      GifWriter(missing, 600, 400, 50), Error,
      Message("cannot write GIF " + missing + ": cannot open it (No such file or directory)"));
  CHECK_THROWS_MATCHES(write_png(frame, "/tmp/rl-no-such-folder-for-render/out.png"), Error,
                       Message("cannot write PNG /tmp/rl-no-such-folder-for-render/out.png: "
                               "cannot open it (No such file or directory)"));
  CHECK_FALSE(fs::exists("/tmp/rl-no-such-folder-for-render"));

  // /dev/full fails every write with ENOSPC, as a full disk does.
  const auto record_to_full_disk = [&] {
    GifWriter gif("/dev/full", 600, 400, 50);
    for (int i = 0; i < 3; ++i) {
      gif.add(frame);
    }
    gif.finish();
  };
  CHECK_THROWS_WITH(record_to_full_disk(), Contains("cannot write GIF /dev/full") &&
                                               Contains("No space left on device") &&
                                               Contains("the disk is full"));
  CHECK_THROWS_WITH(write_png(frame, "/dev/full"),
                    Contains("cannot write PNG /dev/full") && Contains("the disk is full"));

  TempDir dir;
  CHECK_THROWS_WITH(GifWriter(dir.file("a.gif"), 600, 400, 0), Contains("positive rate"));
  CHECK_THROWS_WITH(GifWriter(dir.file("b.gif"), 0, 400, 50), Contains("0x400"));
  CHECK_FALSE(fs::exists(dir.file("a.gif")));
  GifWriter gif(dir.file("c.gif"), 300, 200, 50);
  CHECK_THROWS_WITH(gif.add(frame), Contains(dir.file("c.gif")) && Contains("600x400") &&
                                        Contains("must be 300x200"));
}

TEST_CASE("write_png writes an image that Cairo reads back pixel for pixel", "[render][png]") {
  TempDir dir;
  Canvas canvas(600, 400);
  auto env = envs::make("CartPole-v1");
  env->reset(0);
  DrawList scene;
  env->draw(0, scene);
  canvas.draw_scene(scene);
  Overlay overlay;
  overlay.lines = {"a PNG"};
  canvas.draw_overlay(overlay);
  const Image& image = canvas.image();
  const std::string path = dir.file("frame.png");
  write_png(image, path);

  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> png(
      cairo_image_surface_create_from_png(path.c_str()), &cairo_surface_destroy);
  REQUIRE(cairo_surface_status(png.get()) == CAIRO_STATUS_SUCCESS);
  REQUIRE(cairo_image_surface_get_width(png.get()) == 600);
  REQUIRE(cairo_image_surface_get_height(png.get()) == 400);
  const unsigned char* data = cairo_image_surface_get_data(png.get());
  const int stride = cairo_image_surface_get_stride(png.get());
  size_t differing = 0;
  for (int y = 0; y < 400; ++y) {
    for (int x = 0; x < 600; ++x) {
      std::uint32_t pixel;
      std::memcpy(
          &pixel,
          data + static_cast<size_t>(y) * static_cast<size_t>(stride) + 4 * static_cast<size_t>(x),
          sizeof pixel);
      const Color expected = image.at(x, y);
      differing += (pixel & 0xffffffu) != test::rgb(expected);
    }
  }
  CHECK(differing == 0);
}

}  // namespace
}  // namespace rl::sim
