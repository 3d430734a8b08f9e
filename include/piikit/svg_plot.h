// Hand-written SVG charts: grouped bar charts with error bars and line charts with a legend.
//
// No runtime dependency and deterministic: the same chart gives the same bytes (numbers are
// printed with a fixed precision, independent of the locale), so outputs can be diffed and
// tested. The result is a standalone SVG 1.1 document (with an XML declaration) that opens in any
// browser and renders with rsvg-convert. All text is XML-escaped.
//
// Coordinates are in SVG user units (pixels at 100% zoom). Non-finite data values (NaN, inf) are
// skipped: a bar is not drawn, a line is broken at that point.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace piikit {

// A fixed, colour-blind-friendly palette (Okabe-Ito); series i gets color i modulo its size.
const std::vector<std::string>& plot_palette();

// One series of a grouped bar chart: one bar per category.
struct BarSeries {
  std::string name;            // legend entry
  std::vector<double> values;  // bar heights, one per category
  // Optional error bars (whiskers) drawn from low[i] to high[i]; both empty or both one per
  // category. Whatever they stand for (std, min..max) belongs in the chart's subtitle.
  std::vector<double> low, high;
  std::string color;  // "#rrggbb"; empty = palette colour of the series index
};

struct GroupedBarChart {
  std::string title;
  std::string subtitle;  // smaller line under the title (e.g. "bars: mean ...")
  std::string x_label, y_label;
  std::vector<std::string> categories;  // x groups, left to right
  std::vector<bool> highlight;          // optional, one per category: label drawn bold with a '*'
  std::vector<BarSeries> series;        // drawn side by side within each group
  std::optional<double> y_min, y_max;   // axis range; default: 0 .. nice ceiling of the data
  int bar_width = 9;                    // per bar, in pixels
  int plot_height = 360;                // height of the plot area, in pixels
};

// Renders the chart. Throws std::invalid_argument when a series' values (or error bars) do not
// have one entry per category, or when there are no categories or no series.
std::string render_grouped_bars(const GroupedBarChart& chart);

// One line of a line chart.
struct LineSeries {
  std::string name;       // legend entry; series with the same name share one legend entry
  std::vector<double> x;  // same length as y; x should be increasing
  std::vector<double> y;
  std::string color;  // "#rrggbb"; empty = palette colour of the series index
  bool dashed = false;
  bool markers = true;  // a small circle on every point
};

struct LineChart {
  std::string title;
  std::string x_label, y_label;
  std::vector<LineSeries> series;
  std::optional<double> y_min, y_max;  // default: nice range around the data
  int width = 520, height = 340;       // whole panel, in pixels
};

// Renders one chart, or several side by side in one document (`columns` panels per row, in
// order). Throws std::invalid_argument when a series has x and y of different lengths or when
// `charts` is empty.
std::string render_line_chart(const LineChart& chart);
std::string render_line_charts(const std::vector<LineChart>& charts, int columns,
                               const std::string& title = "");

// "a&b" -> "a&amp;b": escapes & < > " ' for XML text and attribute values.
std::string xml_escape(const std::string& text);

// Up to about `target` round tick values ("nice numbers": 1, 2, 5 x 10^k) covering [lo, hi].
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

}  // namespace piikit
