#include "experiments/plot.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <numbers>

#include "core/error.hpp"
#include "sim/render/font_caches.hpp"
#include <cairo.h>

namespace rl::experiments {

namespace {

// ---------------------------------------------------------------------------------------------
// Look. Sizes are pixels at the default 1200x750 and scale with the image.

struct Colour {
  double r = 0;
  double g = 0;
  double b = 0;
};

constexpr Colour from_hex(unsigned rgb) {
  return {((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0};
}

/// matplotlib's tab10: distinct, colour-blind-tolerant, and what RL papers' readers expect.
constexpr std::array<Colour, 10> kCurveColours = {
    from_hex(0x1f77b4), from_hex(0xff7f0e), from_hex(0x2ca02c), from_hex(0xd62728),
    from_hex(0x9467bd), from_hex(0x8c564b), from_hex(0xe377c2), from_hex(0x7f7f7f),
    from_hex(0xbcbd22), from_hex(0x17becf)};
constexpr Colour kBackground = from_hex(0xffffff);
constexpr Colour kText = from_hex(0x222222);
constexpr Colour kTickText = from_hex(0x444444);
constexpr Colour kSpine = from_hex(0x555555);
constexpr Colour kGrid = from_hex(0xe3e3e3);
constexpr Colour kThreshold = from_hex(0x505050);
constexpr Colour kLegendBorder = from_hex(0xcccccc);
constexpr double kBandAlpha = 0.2;
constexpr double kLegendAlpha = 0.92;

constexpr double kTitleSize = 20;
constexpr double kAxisLabelSize = 16;
constexpr double kTickLabelSize = 14;
constexpr double kLegendSize = 15;
constexpr double kLegendSwatch = 28;  // the line sample before each label
constexpr double kLegendRowHeight = 1.6 * kLegendSize;
constexpr double kLegendTextGap = 8;  // between that sample and the label
constexpr double kLegendPad = 10;
constexpr double kLegendColumnGap = 28;
constexpr double kOuterPad = 18;
constexpr double kTickLength = 5;
constexpr double kTickGap = 6;  // between a tick mark and its label
constexpr double kLabelGap = 10;  // between tick labels and the axis label
constexpr double kLineWidth = 2.2;
/// Fraction of the data's y span left free above and below it, so no line lies on the frame.
constexpr double kYPadding = 0.05;
/// x ends at the next tick when that adds at most this fraction of the axis, else at the data.
constexpr double kXSlack = 0.04;

// ---------------------------------------------------------------------------------------------
// Cairo handles and text.

using Surface = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
using Context = std::unique_ptr<cairo_t, decltype(&cairo_destroy)>;

void set_colour(cairo_t* cr, Colour c, double alpha = 1) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

void set_font(cairo_t* cr, double size, bool bold = false) {
  // The toy API resolves "sans-serif" through fontconfig (DejaVu Sans on Debian).
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

double text_width(cairo_t* cr, const std::string& text) {
  cairo_text_extents_t extents;
  cairo_text_extents(cr, text.c_str(), &extents);
  return extents.x_advance;
}

/// Height of a capital letter in the current font: what the eye centres text on.
double cap_height(cairo_t* cr) {
  cairo_text_extents_t extents;
  cairo_text_extents(cr, "H", &extents);
  return -extents.y_bearing;
}

/// Height of one line of the current font, ascent to descent.
double line_height(cairo_t* cr) {
  cairo_font_extents_t extents;
  cairo_font_extents(cr, &extents);
  return extents.ascent + extents.descent;
}

enum class Align { kStart, kCentre, kEnd };

/// Draws text whose horizontal anchor is x and whose capitals are vertically centred on y.
void draw_text(cairo_t* cr, const std::string& text, double x, double y, Align align) {
  const double width = text_width(cr, text);
  const double left = align == Align::kStart    ? x
                      : align == Align::kCentre ? x - width / 2
                                                : x - width;
  cairo_move_to(cr, left, y + cap_height(cr) / 2);
  cairo_show_text(cr, text.c_str());
}

// ---------------------------------------------------------------------------------------------
// Geometry.

struct Rect {
  double x = 0;
  double y = 0;
  double w = 0;
  double h = 0;
  double right() const { return x + w; }
  double bottom() const { return y + h; }
  bool contains(double px, double py) const {
    return px >= x && px <= right() && py >= y && py <= bottom();
  }
  bool overlaps(const Rect& o) const {
    return x < o.right() && o.x < right() && y < o.bottom() && o.y < bottom();
  }
};

/// Maps data values [lo, hi] onto pixels [px_lo, px_hi] (px_hi < px_lo for the y axis).
struct Axis {
  double lo = 0;
  double hi = 1;
  double px_lo = 0;
  double px_hi = 1;
  std::vector<double> ticks;
  double to_px(double v) const { return px_lo + (v - lo) / (hi - lo) * (px_hi - px_lo); }
};

/// Centre of the pixel row or column a 1-px line at p should light, for crisp lines.
double crisp(double p) {
  return std::floor(p) + 0.5;
}

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void include(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  void include(const std::vector<double>& values) {
    for (double v : values) {
      include(v);
    }
  }
};

double max_magnitude(const std::vector<double>& ticks) {
  double magnitude = 0;
  for (double t : ticks) {
    magnitude = std::max(magnitude, std::abs(t));
  }
  return magnitude;
}

// ---------------------------------------------------------------------------------------------
// Checks.

bool all_finite(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
}

void check_spec(const PlotSpec& spec, const std::string& path) {
  const std::string where = message("cannot plot '", path, "': ");
  check(!spec.curves.empty(), where, "no curves to draw; give at least one run");
  check(spec.width >= 320 && spec.height >= 200, where, "image size ", spec.width, "x", spec.height,
        " is too small; use at least 320x200");
  for (size_t i = 0; i < spec.curves.size(); ++i) {
    const Curve& c = spec.curves[i];
    const std::string curve = message(where, "curve ", i, " ('", c.label, "') ");
    check(!c.x.empty(), curve, "has no points");
    check(c.y.size() == c.x.size(), curve, "has ", c.x.size(), " x values but ", c.y.size(),
          " y values");
    check(c.lower.size() == c.upper.size() && (c.lower.empty() || c.lower.size() == c.x.size()),
          curve, "has a band of ", c.lower.size(), " lower and ", c.upper.size(),
          " upper values for ", c.x.size(), " points; give one of each per point, or neither");
    check(all_finite(c.x) && all_finite(c.y) && all_finite(c.lower) && all_finite(c.upper), curve,
          "has a non-finite value (NaN or inf)");
    check(std::is_sorted(c.x.begin(), c.x.end()), curve, "has x values that decrease");
  }
  if (spec.threshold) {
    check(std::isfinite(*spec.threshold), where, "threshold ", *spec.threshold, " is not finite");
  }
}

// ---------------------------------------------------------------------------------------------
// Layout: margins from measured text, then the data axes inside them.

struct Layout {
  double scale = 1;
  Rect plot;
  Axis x;
  Axis y;
  double x_labels_y = 0;  // centre of the x tick labels
  double x_title_y = 0;  // centre of the x axis label
  double y_title_x = 0;  // centre of the rotated y axis label
  double title_y = 0;
  Rect legend;
  bool legend_inside = true;
};

/// The legend's entries in a grid filled row by row, every cell as wide as the widest entry.
struct LegendGrid {
  size_t columns = 1;
  size_t rows = 0;
  double cell_width = 0;  // swatch, gap and label, without the gap between columns
  double width = 0;
  double height = 0;
};

/// As many columns as fit in max_width (one when max_width is 0), balanced so the last row is
/// not left nearly empty.
LegendGrid legend_grid(cairo_t* cr, const PlotSpec& spec, double s, double max_width) {
  set_font(cr, kLegendSize * s);
  LegendGrid grid;
  for (const Curve& c : spec.curves) {
    grid.cell_width =
        std::max(grid.cell_width, (kLegendSwatch + kLegendTextGap) * s + text_width(cr, c.label));
  }
  const size_t n = spec.curves.size();
  const double pad = kLegendPad * s;
  const double gap = kLegendColumnGap * s;
  const auto fitting = static_cast<size_t>(
      std::max(1.0, std::floor((max_width - 2 * pad + gap) / (grid.cell_width + gap))));
  const size_t most = std::min(n, fitting);
  grid.rows = (n + most - 1) / most;
  grid.columns = (n + grid.rows - 1) / grid.rows;
  grid.width = static_cast<double>(grid.columns) * (grid.cell_width + gap) - gap + 2 * pad;
  grid.height =
      (static_cast<double>(grid.rows - 1) * kLegendRowHeight + kLegendSize + 2 * kLegendPad) * s;
  return grid;
}

Range data_x_range(const PlotSpec& spec) {
  Range range;
  for (const Curve& c : spec.curves) {
    range.include(c.x);
  }
  return range;
}

Range data_y_range(const PlotSpec& spec) {
  Range range;
  for (const Curve& c : spec.curves) {
    range.include(c.y);
    range.include(c.lower);
    range.include(c.upper);
  }
  if (spec.threshold) {
    range.include(*spec.threshold);
  }
  return range;
}

/// About one tick per `spacing` pixels, within 3..8.
int tick_target(double pixels, double spacing) {
  return std::clamp(static_cast<int>(pixels / spacing), 3, 8);
}

/// Nice ticks inside [lo, hi], about `target` of them. nice_ticks covers its range, so its
/// outermost ticks often fall outside; ask it for more until about `target` remain inside.
std::vector<double> ticks_within(double lo, double hi, int target) {
  const double tolerance = 1e-9 * (hi - lo);
  const auto miss = [&](const std::vector<double>& ticks) {
    return std::abs(static_cast<int>(ticks.size()) - target);
  };
  std::vector<double> best;
  for (int ask = target; ask <= target + 4; ++ask) {
    std::vector<double> inside;
    for (double t : nice_ticks(lo, hi, ask)) {
      if (t >= lo - tolerance && t <= hi + tolerance) {
        inside.push_back(t);
      }
    }
    if (best.empty() || miss(inside) < miss(best)) {
      best = inside;
    }
  }
  return best;
}

Axis y_axis(const PlotSpec& spec, double px_bottom, double px_top, double s) {
  const Range data = data_y_range(spec);
  double span = data.hi - data.lo;
  if (span <= 0) {
    span = std::max(std::abs(data.hi), 1.0);
  }
  Axis axis;
  axis.lo = data.lo - kYPadding * span;
  axis.hi = data.hi + kYPadding * span;
  axis.px_lo = px_bottom;
  axis.px_hi = px_top;
  axis.ticks = ticks_within(axis.lo, axis.hi, tick_target(px_bottom - px_top, 75 * s));
  return axis;
}

Axis x_axis(cairo_t* cr, const PlotSpec& spec, double px_left, double px_right, double s) {
  const Range data = data_x_range(spec);
  set_font(cr, kTickLabelSize * s);
  // Fewer ticks until the widest label fits between neighbours with room to spare.
  for (int target = tick_target(px_right - px_left, 110 * s);; --target) {
    Axis axis;
    const std::vector<double> covering = nice_ticks(data.lo, data.hi, target);
    // Learning curves start near step 0 and end near a round budget: start at a round tick,
    // and end at one unless it would leave a visible empty strip after the data.
    axis.lo = covering.front();
    axis.hi = covering.back();
    if (data.hi > data.lo && axis.hi - data.hi > kXSlack * (axis.hi - axis.lo)) {
      axis.hi = data.hi;
    }
    axis.ticks = ticks_within(axis.lo, axis.hi, target);
    axis.px_lo = px_left;
    axis.px_hi = px_right;
    double widest = 0;
    const double magnitude = max_magnitude(axis.ticks);
    for (double t : axis.ticks) {
      widest = std::max(widest, text_width(cr, tick_label(t, magnitude)));
    }
    const double spacing = axis.ticks.size() < 2
                               ? px_right - px_left
                               : axis.to_px(axis.ticks[1]) - axis.to_px(axis.ticks[0]);
    if (target <= 2 || spacing >= widest + 16 * s) {
      return axis;
    }
  }
}

Layout make_layout(cairo_t* cr, const PlotSpec& spec, double s, double legend_below_height) {
  Layout layout;
  layout.scale = s;
  const double pad = kOuterPad * s;

  double top = pad;
  if (!spec.title.empty()) {
    set_font(cr, kTitleSize * s, true);
    layout.title_y = top + cap_height(cr) / 2 + 2 * s;
    top += line_height(cr) + 12 * s;
  } else {
    top += 8 * s;  // room for the top y tick label's upper half
  }

  set_font(cr, kTickLabelSize * s);
  const double tick_text = line_height(cr);
  set_font(cr, kAxisLabelSize * s);
  const double axis_text = line_height(cr);

  double bottom = pad + legend_below_height;
  if (!spec.x_label.empty()) {
    bottom += axis_text + kLabelGap * s;
  }
  bottom += tick_text + kTickGap * s + kTickLength * s;
  const double plot_bottom = spec.height - bottom;

  layout.y = y_axis(spec, plot_bottom, top, s);
  set_font(cr, kTickLabelSize * s);
  double widest_y_label = 0;
  const double y_magnitude = max_magnitude(layout.y.ticks);
  for (double t : layout.y.ticks) {
    widest_y_label = std::max(widest_y_label, text_width(cr, tick_label(t, y_magnitude)));
  }
  double left = pad + widest_y_label + kTickGap * s + kTickLength * s;
  if (!spec.y_label.empty()) {
    layout.y_title_x = pad + axis_text / 2;
    left += axis_text + kLabelGap * s;
  }
  // Room for half of a tick label centred on the right end of the x axis.
  const double right = pad + 24 * s;

  layout.plot = {left, top, spec.width - left - right, plot_bottom - top};
  layout.x = x_axis(cr, spec, layout.plot.x, layout.plot.right(), s);
  layout.x_labels_y = plot_bottom + kTickLength * s + kTickGap * s + tick_text / 2;
  layout.x_title_y = layout.x_labels_y + tick_text / 2 + kLabelGap * s + axis_text / 2;
  return layout;
}

// ---------------------------------------------------------------------------------------------
// Legend placement: the inside corner that covers the least data, else below the plot.

/// Where the threshold's text goes: at the left end, above the line unless that leaves the plot.
Rect threshold_label_box(cairo_t* cr, const PlotSpec& spec, const Layout& layout,
                         const std::string& text) {
  const double s = layout.scale;
  set_font(cr, kTickLabelSize * s);
  const double w = text_width(cr, text) + 8 * s;
  const double h = line_height(cr) + 2 * s;
  const double line_y = layout.y.to_px(*spec.threshold);
  const double above = line_y - 3 * s - h;
  const double y = above >= layout.plot.y ? above : line_y + 3 * s;
  return {layout.plot.x + 8 * s, y, w, h};
}

/// How much of the drawn data lies under `box`: line samples every few pixels, band columns,
/// and the threshold line and its text.
double coverage(const PlotSpec& spec, const Layout& layout, const Rect& box,
                const std::optional<Rect>& threshold_text) {
  const double step = 3 * layout.scale;
  double covered = 0;
  for (const Curve& c : spec.curves) {
    for (size_t i = 0; i < c.x.size(); ++i) {
      const double px = layout.x.to_px(c.x[i]);
      const double py = layout.y.to_px(c.y[i]);
      if (!c.lower.empty() && px >= box.x && px <= box.right()) {
        const double band_top = layout.y.to_px(c.upper[i]);
        const double band_bottom = layout.y.to_px(c.lower[i]);
        if (band_top <= box.bottom() && band_bottom >= box.y) {
          covered += 0.25;
        }
      }
      if (i + 1 == c.x.size()) {
        covered += box.contains(px, py) ? 1 : 0;
        break;
      }
      const double qx = layout.x.to_px(c.x[i + 1]);
      const double qy = layout.y.to_px(c.y[i + 1]);
      const int pieces = std::max(1, static_cast<int>(std::hypot(qx - px, qy - py) / step));
      for (int k = 0; k < pieces; ++k) {
        const double f = static_cast<double>(k) / pieces;
        covered += box.contains(px + f * (qx - px), py + f * (qy - py)) ? 1 : 0;
      }
    }
  }
  if (spec.threshold) {
    const double line_y = layout.y.to_px(*spec.threshold);
    if (line_y >= box.y && line_y <= box.bottom()) {
      covered += box.w / step;
    }
  }
  if (threshold_text && threshold_text->overlaps(box)) {
    covered += 1000;
  }
  return covered;
}

Rect place_legend_inside(const PlotSpec& spec, const Layout& layout, const LegendGrid& legend,
                         const std::optional<Rect>& threshold_text, double* best_coverage) {
  const double inset = 10 * layout.scale;
  const Rect& p = layout.plot;
  const double left = p.x + inset;
  const double right = p.right() - inset - legend.width;
  const double top = p.y + inset;
  const double bottom = p.bottom() - inset - legend.height;
  // Learning curves rise, so the lower right is usually empty; ties go to the earlier corner.
  const std::array<Rect, 4> corners = {Rect{right, bottom, legend.width, legend.height},
                                       Rect{left, top, legend.width, legend.height},
                                       Rect{right, top, legend.width, legend.height},
                                       Rect{left, bottom, legend.width, legend.height}};
  Rect best = corners[0];
  *best_coverage = std::numeric_limits<double>::infinity();
  for (const Rect& corner : corners) {
    const double c = coverage(spec, layout, corner, threshold_text);
    if (c < *best_coverage) {
      *best_coverage = c;
      best = corner;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Drawing, back to front.

void draw_grid_and_axes(cairo_t* cr, const Layout& layout) {
  const double s = layout.scale;
  const Rect& p = layout.plot;
  cairo_set_line_width(cr, 1);
  set_colour(cr, kGrid);
  for (double t : layout.y.ticks) {
    const double y = crisp(layout.y.to_px(t));
    cairo_move_to(cr, p.x, y);
    cairo_line_to(cr, p.right(), y);
  }
  for (double t : layout.x.ticks) {
    const double x = crisp(layout.x.to_px(t));
    cairo_move_to(cr, x, p.y);
    cairo_line_to(cr, x, p.bottom());
  }
  cairo_stroke(cr);

  // Spines on the left and bottom only, with outward ticks.
  set_colour(cr, kSpine);
  const double left = crisp(p.x);
  const double bottom = crisp(p.bottom());
  cairo_move_to(cr, left, p.y);
  cairo_line_to(cr, left, bottom);
  cairo_line_to(cr, p.right(), bottom);
  for (double t : layout.y.ticks) {
    const double y = crisp(layout.y.to_px(t));
    cairo_move_to(cr, left, y);
    cairo_line_to(cr, left - kTickLength * s, y);
  }
  for (double t : layout.x.ticks) {
    const double x = crisp(layout.x.to_px(t));
    cairo_move_to(cr, x, bottom);
    cairo_line_to(cr, x, bottom + kTickLength * s);
  }
  cairo_stroke(cr);

  set_font(cr, kTickLabelSize * s);
  set_colour(cr, kTickText);
  const double y_magnitude = max_magnitude(layout.y.ticks);
  for (double t : layout.y.ticks) {
    draw_text(cr, tick_label(t, y_magnitude), p.x - (kTickLength + kTickGap) * s, layout.y.to_px(t),
              Align::kEnd);
  }
  const double x_magnitude = max_magnitude(layout.x.ticks);
  for (double t : layout.x.ticks) {
    draw_text(cr, tick_label(t, x_magnitude), layout.x.to_px(t), layout.x_labels_y, Align::kCentre);
  }
}

void draw_titles(cairo_t* cr, const PlotSpec& spec, const Layout& layout) {
  const double s = layout.scale;
  const Rect& p = layout.plot;
  set_colour(cr, kText);
  if (!spec.title.empty()) {
    // Shrink a long title until it fits the image rather than clip it.
    double size = kTitleSize * s;
    set_font(cr, size, true);
    while (size > 10 && text_width(cr, spec.title) > spec.width - 2 * kOuterPad * s) {
      size -= 1;
      set_font(cr, size, true);
    }
    // Centred over the plot, shifted only as far as needed to stay inside the image.
    const double half = text_width(cr, spec.title) / 2;
    const double centre =
        std::max(half + kOuterPad * s, std::min(p.x + p.w / 2, spec.width - half - kOuterPad * s));
    draw_text(cr, spec.title, centre, layout.title_y, Align::kCentre);
  }
  set_font(cr, kAxisLabelSize * s);
  if (!spec.x_label.empty()) {
    draw_text(cr, spec.x_label, p.x + p.w / 2, layout.x_title_y, Align::kCentre);
  }
  if (!spec.y_label.empty()) {
    cairo_save(cr);
    cairo_translate(cr, layout.y_title_x, p.y + p.h / 2);
    cairo_rotate(cr, -std::numbers::pi / 2);
    draw_text(cr, spec.y_label, 0, 0, Align::kCentre);
    cairo_restore(cr);
  }
}

void draw_curves(cairo_t* cr, const PlotSpec& spec, const Layout& layout) {
  const double s = layout.scale;
  const Rect& p = layout.plot;
  cairo_save(cr);
  cairo_rectangle(cr, p.x, p.y, p.w, p.h);
  cairo_clip(cr);
  // Every band first, so no band dims another curve's line.
  for (size_t i = 0; i < spec.curves.size(); ++i) {
    const Curve& c = spec.curves[i];
    if (c.lower.empty()) {
      continue;
    }
    for (size_t k = 0; k < c.x.size(); ++k) {
      cairo_line_to(cr, layout.x.to_px(c.x[k]), layout.y.to_px(c.upper[k]));
    }
    for (size_t k = c.x.size(); k-- > 0;) {
      cairo_line_to(cr, layout.x.to_px(c.x[k]), layout.y.to_px(c.lower[k]));
    }
    cairo_close_path(cr);
    set_colour(cr, kCurveColours[i % kCurveColours.size()], kBandAlpha);
    cairo_fill(cr);
  }
  if (spec.threshold) {
    const double y = crisp(layout.y.to_px(*spec.threshold));
    const std::array<double, 2> dashes = {8 * s, 5 * s};
    cairo_set_dash(cr, dashes.data(), static_cast<int>(dashes.size()), 0);
    cairo_set_line_width(cr, 1.5 * s);
    set_colour(cr, kThreshold);
    cairo_move_to(cr, p.x, y);
    cairo_line_to(cr, p.right(), y);
    cairo_stroke(cr);
    cairo_set_dash(cr, nullptr, 0, 0);
  }
  cairo_set_line_width(cr, kLineWidth * s);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  for (size_t i = 0; i < spec.curves.size(); ++i) {
    const Curve& c = spec.curves[i];
    set_colour(cr, kCurveColours[i % kCurveColours.size()]);
    if (c.x.size() == 1) {
      continue;
    }
    for (size_t k = 0; k < c.x.size(); ++k) {
      cairo_line_to(cr, layout.x.to_px(c.x[k]), layout.y.to_px(c.y[k]));
    }
    cairo_stroke(cr);
  }
  cairo_restore(cr);
  // A lone point has no line to draw, so it gets a marker, unclipped: it may sit on the frame.
  for (size_t i = 0; i < spec.curves.size(); ++i) {
    const Curve& c = spec.curves[i];
    if (c.x.size() == 1) {
      set_colour(cr, kCurveColours[i % kCurveColours.size()]);
      cairo_arc(cr, layout.x.to_px(c.x[0]), layout.y.to_px(c.y[0]), 4 * s, 0, 2 * std::numbers::pi);
      cairo_fill(cr);
    }
  }
}

void draw_threshold_label(cairo_t* cr, const Layout& layout, const Rect& box,
                          const std::string& text) {
  const double s = layout.scale;
  // A translucent backing keeps the text readable where it crosses a band.
  set_colour(cr, kBackground, 0.8);
  cairo_rectangle(cr, box.x, box.y, box.w, box.h);
  cairo_fill(cr);
  set_font(cr, kTickLabelSize * s);
  set_colour(cr, kThreshold);
  draw_text(cr, text, box.x + 4 * s, box.y + box.h / 2, Align::kStart);
}

void draw_legend(cairo_t* cr, const PlotSpec& spec, const Layout& layout, const LegendGrid& grid) {
  const double s = layout.scale;
  const Rect& box = layout.legend;
  if (layout.legend_inside) {
    set_colour(cr, kBackground, kLegendAlpha);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    cairo_fill_preserve(cr);
    cairo_set_line_width(cr, 1);
    set_colour(cr, kLegendBorder);
    cairo_stroke(cr);
  }
  set_font(cr, kLegendSize * s);
  const double swatch = kLegendSwatch * s;
  for (size_t i = 0; i < spec.curves.size(); ++i) {
    const auto row = static_cast<double>(i / grid.columns);
    const auto column = static_cast<double>(i % grid.columns);
    const double x = box.x + kLegendPad * s + column * (grid.cell_width + kLegendColumnGap * s);
    const double y = box.y + (kLegendPad + kLegendSize / 2 + row * kLegendRowHeight) * s;
    const Colour colour = kCurveColours[i % kCurveColours.size()];
    if (!spec.curves[i].lower.empty()) {
      set_colour(cr, colour, kBandAlpha);
      cairo_rectangle(cr, x, y - 6 * s, swatch, 12 * s);
      cairo_fill(cr);
    }
    set_colour(cr, colour);
    cairo_set_line_width(cr, 3 * s);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x + swatch, y);
    cairo_stroke(cr);
    set_colour(cr, kText);
    draw_text(cr, spec.curves[i].label, x + swatch + kLegendTextGap * s, y, Align::kStart);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------

void write_plot_png(const PlotSpec& spec, const std::string& path) {
  check_spec(spec, path);
  sim::free_font_caches_at_exit();
  // Opaque RGB: the PNG has no alpha channel, so every viewer shows the same white background.
  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, spec.width, spec.height),
                  &cairo_surface_destroy);
  check(cairo_surface_status(surface.get()) == CAIRO_STATUS_SUCCESS, "cannot plot '", path,
        "': ", cairo_status_to_string(cairo_surface_status(surface.get())));
  Context context(cairo_create(surface.get()), &cairo_destroy);
  cairo_t* cr = context.get();
  set_colour(cr, kBackground);
  cairo_paint(cr);

  const double s = std::clamp(std::min(spec.width / 1200.0, spec.height / 750.0), 0.75, 3.0);
  Layout layout = make_layout(cr, spec, s, 0);
  const std::string threshold_text = spec.threshold_label.empty() && spec.threshold
                                         ? "threshold (" + tick_label(*spec.threshold) + ")"
                                         : spec.threshold_label;
  std::optional<Rect> threshold_box;
  if (spec.threshold) {
    threshold_box = threshold_label_box(cr, spec, layout, threshold_text);
  }

  // Inside, in the emptiest corner, when one is empty and the legend is not too big for it;
  // otherwise in rows under the x axis label.
  const LegendGrid inside = legend_grid(cr, spec, s, 0);
  double covered = 0;
  Rect corner;
  const bool fits = inside.width <= 0.6 * layout.plot.w && inside.height <= 0.5 * layout.plot.h;
  if (fits) {
    corner = place_legend_inside(spec, layout, inside, threshold_box, &covered);
  }
  LegendGrid legend = inside;
  if (fits && covered == 0) {
    layout.legend = corner;
  } else {
    legend = legend_grid(cr, spec, s, layout.plot.w);
    layout = make_layout(cr, spec, s, legend.height + 4 * s);
    layout.legend_inside = false;
    layout.legend = {layout.plot.x + (layout.plot.w - legend.width) / 2,
                     spec.height - kOuterPad * s - legend.height, legend.width, legend.height};
    if (spec.threshold) {
      threshold_box = threshold_label_box(cr, spec, layout, threshold_text);
    }
  }

  draw_grid_and_axes(cr, layout);
  draw_curves(cr, spec, layout);
  if (threshold_box) {
    draw_threshold_label(cr, layout, *threshold_box, threshold_text);
  }
  draw_titles(cr, spec, layout);
  draw_legend(cr, spec, layout, legend);

  check(cairo_status(cr) == CAIRO_STATUS_SUCCESS, "cannot plot '", path,
        "': drawing failed: ", cairo_status_to_string(cairo_status(cr)));
  cairo_surface_flush(surface.get());
  const cairo_status_t written = cairo_surface_write_to_png(surface.get(), path.c_str());
  check(written == CAIRO_STATUS_SUCCESS, "cannot write plot to '", path,
        "': ", cairo_status_to_string(written),
        "; check that the directory exists and is writable");
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  check(std::isfinite(lo) && std::isfinite(hi), "nice_ticks: range [", lo, ", ", hi,
        "] is not finite");
  if (lo > hi) {
    std::swap(lo, hi);
  }
  target = std::max(target, 2);
  if (hi - lo <= 1e-12 * std::max(std::abs(lo), std::abs(hi))) {
    // One value: centre it in a small range of its own size.
    const double half = lo == 0 ? 1 : 0.1 * std::abs(lo);
    lo -= half;
    hi += half;
  }
  // A step is mantissa x 10^(exponent - 1) with an integer mantissa, so every tick is an
  // integer times a power of ten and prints without float noise (0.3, not 0.30000000000000004).
  const std::array<int, 4> mantissas = {10, 20, 25, 50};
  const int base = static_cast<int>(std::floor(std::log10((hi - lo) / (target - 1))));
  double best_step = 0;
  int best_mantissa = 0;
  int best_exponent = 0;
  int best_miss = std::numeric_limits<int>::max();
  for (int exponent = base - 1; exponent <= base + 1; ++exponent) {
    for (int mantissa : mantissas) {
      const double step = mantissa * std::pow(10.0, exponent - 1);
      const double first = std::floor(lo / step + 1e-9);
      const double last = std::ceil(hi / step - 1e-9);
      const int miss = std::abs(static_cast<int>(last - first + 1) - target);
      // Equally close counts go to the larger step: fewer, rounder labels.
      if (miss < best_miss || (miss == best_miss && step > best_step)) {
        best_miss = miss;
        best_step = step;
        best_mantissa = mantissa;
        best_exponent = exponent;
      }
    }
  }
  const double first = std::floor(lo / best_step + 1e-9);
  const double last = std::ceil(hi / best_step - 1e-9);
  const double power = std::pow(10.0, std::abs(best_exponent - 1));
  std::vector<double> ticks;
  const auto count = static_cast<int>(last - first) + 1;
  for (int k = 0; k < count; ++k) {
    const double units = (first + k) * best_mantissa;  // exact: an integer below 2^53
    const double tick = best_exponent - 1 >= 0 ? units * power : units / power;
    ticks.push_back(tick == 0 ? 0.0 : tick);  // no "-0"
  }
  return ticks;
}

std::string tick_label(double value, double axis_magnitude) {
  if (value == 0) {
    return "0";
  }
  const double magnitude = std::max(std::abs(value), std::abs(axis_magnitude));
  // Below 10000 the digits are short enough, and a return axis up to 5000 reads better plain.
  double unit = 1;
  const char* suffix = "";
  if (magnitude >= 1e9) {
    unit = 1e9;
    suffix = "B";
  } else if (magnitude >= 1e6) {
    unit = 1e6;
    suffix = "M";
  } else if (magnitude >= 1e4) {
    unit = 1e3;
    suffix = "k";
  }
  std::array<char, 64> text{};
  std::snprintf(text.data(), text.size(), "%.6g%s", value / unit, suffix);
  return text.data();
}

namespace {

/// y of the piecewise-linear curve through (x, y) at `at`, held flat beyond its ends.
double interpolate(const std::vector<double>& x, const std::vector<double>& y, double at) {
  const auto after = std::upper_bound(x.begin(), x.end(), at);
  if (after == x.begin()) {
    return y.front();
  }
  if (after == x.end()) {
    return y.back();
  }
  const auto i = static_cast<size_t>(after - x.begin());  // x[i - 1] <= at < x[i]
  const double f = (at - x[i - 1]) / (x[i] - x[i - 1]);
  return y[i - 1] + f * (y[i] - y[i - 1]);
}

}  // namespace

Curve mean_curve(const std::string& label, const std::vector<std::vector<double>>& xs,
                 const std::vector<std::vector<double>>& ys, int points) {
  const std::string where = message("mean_curve '", label, "': ");
  check(!xs.empty(), where, "no runs; give at least one run's samples");
  check(xs.size() == ys.size(), where, xs.size(), " runs of x but ", ys.size(), " runs of y");
  check(points >= 2, where, "points = ", points, " must be at least 2");
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  for (size_t r = 0; r < xs.size(); ++r) {
    check(!xs[r].empty(), where, "run ", r, " has no samples");
    check(xs[r].size() == ys[r].size(), where, "run ", r, " has ", xs[r].size(), " x values but ",
          ys[r].size(), " y values");
    check(all_finite(xs[r]) && all_finite(ys[r]), where, "run ", r,
          " has a non-finite value (NaN or inf)");
    check(std::is_sorted(xs[r].begin(), xs[r].end()), where, "run ", r,
          " has x values that decrease");
    lo = std::max(lo, xs[r].front());
    hi = std::min(hi, xs[r].back());
  }
  check(lo <= hi, where, "the runs do not overlap: one starts at x = ", lo,
        " after another ends at x = ", hi);

  const size_t n_points = lo == hi ? 1 : static_cast<size_t>(points);
  const size_t n_runs = xs.size();
  const double t = n_runs > 1 ? t_quantile_95(static_cast<int>(n_runs) - 1) : 0;
  Curve curve;
  curve.label = label;
  std::vector<double> values(n_runs);
  for (size_t k = 0; k < n_points; ++k) {
    const double x = k + 1 == n_points ? hi
                                       : lo + (hi - lo) * static_cast<double>(k) /
                                                  static_cast<double>(n_points - 1);
    double sum = 0;
    for (size_t r = 0; r < n_runs; ++r) {
      values[r] = interpolate(xs[r], ys[r], x);
      sum += values[r];
    }
    const double mean = sum / static_cast<double>(n_runs);
    curve.x.push_back(x);
    curve.y.push_back(mean);
    if (n_runs > 1) {
      // 95% CI of the mean: mean +- t(n-1) * s / sqrt(n), s the sample standard deviation.
      double squares = 0;
      for (double v : values) {
        squares += (v - mean) * (v - mean);
      }
      const double sd = std::sqrt(squares / static_cast<double>(n_runs - 1));
      const double half = t * sd / std::sqrt(static_cast<double>(n_runs));
      curve.lower.push_back(mean - half);
      curve.upper.push_back(mean + half);
    }
  }
  return curve;
}

double t_quantile_95(int dof) {
  check(dof >= 1, "t_quantile_95: dof = ", dof, " must be at least 1 (two or more runs)");
  // The 0.975 quantiles of Student's t for 1..30 degrees of freedom.
  static constexpr std::array<double, 30> kTable = {
      12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004,
      2.262157,  2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905,
      2.109816,  2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899,
      2.059539,  2.055529, 2.051831, 2.048407, 2.045230, 2.042272};
  if (dof <= static_cast<int>(kTable.size())) {
    return kTable[static_cast<size_t>(dof - 1)];
  }
  // Cornish-Fisher expansion about the normal quantile z (Abramowitz & Stegun 26.7.5); within
  // 2e-6 of the exact value from 31 degrees of freedom on.
  const double z = 1.959963984540054;
  const double n = dof;
  const double z3 = z * z * z;
  const double z5 = z3 * z * z;
  const double z7 = z5 * z * z;
  return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n) +
         (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * n * n * n);
}

}  // namespace rl::experiments
