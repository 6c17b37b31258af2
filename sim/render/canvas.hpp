// The one rasteriser: turns a DrawList (world units) and an Overlay (pixels) into an Image with
// Cairo, antialiased, text included, with no display or OpenGL context. Windows show these same
// pixels and recordings store them, so what is watched and what is recorded never differ.
#pragma once

#include <memory>

#include "sim/draw_list.hpp"
#include "sim/render/image.hpp"
#include "sim/render/overlay.hpp"

namespace rl::sim {

class Canvas {
 public:
  Canvas(int width, int height);
  ~Canvas();
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;

  int width() const;
  int height() const;
  /// Changes the size (a resized window); the next draw fills the new size.
  void resize(int width, int height);

  /// Paints the scene's world rectangle scaled to fit the canvas with its aspect ratio kept,
  /// centred, the margins in the scene's background colour. World y points up.
  void draw_scene(const DrawList& scene);
  /// Paints the overlay on top of what is there (text with a translucent backing so it reads on
  /// any scene).
  void draw_overlay(const Overlay& overlay);
  /// The pixels painted so far (converted from Cairo's premultiplied ARGB). The reference stays
  /// valid until the next call on this canvas.
  const Image& image();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rl::sim
