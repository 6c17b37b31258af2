// Learning curves as a PNG for `rl analyze --plot`: episode return against environment steps, one
// line per group of runs with its mean and a 95% Student-t confidence band across seeds, drawn
// headless with Cairo. The look follows matplotlib's defaults (tab10 colours, translucent bands).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace rl::experiments {

/// One line of a plot, with an optional band around it.
struct Curve {
  std::string label;  ///< legend text, e.g. "ppo on CartPole-v1 (5 seeds)"
  std::vector<double> x;  ///< increasing
  std::vector<double> y;  ///< the line (the mean across runs)
  std::vector<double> lower;  ///< band lower edge; empty for no band (a single run)
  std::vector<double> upper;  ///< band upper edge; empty for no band
};

/// Everything a plot shows. Curves take the tab10 colours in order (blue, orange, green, ...).
struct PlotSpec {
  std::string title;  ///< above the plot; empty for none
  std::string x_label = "environment steps";  ///< under the x axis
  std::string y_label = "episode return";  ///< beside the y axis, rotated
  std::vector<Curve> curves;  ///< at least one
  std::optional<double> threshold;  ///< dashed horizontal line, e.g. the solved return
  std::string threshold_label;  ///< text on that line, e.g. "solved (475)"
  int width = 1200;  ///< image width in pixels
  int height = 750;  ///< image height in pixels
};

/// Writes the plot as a PNG; throws rl::Error naming the path and the problem (no curves,
/// mismatched lengths, non-finite values, cannot write the file).
void write_plot_png(const PlotSpec& spec, const std::string& path);

/// Tick positions for [lo, hi]: about `target` "nice" values (1, 2, 2.5, 5 x 10^k), the first at
/// or below lo and the last at or above hi.
std::vector<double> nice_ticks(double lo, double hi, int target = 6);

/// Compact tick text: 20000 -> "20k", 1500000 -> "1.5M", 0.25 -> "0.25", -200 -> "-200".
/// `axis_magnitude`, the largest |tick| on the same axis, makes one axis share one unit
/// (500000 with 1e6 -> "0.5M"). Numbers below 10000 stay plain.
std::string tick_label(double value, double axis_magnitude = 0);

/// Per-run curves resampled (linearly) onto a common grid of `points` x values spanning the
/// overlap of all runs (from the largest first x to the smallest last x), then the mean and 95%
/// confidence bounds across runs (Student t, n-1 degrees of freedom; no band for one run). Each
/// run's y is given as (x, y) samples, e.g. global step vs the mean of the last 20 episode
/// returns; x must not decrease (at a repeated x the later sample wins).
Curve mean_curve(const std::string& label, const std::vector<std::vector<double>>& xs,
                 const std::vector<std::vector<double>>& ys, int points = 200);

/// The two-sided 95% Student t quantile for `dof` degrees of freedom (exact table up to 30,
/// a Cornish-Fisher expansion above, 1.96 in the limit).
double t_quantile_95(int dof);

}  // namespace rl::experiments
