// Animated GIFs through giflib: one frame per add(), a fixed delay per frame, looping forever.
#pragma once

#include <memory>
#include <string>

#include "sim/render/image.hpp"

namespace rl::sim {

class GifWriter {
 public:
  /// Opens `path` for writing (throws rl::Error naming the path and the reason if it cannot).
  /// Every frame must be width x height. GIF delays are in hundredths of a second, so fps is
  /// rounded to the nearest delay (50 fps -> 2/100 s).
  GifWriter(const std::string& path, int width, int height, double fps);
  ~GifWriter();  ///< finishes the file if finish() was not called (errors are then swallowed)
  GifWriter(const GifWriter&) = delete;
  GifWriter& operator=(const GifWriter&) = delete;

  /// Appends one frame: colours are exact when a frame has at most 256, otherwise quantised with
  /// giflib's median cut. Throws rl::WriteError-style errors (disk full) naming the path.
  void add(const Image& frame);
  /// Writes the trailer and closes the file; throws if that fails.
  void finish();
  int frames() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Writes one PNG (no display needed); throws rl::Error naming the path on failure.
void write_png(const Image& image, const std::string& path);

}  // namespace rl::sim
