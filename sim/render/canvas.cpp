// The Cairo rasteriser behind every window and recording. Scene points are mapped to pixels by
// hand rather than through a Cairo matrix, so stroke widths, text and pixel snapping are all
// reasoned about in one space: pixels, y down.
#include "sim/render/canvas.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <numbers>
#include <span>
#include <string>

#include "core/error.hpp"
#include "sim/render/font_caches.hpp"
#include <cairo.h>

namespace rl::sim {

namespace {

// ---------------------------------------------------------------------------------------------
// The overlay's look, in pixels at the 600x400 a viewer opens with; it scales with the canvas.

struct Rgb {
  double r = 0;
  double g = 0;
  double b = 0;
};

constexpr Rgb from_hex(unsigned rgb) {
  return {((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0};
}

constexpr double kReferenceWidth = 600;
constexpr double kReferenceHeight = 400;
/// Below this the text becomes unreadable, above it the panels would cover the scene.
constexpr double kMinOverlayScale = 0.75;
constexpr double kMaxOverlayScale = 3;

constexpr double kTextSize = 14;  // lines, status and bar titles
constexpr double kSmallTextSize = 11;  // bar labels and values
constexpr double kLineSpacing = 1.3;  // line pitch as a multiple of the font size
constexpr double kMargin = 8;  // between panels, and between a panel and the canvas edge
constexpr double kPad = 6;  // inside a panel
constexpr double kCornerRadius = 4;
constexpr double kPanelAlpha = 0.7;
constexpr double kBarLength = 56;  // the whole value axis, low to high
constexpr double kBarWidth = 20;
constexpr double kBarGap = 10;  // least space between two bars' slots
constexpr double kRowGap = 3;  // between a panel's title, values, bars and labels
/// A bar panel never takes more than this fraction of the canvas width.
constexpr double kMaxPanelWidthFraction = 0.45;

constexpr Rgb kPanelColour = from_hex(0xffffff);
constexpr Rgb kPanelBorder = from_hex(0xb4b4b4);
constexpr Rgb kTextColour = from_hex(0x222222);
constexpr Rgb kTrackColour = from_hex(0xe4e4e4);
constexpr Rgb kBaselineColour = from_hex(0x606060);
constexpr Rgb kBarColour = from_hex(0x4682b4);  // steel blue
constexpr Rgb kHighlightColour = from_hex(0xff8c00);  // dark orange: the chosen action

// ---------------------------------------------------------------------------------------------
// Cairo handles and drawing helpers.

template <class T, void (*destroy)(T*)>
struct CairoDeleter {
  void operator()(T* p) const { destroy(p); }
};
using Surface =
    std::unique_ptr<cairo_surface_t, CairoDeleter<cairo_surface_t, &cairo_surface_destroy>>;
using Context = std::unique_ptr<cairo_t, CairoDeleter<cairo_t, &cairo_destroy>>;
using FontFace =
    std::unique_ptr<cairo_font_face_t, CairoDeleter<cairo_font_face_t, &cairo_font_face_destroy>>;

void set_colour(cairo_t* cr, Rgb c, double alpha = 1) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

void set_colour(cairo_t* cr, Color c) {
  cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, c.a / 255.0);
}

void set_font(cairo_t* cr, cairo_font_face_t* face, double size) {
  cairo_set_font_face(cr, face);
  cairo_set_font_size(cr, size);
}

double text_width(cairo_t* cr, const char* text) {
  cairo_text_extents_t extents;
  cairo_text_extents(cr, text, &extents);
  return extents.x_advance;
}

/// Draws text with its left end at x and its baseline at y.
void show_text(cairo_t* cr, const char* text, double x, double baseline) {
  cairo_move_to(cr, x, baseline);
  cairo_show_text(cr, text);
}

void show_text_centred(cairo_t* cr, const char* text, double centre_x, double baseline) {
  show_text(cr, text, centre_x - text_width(cr, text) / 2, baseline);
}

struct LineMetrics {
  double ascent = 0;
  double height = 0;  // ascent + descent
};

LineMetrics line_metrics(cairo_t* cr) {
  cairo_font_extents_t extents;
  cairo_font_extents(cr, &extents);
  return {extents.ascent, extents.ascent + extents.descent};
}

void rounded_rectangle(cairo_t* cr, double x, double y, double w, double h, double radius) {
  constexpr double kQuarter = std::numbers::pi / 2;
  radius = std::min({radius, w / 2, h / 2});
  cairo_new_sub_path(cr);
  cairo_arc(cr, x + w - radius, y + radius, radius, -kQuarter, 0);
  cairo_arc(cr, x + w - radius, y + h - radius, radius, 0, kQuarter);
  cairo_arc(cr, x + radius, y + h - radius, radius, kQuarter, 2 * kQuarter);
  cairo_arc(cr, x + radius, y + radius, radius, 2 * kQuarter, 3 * kQuarter);
  cairo_close_path(cr);
}

/// The translucent backing that keeps overlay text readable on any scene.
void draw_panel(cairo_t* cr, double x, double y, double w, double h, double s) {
  rounded_rectangle(cr, x, y, w, h, kCornerRadius * s);
  set_colour(cr, kPanelColour, kPanelAlpha);
  cairo_fill_preserve(cr);
  set_colour(cr, kPanelBorder, kPanelAlpha);
  cairo_set_line_width(cr, 1);
  cairo_stroke(cr);
}

/// A bar's value as people read it: "0.73", "-1.25", "12.5", "1234".
void format_value(float value, char (&out)[32]) {
  const double v = value;
  const double magnitude = std::abs(v);
  const int decimals = magnitude < 10 ? 2 : magnitude < 100 ? 1 : 0;
  // Values that round to zero print as 0.00, not -0.00.
  const double shown = magnitude < 0.5 * std::pow(10.0, -decimals) ? 0.0 : v;
  std::snprintf(out, sizeof out, "%.*f", decimals, shown);
}

// ---------------------------------------------------------------------------------------------
// World to pixels.

/// The scene's world rectangle fitted into the canvas with its aspect ratio kept, centred.
struct WorldToPixel {
  double scale = 1;  // pixels per world unit
  double left = 0;  // pixel x of world x = 0
  double top = 0;  // pixel y of world y = 0

  WorldToPixel(const DrawList& scene, int width, int height) {
    const auto span = [](double lo, double hi) {
      const double d = hi - lo;
      return std::isfinite(d) && d > 0 ? d : 1.0;
    };
    const double span_x = span(scene.world_min.x, scene.world_max.x);
    const double span_y = span(scene.world_min.y, scene.world_max.y);
    scale = std::min(width / span_x, height / span_y);
    left = (width - span_x * scale) / 2 - scene.world_min.x * scale;
    top = (height - span_y * scale) / 2 + scene.world_min.y * scale + span_y * scale;
  }
  double x(double world_x) const { return left + world_x * scale; }
  double y(double world_y) const { return top - world_y * scale; }
  /// A stroke `world_width` wide, at least one pixel so hairlines (width 0) show.
  double stroke_width(double world_width) const { return std::max(world_width * scale, 1.0); }
};

/// Centre of the pixel row or column a 1-px line at p should light, so it is crisp, not a
/// two-pixel grey smear.
double crisp(double p) {
  return std::floor(p) + 0.5;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

struct Canvas::Impl {
  int width = 0;
  int height = 0;
  Surface surface;
  Context cr;
  FontFace regular;
  FontFace bold;
  /// Line height (ascent + descent) per unit of font size, to size scene text by line height.
  double line_height_per_size = 1;
  Image image;

  Impl(int w, int h) {
    free_font_caches_at_exit();
    // "DejaVu Sans" is what plot.cpp gets through "sans-serif" on Debian; fontconfig substitutes
    // the default sans-serif font where it is missing.
    regular.reset(cairo_toy_font_face_create("DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                                             CAIRO_FONT_WEIGHT_NORMAL));
    bold.reset(
        cairo_toy_font_face_create("DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD));
    allocate(w, h);
    set_font(cr.get(), regular.get(), 100);
    line_height_per_size = std::max(line_metrics(cr.get()).height / 100, 0.5);
  }

  void allocate(int w, int h) {
    check(w > 0 && h > 0 && w <= 16384 && h <= 16384,
          "a canvas must be 1x1 to 16384x16384 pixels, not ", w, "x", h);
    Surface new_surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h));
    const cairo_status_t status = cairo_surface_status(new_surface.get());
    check(status == CAIRO_STATUS_SUCCESS, "cannot make a ", w, "x", h,
          " canvas: ", cairo_status_to_string(status));
    cr.reset(cairo_create(new_surface.get()));
    surface = std::move(new_surface);
    width = w;
    height = h;
    // Opaque from the start, so an overlay drawn before any scene still gives alpha 255.
    cairo_set_source_rgb(cr.get(), 1, 1, 1);
    cairo_paint(cr.get());
  }

  void draw_shape(const Segment& segment, const WorldToPixel& to_pixel) {
    cairo_t* c = cr.get();
    double x0 = to_pixel.x(segment.from.x);
    double y0 = to_pixel.y(segment.from.y);
    double x1 = to_pixel.x(segment.to.x);
    double y1 = to_pixel.y(segment.to.y);
    if (segment.width == 0) {
      if (y0 == y1) {
        y0 = y1 = crisp(y0);
      } else if (x0 == x1) {
        x0 = x1 = crisp(x0);
      }
    }
    cairo_move_to(c, x0, y0);
    cairo_line_to(c, x1, y1);
    set_colour(c, segment.color);
    cairo_set_line_width(c, to_pixel.stroke_width(segment.width));
    cairo_set_line_cap(c, CAIRO_LINE_CAP_BUTT);
    cairo_stroke(c);
  }

  void draw_shape(const Polyline& polyline, const WorldToPixel& to_pixel) {
    if (polyline.points.size() < 2) {
      return;
    }
    cairo_t* c = cr.get();
    for (const Vec2& p : polyline.points) {
      cairo_line_to(c, to_pixel.x(p.x), to_pixel.y(p.y));  // the first acts as a move_to
    }
    if (polyline.closed) {
      cairo_close_path(c);
    }
    set_colour(c, polyline.color);
    cairo_set_line_width(c, to_pixel.stroke_width(polyline.width));
    cairo_set_line_cap(c, CAIRO_LINE_CAP_BUTT);
    cairo_set_line_join(c, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(c);
  }

  void draw_shape(const Polygon& polygon, const WorldToPixel& to_pixel) {
    if (polygon.points.size() < 3) {
      return;
    }
    cairo_t* c = cr.get();
    for (const Vec2& p : polygon.points) {
      cairo_line_to(c, to_pixel.x(p.x), to_pixel.y(p.y));
    }
    cairo_close_path(c);
    set_colour(c, polygon.fill);
    cairo_set_fill_rule(c, CAIRO_FILL_RULE_WINDING);
    cairo_fill(c);
  }

  void draw_shape(const Circle& circle, const WorldToPixel& to_pixel) {
    cairo_t* c = cr.get();
    cairo_new_sub_path(c);
    cairo_arc(c, to_pixel.x(circle.center.x), to_pixel.y(circle.center.y),
              circle.radius * to_pixel.scale, 0, 2 * std::numbers::pi);
    set_colour(c, circle.fill);
    cairo_fill(c);
  }

  void draw_shape(const Text& text, const WorldToPixel& to_pixel) {
    const double line_height = text.size * to_pixel.scale;
    if (text.text.empty() || !(line_height > 0)) {
      return;
    }
    cairo_t* c = cr.get();
    set_font(c, regular.get(), line_height / line_height_per_size);
    // position is the top-left corner; world y points up, so the text hangs below it.
    const double baseline = to_pixel.y(text.position.y) + line_metrics(c).ascent;
    set_colour(c, text.color);
    show_text(c, text.text.c_str(), to_pixel.x(text.position.x), baseline);
    cairo_new_path(c);
  }

  // -------------------------------------------------------------------------------------------
  // Overlay panels.

  /// Lines of text on one panel with its top-left corner at (x, y) or, when from_bottom, its
  /// bottom-left corner there. Returns the panel's height.
  double draw_text_panel(std::span<const std::string> lines, double x, double y, double s,
                         bool from_bottom) {
    cairo_t* c = cr.get();
    set_font(c, regular.get(), kTextSize * s);
    const LineMetrics metrics = line_metrics(c);
    const double pitch = std::max(kLineSpacing * kTextSize * s, metrics.height);
    double widest = 0;
    for (const std::string& line : lines) {
      widest = std::max(widest, text_width(c, line.c_str()));
    }
    const double pad = kPad * s;
    const double w = widest + 2 * pad;
    const double h = pitch * static_cast<double>(lines.size()) + 2 * pad - (pitch - metrics.height);
    const double top = from_bottom ? y - h : y;
    draw_panel(c, x, top, w, h, s);
    set_colour(c, kTextColour);
    double baseline = top + pad + metrics.ascent;
    for (const std::string& line : lines) {
      show_text(c, line.c_str(), x + pad, baseline);
      baseline += pitch;
    }
    cairo_new_path(c);
    return h;
  }

  /// One Bars panel with its top-right corner at (right, top). Returns the panel's height.
  double draw_bars_panel(const Bars& bars, double right, double top, double s) {
    cairo_t* c = cr.get();
    const size_t count = bars.values.size();
    const double pad = kPad * s;
    const double row_gap = kRowGap * s;
    char value_text[32];

    set_font(c, bold.get(), kTextSize * s);
    const LineMetrics title = line_metrics(c);
    const double title_width = text_width(c, bars.title.c_str());
    set_font(c, regular.get(), kSmallTextSize * s);
    const LineMetrics small = line_metrics(c);
    // Every slot is as wide as the widest label or value, so the panel reads as a table.
    double slot = kBarWidth * s + kBarGap * s;
    for (size_t i = 0; i < count; ++i) {
      format_value(bars.values[i], value_text);
      slot = std::max(slot, text_width(c, value_text) + kBarGap * s);
      if (i < bars.labels.size()) {
        slot = std::max(slot, text_width(c, bars.labels[i].c_str()) + kBarGap * s);
      }
    }
    const double max_width = kMaxPanelWidthFraction * width;
    double content_width = std::max(slot * static_cast<double>(count), title_width);
    if (content_width + 2 * pad > max_width && count > 0) {
      // Too many actions to label in full: squeeze the slots; labels may then touch.
      content_width = std::max(max_width - 2 * pad, 1.0);
      slot = content_width / static_cast<double>(count);
    }
    const double bar_width = std::min(kBarWidth * s, slot * 0.8);
    const double bar_length = kBarLength * s;
    const bool has_title = !bars.title.empty();
    const bool has_labels = !bars.labels.empty();
    const double w = content_width + 2 * pad;
    const double h = 2 * pad + (has_title ? title.height + row_gap : 0) + small.height + row_gap +
                     bar_length + (has_labels ? row_gap + small.height : 0);
    const double left = right - w;
    draw_panel(c, left, top, w, h, s);

    double y = top + pad;
    if (has_title) {
      set_font(c, bold.get(), kTextSize * s);
      set_colour(c, kTextColour);
      show_text(c, bars.title.c_str(), left + pad, y + title.ascent);
      y += title.height + row_gap;
    }
    const double values_baseline = y + small.ascent;
    const double axis_top = y + small.height + row_gap;
    const double axis_bottom = axis_top + bar_length;

    // The value axis [low, high] runs from axis_bottom up to axis_top.
    const float low = std::isfinite(bars.low) ? bars.low : 0.0f;
    const float high = std::isfinite(bars.high) && bars.high > low ? bars.high : low + 1.0f;
    const auto to_y = [&](float v) {
      return axis_bottom - (std::clamp(v, low, high) - low) / (high - low) * bar_length;
    };
    const double baseline_y = to_y(std::max(low, std::min(0.0f, high)));
    const double content_left =
        left + pad + (content_width - slot * static_cast<double>(count)) / 2;
    for (size_t i = 0; i < count; ++i) {
      const double centre = content_left + slot * (static_cast<double>(i) + 0.5);
      const bool chosen = static_cast<int>(i) == bars.highlighted;
      cairo_rectangle(c, centre - bar_width / 2, axis_top, bar_width, bar_length);
      set_colour(c, kTrackColour);
      cairo_fill(c);
      const float v = bars.values[i];
      if (std::isfinite(v)) {
        const double end_y = to_y(v);
        cairo_rectangle(c, centre - bar_width / 2, std::min(end_y, baseline_y), bar_width,
                        std::abs(end_y - baseline_y));
        set_colour(c, chosen ? kHighlightColour : kBarColour);
        cairo_fill(c);
      }
      cairo_move_to(c, centre - bar_width / 2 - 2 * s, crisp(baseline_y));
      cairo_line_to(c, centre + bar_width / 2 + 2 * s, crisp(baseline_y));
      set_colour(c, kBaselineColour);
      cairo_set_line_width(c, 1);
      cairo_stroke(c);

      set_font(c, chosen ? bold.get() : regular.get(), kSmallTextSize * s);
      set_colour(c, kTextColour);
      format_value(v, value_text);
      show_text_centred(c, value_text, centre, values_baseline);
      if (i < bars.labels.size()) {
        show_text_centred(c, bars.labels[i].c_str(), centre, axis_bottom + row_gap + small.ascent);
      }
    }
    cairo_new_path(c);
    return h;
  }
};

// ---------------------------------------------------------------------------------------------

Canvas::Canvas(int width, int height) : impl_(std::make_unique<Impl>(width, height)) {}
Canvas::~Canvas() = default;

int Canvas::width() const {
  return impl_->width;
}

int Canvas::height() const {
  return impl_->height;
}

void Canvas::resize(int width, int height) {
  if (width != impl_->width || height != impl_->height) {
    impl_->allocate(width, height);
  }
}

void Canvas::draw_scene(const DrawList& scene) {
  cairo_t* c = impl_->cr.get();
  cairo_new_path(c);
  // Painted opaque whatever its alpha: an Image is always opaque.
  const Color bg = scene.background;
  cairo_set_source_rgb(c, bg.r / 255.0, bg.g / 255.0, bg.b / 255.0);
  cairo_paint(c);
  const WorldToPixel to_pixel(scene, impl_->width, impl_->height);
  for (const Shape& shape : scene.shapes) {
    std::visit([&](const auto& s) { impl_->draw_shape(s, to_pixel); }, shape);
  }
}

void Canvas::draw_overlay(const Overlay& overlay) {
  Impl& m = *impl_;
  cairo_new_path(m.cr.get());
  const double s = std::clamp(std::min(m.width / kReferenceWidth, m.height / kReferenceHeight),
                              kMinOverlayScale, kMaxOverlayScale);
  const double margin = kMargin * s;
  if (!overlay.lines.empty()) {
    m.draw_text_panel(overlay.lines, margin, margin, s, false);
  }
  double top = margin;
  for (const Bars& bars : overlay.bars) {
    top += m.draw_bars_panel(bars, m.width - margin, top, s) + margin;
  }
  if (!overlay.status.empty()) {
    m.draw_text_panel(std::span(&overlay.status, 1), margin, m.height - margin, s, true);
  }
}

const Image& Canvas::image() {
  Impl& m = *impl_;
  cairo_surface_flush(m.surface.get());
  if (m.image.width != m.width || m.image.height != m.height) {
    m.image.resize(m.width, m.height);
  }
  const unsigned char* data = cairo_image_surface_get_data(m.surface.get());
  const auto stride = static_cast<size_t>(cairo_image_surface_get_stride(m.surface.get()));
  std::uint8_t* out = m.image.rgba.data();
  for (int y = 0; y < m.height; ++y) {
    const unsigned char* row = data + static_cast<size_t>(y) * stride;
    for (int x = 0; x < m.width; ++x) {
      // Cairo's ARGB32: one native-endian uint32 per pixel, colour premultiplied by alpha.
      std::uint32_t pixel;
      std::memcpy(&pixel, row + 4 * static_cast<size_t>(x), sizeof pixel);
      const std::uint32_t a = pixel >> 24;
      std::uint32_t r = (pixel >> 16) & 0xff;
      std::uint32_t g = (pixel >> 8) & 0xff;
      std::uint32_t b = pixel & 0xff;
      if (a != 255 && a != 0) {
        r = (r * 255 + a / 2) / a;
        g = (g * 255 + a / 2) / a;
        b = (b * 255 + a / 2) / a;
      }
      out[0] = static_cast<std::uint8_t>(r);
      out[1] = static_cast<std::uint8_t>(g);
      out[2] = static_cast<std::uint8_t>(b);
      out[3] = 255;
      out += 4;
    }
  }
  return m.image;
}

}  // namespace rl::sim
