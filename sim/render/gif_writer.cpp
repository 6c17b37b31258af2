// Recordings on disk: animated GIFs through giflib and single PNGs through Cairo. Both write
// through one buffered file descriptor, so a full disk is reported with the system's reason
// instead of a library's generic "write failed".
#include "sim/render/gif_writer.hpp"

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "core/error.hpp"
#include <cairo.h>
#include <fcntl.h>
#include <gif_lib.h>
#include <unistd.h>

namespace rl::sim {

namespace {

bool disk_full(int error) {
  return error == ENOSPC || error == EFBIG || error == EDQUOT;
}

/// "cannot write <what> <path>: <reason>", saying so when the disk is full (the wording of
/// rl::log::WriteError, which sim/ cannot depend on).
[[noreturn]] void throw_write_error(const char* what, const std::string& path,
                                    const std::string& reason, int error) {
  throw Error(message("cannot write ", what, " ", path, ": ", reason,
                      error != 0 ? message(" (", std::strerror(error), ")") : std::string(),
                      disk_full(error)
                          ? "; the disk is full or a file size limit was reached: free space "
                            "or record somewhere else"
                          : ""));
}

/// A file opened for writing, with a buffer so giflib's and Cairo's small writes become few
/// system calls. Remembers the errno of the first failed write.
class FileSink {
 public:
  explicit FileSink(const std::string& path)
      : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)),
        error_(fd_ < 0 ? errno : 0) {
    buffer_.reserve(kBufferSize);
  }
  ~FileSink() { close(); }
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  bool open() const { return fd_ >= 0; }
  /// errno of the first failure (open, write or close), 0 if none.
  int error() const { return error_; }

  bool write(const unsigned char* bytes, size_t size) {
    if (error_ != 0) {
      return false;
    }
    if (buffer_.size() + size > kBufferSize && !flush()) {
      return false;
    }
    buffer_.insert(buffer_.end(), bytes, bytes + size);
    return true;
  }

  /// Writes what is buffered and closes the file; false (with error()) if anything failed.
  bool close() {
    if (fd_ < 0) {
      return error_ == 0;
    }
    flush();
    if (::close(fd_) != 0 && error_ == 0) {
      error_ = errno;
    }
    fd_ = -1;
    return error_ == 0;
  }

 private:
  static constexpr size_t kBufferSize = 1 << 16;

  bool flush() {
    size_t written = 0;
    while (error_ == 0 && written < buffer_.size()) {
      const ssize_t n = ::write(fd_, buffer_.data() + written, buffer_.size() - written);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        error_ = n < 0 ? errno : ENOSPC;
      } else {
        written += static_cast<size_t>(n);
      }
    }
    buffer_.clear();
    return error_ == 0;
  }

  int fd_;
  int error_;
  std::vector<unsigned char> buffer_;
};

void check_frame_size(const Image& image, const std::string& path, int width, int height) {
  check(image.width == width && image.height == height &&
            image.rgba.size() == static_cast<size_t>(width) * static_cast<size_t>(height) * 4,
        "cannot add a ", image.width, "x", image.height, " frame (", image.rgba.size(),
        " bytes) to ", path, ": every frame must be ", width, "x", height, " RGBA");
}

/// Up to 256 colours with their palette index: an open-addressing hash table with room to spare,
/// so a frame's exact palette is found in one pass without allocating.
class ExactPalette {
 public:
  static constexpr int kMaxColours = 256;

  /// Empties the palette and allows up to `limit` colours (one index may be kept for
  /// transparency).
  void clear(int limit = kMaxColours) {
    keys_.fill(kEmpty);
    count_ = 0;
    limit_ = limit;
  }
  int size() const { return count_; }
  const std::array<GifColorType, kMaxColours>& colours() const { return colours_; }

  /// The colour's index, adding it if new; -1 once a 257th colour shows up.
  int index_of(std::uint32_t rgb) {
    std::uint32_t slot = (rgb * 2654435761u) >> (32 - kSlotBits);
    while (keys_[slot] != kEmpty) {
      if (keys_[slot] == rgb) {
        return indices_[slot];
      }
      slot = (slot + 1) & (kSlots - 1);
    }
    if (count_ == limit_) {
      return -1;
    }
    keys_[slot] = rgb;
    indices_[slot] = static_cast<std::uint8_t>(count_);
    colours_[static_cast<size_t>(count_)] = {static_cast<GifByteType>(rgb >> 16),
                                             static_cast<GifByteType>(rgb >> 8),
                                             static_cast<GifByteType>(rgb)};
    return count_++;
  }

 private:
  static constexpr int kSlotBits = 10;
  static constexpr std::uint32_t kSlots = 1u << kSlotBits;
  static constexpr std::uint32_t kEmpty = 0xffffffffu;  // not a 24-bit colour

  std::array<std::uint32_t, kSlots> keys_{};
  std::array<std::uint8_t, kSlots> indices_{};
  std::array<GifColorType, kMaxColours> colours_{};
  int count_ = 0;
  int limit_ = kMaxColours;
};

struct GifCloser {
  /// Writes the trailer (through the sink) and frees the encoder; errors are the caller's to
  /// check when it closes explicitly.
  void operator()(GifFileType* gif) const { EGifCloseFile(gif, nullptr); }
};

struct Rect {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
};

int bits_for(int colours) {
  int bits = 1;
  while ((1 << bits) < colours) {
    ++bits;
  }
  return bits;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

struct GifWriter::Impl {
  std::string path;
  int width = 0;
  int height = 0;
  int delay = 2;  // hundredths of a second per frame
  int frames = 0;
  FileSink file;
  std::unique_ptr<GifFileType, GifCloser> gif;  // after file: closing writes through it
  ExactPalette palette;
  std::vector<GifByteType> indices;  // one palette index per pixel of the changed rectangle
  std::vector<std::uint8_t> unchanged;  // per pixel of that rectangle: as in the previous frame
  std::vector<std::uint8_t> previous;  // the previous frame's RGBA
  std::vector<GifByteType> red;  // the planes GifQuantizeBuffer takes
  std::vector<GifByteType> green;
  std::vector<GifByteType> blue;
  std::array<GifColorType, 256> colour_map{};

  Impl(const std::string& p, int w, int h, double fps)
      : path(p), width(w), height(h), file(checked(p, w, h, fps)) {
    // GIF delays are whole hundredths of a second, and browsers slow anything under 2 down.
    delay = static_cast<int>(std::max(2.0, std::min(65535.0, std::round(100 / fps))));
    if (!file.open()) {
      throw_write_error("GIF", path, "cannot open it", file.error());
    }
    int error = 0;
    gif.reset(EGifOpen(this, &Impl::output, &error));
    if (gif == nullptr) {
      throw_write_error("GIF", path, GifErrorString(error), 0);
    }
    // GIF89a: the version that has delays and looping.
    EGifSetGifVersion(gif.get(), true);
    expect(EGifPutScreenDesc(gif.get(), width, height, 8, 0, nullptr));
    // The NETSCAPE2.0 application extension: loop count 0, forever.
    static constexpr unsigned char kLoopForever[] = {1, 0, 0};
    expect(EGifPutExtensionLeader(gif.get(), APPLICATION_EXT_FUNC_CODE));
    expect(EGifPutExtensionBlock(gif.get(), 11, "NETSCAPE2.0"));
    expect(EGifPutExtensionBlock(gif.get(), sizeof kLoopForever, kLoopForever));
    expect(EGifPutExtensionTrailer(gif.get()));
  }

  /// The path, once the settings are known to be valid: nothing is created on disk otherwise.
  static const std::string& checked(const std::string& path, int w, int h, double fps) {
    check(w > 0 && h > 0 && w <= 65535 && h <= 65535, "cannot record ", path, " at ", w, "x", h,
          ": a GIF is 1x1 to 65535x65535 pixels");
    check(std::isfinite(fps) && fps > 0, "cannot record ", path, " at ", fps,
          " frames per second: give a positive rate");
    return path;
  }

  static int output(GifFileType* file_type, const GifByteType* bytes, int size) {
    auto* self = static_cast<Impl*>(file_type->UserData);
    return self->file.write(bytes, static_cast<size_t>(size)) ? size : 0;
  }

  /// Throws naming the path and giflib's reason (with the system's, if a write failed).
  void expect(int gif_status) {
    if (gif_status != GIF_OK) {
      throw_write_error("GIF", path, GifErrorString(gif->Error), file.error());
    }
  }

  /// The smallest rectangle holding every pixel that differs from the previous frame (the whole
  /// frame first); a 1x1 rectangle when nothing changed.
  Rect changed_rect(const Image& frame) const {
    if (previous.empty()) {
      return {0, 0, width, height};
    }
    int left = width;
    int right = -1;
    int top = height;
    int bottom = -1;
    const auto* now = reinterpret_cast<const std::uint32_t*>(frame.rgba.data());
    const auto* before = reinterpret_cast<const std::uint32_t*>(previous.data());
    for (int y = 0; y < height; ++y) {
      const size_t row = static_cast<size_t>(y) * static_cast<size_t>(width);
      for (int x = 0; x < width; ++x) {
        if (now[row + static_cast<size_t>(x)] != before[row + static_cast<size_t>(x)]) {
          left = std::min(left, x);
          right = std::max(right, x);
          top = std::min(top, y);
          bottom = y;
        }
      }
    }
    if (right < 0) {
      return {0, 0, 1, 1};
    }
    return {left, top, right - left + 1, bottom - top + 1};
  }

  /// Fills indices (one per pixel of rect) and colour_map; returns the number of colours used.
  /// After the first frame, pixels equal to the previous frame's get index `transparent`, which
  /// is then the last colour: the decoder keeps what it showed there, and long runs of one index
  /// compress well.
  int palettise(const Image& frame, const Rect& rect, int& transparent) {
    const size_t pixels = static_cast<size_t>(rect.width) * static_cast<size_t>(rect.height);
    const bool delta = !previous.empty();
    indices.resize(pixels);
    unchanged.assign(pixels, 0);
    red.resize(pixels);
    green.resize(pixels);
    blue.resize(pixels);
    for (int y = 0; y < rect.height; ++y) {
      const size_t source = (static_cast<size_t>(rect.y + y) * static_cast<size_t>(width) +
                             static_cast<size_t>(rect.x)) *
                            4;
      for (int x = 0; x < rect.width; ++x) {
        const size_t i =
            static_cast<size_t>(y) * static_cast<size_t>(rect.width) + static_cast<size_t>(x);
        const std::uint8_t* p = frame.rgba.data() + source + static_cast<size_t>(x) * 4;
        red[i] = p[0];
        green[i] = p[1];
        blue[i] = p[2];
        unchanged[i] =
            delta && std::memcmp(p, previous.data() + source + static_cast<size_t>(x) * 4, 4) == 0;
      }
    }
    const int limit = delta ? 255 : 256;
    palette.clear(limit);
    bool exact = true;
    for (size_t i = 0; i < pixels && exact; ++i) {
      if (unchanged[i]) {
        continue;
      }
      const int index = palette.index_of((std::uint32_t{red[i]} << 16) |
                                         (std::uint32_t{green[i]} << 8) | blue[i]);
      exact = index >= 0;
      indices[i] = static_cast<GifByteType>(index);
    }
    int colours = 0;
    if (exact) {
      std::copy(palette.colours().begin(), palette.colours().begin() + palette.size(),
                colour_map.begin());
      colours = palette.size();
    } else {
      colours = limit;
      if (GifQuantizeBuffer(static_cast<unsigned>(rect.width), static_cast<unsigned>(rect.height),
                            &colours, red.data(), green.data(), blue.data(), indices.data(),
                            colour_map.data()) != GIF_OK) {
        throw_write_error("GIF", path, "giflib could not reduce a frame to 256 colours", 0);
      }
      // giflib's median cut works on 5 bits per channel and gives each box a 5-bit colour, which
      // turns a white background into (248, 248, 248). Each entry becomes the mean of the pixels
      // mapped to it instead, so the colours that fill most of a frame stay exact.
      std::array<std::array<std::uint64_t, 4>, 256> sums{};  // red, green, blue, count
      for (size_t i = 0; i < pixels; ++i) {
        if (unchanged[i]) {
          continue;
        }
        std::array<std::uint64_t, 4>& sum = sums[indices[i]];
        sum[0] += red[i];
        sum[1] += green[i];
        sum[2] += blue[i];
        ++sum[3];
      }
      for (int c = 0; c < colours; ++c) {
        const std::array<std::uint64_t, 4>& sum = sums[static_cast<size_t>(c)];
        if (sum[3] > 0) {
          const auto mean = [&](std::uint64_t total) {
            return static_cast<GifByteType>((total + sum[3] / 2) / sum[3]);
          };
          colour_map[static_cast<size_t>(c)] = {mean(sum[0]), mean(sum[1]), mean(sum[2])};
        }
      }
    }
    transparent = NO_TRANSPARENT_COLOR;
    if (delta) {
      transparent = colours;
      colour_map[static_cast<size_t>(colours)] = {255, 0, 255};  // never shown
      ++colours;
      for (size_t i = 0; i < pixels; ++i) {
        if (unchanged[i]) {
          indices[i] = static_cast<GifByteType>(transparent);
        }
      }
    }
    return colours;
  }

  void add(const Image& frame) {
    check(gif != nullptr, "cannot add a frame to ", path, ": the GIF is already finished");
    check_frame_size(frame, path, width, height);
    const Rect rect = changed_rect(frame);
    int transparent = NO_TRANSPARENT_COLOR;
    const int colours = palettise(frame, rect, transparent);
    // A colour table holds a power of two entries (at least 2); the rest stay unused.
    const int bits = bits_for(colours);
    std::fill(colour_map.begin() + colours, colour_map.begin() + (1 << bits), GifColorType{});
    const ColorMapObject local_map{1 << bits, bits, false, colour_map.data()};
    GraphicsControlBlock control{};
    // Each frame is drawn over the one before: the first covers the screen, later ones only the
    // rectangle that changed, with unchanged pixels transparent.
    control.DisposalMode = DISPOSE_DO_NOT;
    control.UserInputFlag = false;
    control.DelayTime = delay;
    control.TransparentColor = transparent;
    GifByteType extension[4];
    const size_t extension_size = EGifGCBToExtension(&control, extension);
    expect(EGifPutExtension(gif.get(), GRAPHICS_EXT_FUNC_CODE, static_cast<int>(extension_size),
                            extension));
    expect(EGifPutImageDesc(gif.get(), rect.x, rect.y, rect.width, rect.height, false, &local_map));
    expect(EGifPutLine(gif.get(), indices.data(), rect.width * rect.height));
    previous.assign(frame.rgba.begin(), frame.rgba.end());
    ++frames;
  }

  void finish() {
    if (gif == nullptr) {
      return;
    }
    int error = 0;
    const int status = EGifCloseFile(gif.release(), &error);  // frees it whatever happens
    const bool closed = file.close();
    if (status != GIF_OK || !closed) {
      throw_write_error("GIF", path, status != GIF_OK ? GifErrorString(error) : "cannot close it",
                        file.error());
    }
  }
};

GifWriter::GifWriter(const std::string& path, int width, int height, double fps)
    : impl_(std::make_unique<Impl>(path, width, height, fps)) {}

GifWriter::~GifWriter() {
  try {
    impl_->finish();
  } catch (const Error&) {
    // A destructor cannot report; finish() is how callers learn that the file is incomplete.
  }
}

void GifWriter::add(const Image& frame) {
  impl_->add(frame);
}

void GifWriter::finish() {
  impl_->finish();
}

int GifWriter::frames() const {
  return impl_->frames;
}

// ---------------------------------------------------------------------------------------------

void write_png(const Image& image, const std::string& path) {
  check(image.width > 0 && image.height > 0 &&
            image.rgba.size() ==
                static_cast<size_t>(image.width) * static_cast<size_t>(image.height) * 4,
        "cannot write PNG ", path, ": the image is ", image.width, "x", image.height, " with ",
        image.rgba.size(), " bytes, not width x height x 4");
  // Cairo's RGB24: one native-endian 0x00RRGGBB word per pixel (the image is opaque).
  const int stride = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, image.width);
  std::vector<std::uint32_t> pixels(static_cast<size_t>(stride / 4) *
                                    static_cast<size_t>(image.height));
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      const std::uint8_t* p =
          &image.rgba[(static_cast<size_t>(y) * static_cast<size_t>(image.width) +
                       static_cast<size_t>(x)) *
                      4];
      pixels[static_cast<size_t>(y) * static_cast<size_t>(stride / 4) + static_cast<size_t>(x)] =
          (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
    }
  }
  cairo_surface_t* surface =
      cairo_image_surface_create_for_data(reinterpret_cast<unsigned char*>(pixels.data()),
                                          CAIRO_FORMAT_RGB24, image.width, image.height, stride);
  FileSink file(path);
  if (!file.open()) {
    cairo_surface_destroy(surface);
    throw_write_error("PNG", path, "cannot open it", file.error());
  }
  const cairo_status_t status = cairo_surface_write_to_png_stream(
      surface,
      [](void* closure, const unsigned char* data, unsigned int length) {
        return static_cast<FileSink*>(closure)->write(data, length) ? CAIRO_STATUS_SUCCESS
                                                                    : CAIRO_STATUS_WRITE_ERROR;
      },
      &file);
  cairo_surface_destroy(surface);
  const bool closed = file.close();
  if (status != CAIRO_STATUS_SUCCESS || !closed) {
    throw_write_error(
        "PNG", path,
        status != CAIRO_STATUS_SUCCESS ? cairo_status_to_string(status) : "cannot close it",
        file.error());
  }
}

}  // namespace rl::sim
