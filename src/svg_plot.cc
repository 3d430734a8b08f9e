// Hand-written SVG charts. Layout is computed here in pixels; every number written to the
// document goes through fmt with a fixed precision so the output is byte-for-byte deterministic.
#include "piikit/svg_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace piikit {
namespace {

constexpr const char* kFont = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"";
constexpr const char* kAxisColor = "#333333";
constexpr const char* kGridColor = "#dddddd";

// Coordinates: one decimal is well below a pixel.
std::string px(double v) { return fmt::format("{:.1f}", v); }

// Tick label with as many decimals as the tick step needs (0.25 -> 2, 0.1 -> 1, 50 -> 0).
std::string tick_label(double v, double step) {
  int decimals = 0;
  if (step > 0 && step < 1)
    decimals = std::min(6, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
  if (std::abs(v) < step * 1e-6) v = 0;  // no "-0.0"
  // Large numbers (steps of 1000s) read better with a k suffix.
  if (step >= 1000 && std::fmod(v, 1000) == 0) return fmt::format("{:.0f}k", v / 1000);
  return fmt::format("{:.{}f}", v, decimals);
}

std::string color_of(const std::string& given, std::size_t index) {
  if (!given.empty()) return given;
  const auto& palette = plot_palette();
  return palette[index % palette.size()];
}

std::string header(double width, double height) {
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" {2} font-size=\"12\">\n"
      "<rect x=\"0\" y=\"0\" width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>\n",
      px(width), px(height), kFont);
}

std::string text(double x, double y, const std::string& content, const std::string& attrs = "") {
  return fmt::format("<text x=\"{}\" y=\"{}\"{}{}>{}</text>\n", px(x), px(y),
                     attrs.empty() ? "" : " ", attrs, xml_escape(content));
}

std::string line(double x1, double y1, double x2, double y2, const std::string& stroke,
                 double width = 1.0, const std::string& extra = "") {
  return fmt::format(
      "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}{}/>\n",
      px(x1), px(y1), px(x2), px(y2), stroke, px(width), extra.empty() ? "" : " ", extra);
}

struct Range {
  double lo = 0, hi = 1;
};

// Min and max of the finite values; nullopt when there are none.
std::optional<Range> finite_range(const std::vector<const std::vector<double>*>& lists) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto* list : lists) {
    for (double v : *list) {
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (lo > hi) return std::nullopt;
  return Range{lo, hi};
}

// Widens a degenerate range so the scale is defined.
Range widen(Range r) {
  if (r.hi - r.lo > 1e-12) return r;
  double pad = std::max(1.0, std::abs(r.lo) * 0.1);
  return Range{r.lo - pad, r.hi + pad};
}

// Axis range that ends on tick values around the data, overridden by explicit limits.
Range axis_range(std::optional<Range> data, std::optional<double> lo, std::optional<double> hi,
                 bool from_zero) {
  Range r = data.value_or(Range{0, 1});
  if (from_zero) r.lo = std::min(0.0, r.lo);
  r = widen(r);
  auto ticks = nice_ticks(r.lo, r.hi);
  if (!ticks.empty()) {
    r.lo = std::min(r.lo, ticks.front());
    r.hi = std::max(r.hi, ticks.back());
    double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 0;
    if (step > 0 && ticks.back() < r.hi - 1e-12) r.hi = ticks.back() + step;
    if (step > 0 && ticks.front() > r.lo + 1e-12) r.lo = ticks.front() - step;
  }
  if (lo) r.lo = *lo;
  if (hi) r.hi = *hi;
  return widen(r);
}

// Legend row: colour swatches with names, starting at (x, y), wrapping at max_width.
// Returns the markup; `height` receives the rows' total height.
std::string legend(const std::vector<std::pair<std::string, std::string>>& entries, double x,
                   double y, double max_width, bool as_lines, double* height) {
  std::string out = "<g class=\"legend\">\n";
  double cx = x, cy = y;
  constexpr double kRow = 18;
  for (const auto& [name, color] : entries) {
    double w = 22 + 7.0 * static_cast<double>(name.size()) + 16;
    if (cx > x && cx + w > x + max_width) {
      cx = x;
      cy += kRow;
    }
    if (as_lines) {
      out += line(cx, cy + 6, cx + 16, cy + 6, color, 2.5);
    } else {
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>\n",
                         px(cx + 2), px(cy), color);
    }
    out += text(cx + 22, cy + 10.5, name);
    cx += w;
  }
  out += "</g>\n";
  *height = entries.empty() ? 0 : cy - y + kRow;
  return out;
}

}  // namespace

const std::vector<std::string>& plot_palette() {
  // Okabe & Ito (2008), without yellow (too light on white); black last.
  static const std::vector<std::string> kPalette = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                    "#56B4E9", "#E69F00", "#000000"};
  return kPalette;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // Control characters other than tab/newline are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || target < 1) return {};
  if (hi < lo) std::swap(lo, hi);
  if (hi - lo < 1e-12) return {lo};
  double raw = (hi - lo) / target;
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  double first = std::ceil(lo / step - 1e-9) * step;
  for (double t = first; t <= hi + step * 1e-9; t += step) {
    // Snap to the step grid so 0.1 * 3 prints as 0.3 and 0 is exactly 0.
    double snapped = std::round(t / step) * step;
    ticks.push_back(std::abs(snapped) < step * 1e-9 ? 0.0 : snapped);
    if (ticks.size() > 100) break;
  }
  return ticks;
}

std::string render_grouped_bars(const GroupedBarChart& chart) {
  const std::size_t n_cat = chart.categories.size();
  const std::size_t n_ser = chart.series.size();
  if (n_cat == 0)
    throw std::invalid_argument("grouped bar chart '" + chart.title + "': no categories");
  if (n_ser == 0) throw std::invalid_argument("grouped bar chart '" + chart.title + "': no series");
  if (!chart.highlight.empty() && chart.highlight.size() != n_cat) {
    throw std::invalid_argument(
        fmt::format("grouped bar chart '{}': {} highlight flags for {} categories", chart.title,
                    chart.highlight.size(), n_cat));
  }
  std::vector<const std::vector<double>*> all;
  for (const auto& s : chart.series) {
    if (s.values.size() != n_cat) {
      throw std::invalid_argument(
          fmt::format("grouped bar chart '{}': series '{}' has {} values for {} categories",
                      chart.title, s.name, s.values.size(), n_cat));
    }
    bool has_err = !s.low.empty() || !s.high.empty();
    if (has_err && (s.low.size() != n_cat || s.high.size() != n_cat)) {
      throw std::invalid_argument(fmt::format(
          "grouped bar chart '{}': series '{}' has {}/{} error-bar ends for {} categories",
          chart.title, s.name, s.low.size(), s.high.size(), n_cat));
    }
    all.push_back(&s.values);
    all.push_back(&s.high);
  }
  const Range yr = axis_range(finite_range(all), chart.y_min, chart.y_max, /*from_zero=*/true);

  // Layout (pixels).
  const double bar_w = std::max(2, chart.bar_width);
  const double gap = std::max(8.0, bar_w * 1.2);
  const double group_w = bar_w * static_cast<double>(n_ser) + gap;
  // Category labels are rotated by -45 degrees and end under their group: a label of n
  // characters (about 7 px each) reaches 0.71 * 7n px down and to the left. The left margin grows
  // so the first labels are not clipped.
  auto label_reach = [&](std::size_t c) {
    const bool bold = !chart.highlight.empty() && chart.highlight[c];  // bold adds '*' and width
    return 0.71 * (bold ? 8.0 : 7.0) * static_cast<double>(chart.categories[c].size() + 2);
  };
  double left = 64;
  double label_depth = 0;
  for (std::size_t c = 0; c < n_cat; ++c) {
    const double reach = label_reach(c);
    const double center = group_w * static_cast<double>(c) + group_w / 2;
    left = std::max(left, reach - center + 8);
    label_depth = std::max(label_depth, 12 + reach);
  }
  const double right = 24;
  const double plot_w = group_w * static_cast<double>(n_cat);
  const double width = std::max(480.0, left + plot_w + right);
  const double plot_h = std::max(120, chart.plot_height);

  std::vector<std::pair<std::string, std::string>> entries;
  for (std::size_t i = 0; i < n_ser; ++i) {
    entries.emplace_back(chart.series[i].name, color_of(chart.series[i].color, i));
  }
  double legend_h = 0;
  double title_h = 30 + (chart.subtitle.empty() ? 0 : 18);
  std::string legend_svg = legend(entries, left, title_h, width - left - right, false, &legend_h);
  const double top = title_h + legend_h + 14;
  const double height = top + plot_h + label_depth + 34;
  auto sy = [&](double v) {
    v = std::clamp(v, yr.lo, yr.hi);
    return top + plot_h - (v - yr.lo) / (yr.hi - yr.lo) * plot_h;
  };

  std::string out = header(width, height);
  out += text(width / 2, 20, chart.title,
              "text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\"");
  if (!chart.subtitle.empty()) {
    out += text(width / 2, 40, chart.subtitle,
                "text-anchor=\"middle\" font-size=\"11\" fill=\"#555555\"");
  }
  out += legend_svg;

  // Grid and y axis.
  auto ticks = nice_ticks(yr.lo, yr.hi);
  double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
  out += "<g class=\"y-axis\">\n";
  for (double t : ticks) {
    if (t < yr.lo - 1e-12 || t > yr.hi + 1e-12) continue;
    out += line(left, sy(t), left + plot_w, sy(t), kGridColor);
    out += text(left - 6, sy(t) + 4, tick_label(t, step), "text-anchor=\"end\"");
  }
  out += line(left, top, left, top + plot_h, kAxisColor);
  out += "</g>\n";
  out += fmt::format(
      "<text transform=\"translate({},{}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n", px(18),
      px(top + plot_h / 2), xml_escape(chart.y_label));

  // Bars, whiskers and category labels.
  out += "<g class=\"bars\">\n";
  for (std::size_t c = 0; c < n_cat; ++c) {
    const double gx = left + group_w * static_cast<double>(c) + gap / 2;
    for (std::size_t s = 0; s < n_ser; ++s) {
      const auto& ser = chart.series[s];
      const double v = ser.values[c];
      if (!std::isfinite(v)) continue;
      const double x = gx + bar_w * static_cast<double>(s);
      const double y0 = sy(std::max(yr.lo, std::min(0.0, yr.hi)));
      const double y1 = sy(v);
      std::string tip = fmt::format("{} / {}: {:.3f}", chart.categories[c], ser.name, v);
      if (!ser.low.empty() && std::isfinite(ser.low[c]) && std::isfinite(ser.high[c])) {
        tip += fmt::format(" [{:.3f}, {:.3f}]", ser.low[c], ser.high[c]);
      }
      out += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
          "fill=\"{}\"><title>{}</title></rect>\n",
          px(x), px(std::min(y0, y1)), px(bar_w - 1), px(std::abs(y0 - y1)), color_of(ser.color, s),
          xml_escape(tip));
      if (!ser.low.empty() && std::isfinite(ser.low[c]) && std::isfinite(ser.high[c])) {
        const double cx = x + (bar_w - 1) / 2;
        const double lo = sy(ser.low[c]), hi = sy(ser.high[c]);
        const double cap = std::max(1.5, (bar_w - 1) / 2 - 1);
        const std::string cls = "class=\"whisker\"";
        out += line(cx, lo, cx, hi, kAxisColor, 1.0, cls);
        out += line(cx - cap, lo, cx + cap, lo, kAxisColor, 1.0, cls);
        out += line(cx - cap, hi, cx + cap, hi, kAxisColor, 1.0, cls);
      }
    }
    const bool bold = !chart.highlight.empty() && chart.highlight[c];
    const double lx = gx + bar_w * static_cast<double>(n_ser) / 2;
    const double ly = top + plot_h + 14;
    out += fmt::format(
        "<text transform=\"translate({},{}) rotate(-45)\" text-anchor=\"end\"{}>{}</text>\n",
        px(lx), px(ly), bold ? " font-weight=\"bold\"" : "",
        xml_escape(bold ? "*" + chart.categories[c] : chart.categories[c]));
  }
  out += "</g>\n";
  out += line(left, sy(std::max(yr.lo, std::min(0.0, yr.hi))), left + plot_w,
              sy(std::max(yr.lo, std::min(0.0, yr.hi))), kAxisColor);
  out += text(left + plot_w / 2, height - 10, chart.x_label, "text-anchor=\"middle\"");
  out += "</svg>\n";
  return out;
}

namespace {

// One line-chart panel as a group at the origin (the caller translates it).
std::string line_panel(const LineChart& chart) {
  std::vector<const std::vector<double>*> xs, ys;
  for (const auto& s : chart.series) {
    if (s.x.size() != s.y.size()) {
      throw std::invalid_argument(
          fmt::format("line chart '{}': series '{}' has {} x and {} y values", chart.title, s.name,
                      s.x.size(), s.y.size()));
    }
    xs.push_back(&s.x);
    ys.push_back(&s.y);
  }
  const Range xr = widen(finite_range(xs).value_or(Range{0, 1}));
  const Range yr = axis_range(finite_range(ys), chart.y_min, chart.y_max, /*from_zero=*/false);

  const double width = std::max(240, chart.width), height = std::max(200, chart.height);
  const double left = 62, right = 16;

  // Legend: one entry per distinct name, in first-seen order.
  std::vector<std::pair<std::string, std::string>> entries;
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const auto& s = chart.series[i];
    bool seen = std::any_of(entries.begin(), entries.end(),
                            [&](const auto& e) { return e.first == s.name; });
    if (!seen && !s.name.empty()) entries.emplace_back(s.name, color_of(s.color, i));
  }
  double legend_h = 0;
  std::string legend_svg = legend(entries, left, 30, width - left - right, true, &legend_h);
  const double top = 30 + legend_h + 10, bottom = 46;
  const double plot_w = width - left - right, plot_h = std::max(60.0, height - top - bottom);
  auto sx = [&](double v) { return left + (v - xr.lo) / (xr.hi - xr.lo) * plot_w; };
  auto sy = [&](double v) {
    v = std::clamp(v, yr.lo, yr.hi);
    return top + plot_h - (v - yr.lo) / (yr.hi - yr.lo) * plot_h;
  };

  std::string out;
  out += text(width / 2, 18, chart.title,
              "text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\"");
  out += legend_svg;
  out += "<g class=\"axes\">\n";
  auto yticks = nice_ticks(yr.lo, yr.hi);
  double ystep = yticks.size() > 1 ? yticks[1] - yticks[0] : 1;
  for (double t : yticks) {
    if (t < yr.lo - 1e-12 || t > yr.hi + 1e-12) continue;
    out += line(left, sy(t), left + plot_w, sy(t), kGridColor);
    out += text(left - 6, sy(t) + 4, tick_label(t, ystep), "text-anchor=\"end\"");
  }
  auto xticks = nice_ticks(xr.lo, xr.hi, 6);
  double xstep = xticks.size() > 1 ? xticks[1] - xticks[0] : 1;
  for (double t : xticks) {
    if (t < xr.lo - 1e-12 || t > xr.hi + 1e-12) continue;
    out += line(sx(t), top + plot_h, sx(t), top + plot_h + 4, kAxisColor);
    out += text(sx(t), top + plot_h + 17, tick_label(t, xstep), "text-anchor=\"middle\"");
  }
  out += line(left, top, left, top + plot_h, kAxisColor);
  out += line(left, top + plot_h, left + plot_w, top + plot_h, kAxisColor);
  out += "</g>\n";
  out += text(left + plot_w / 2, height - 8, chart.x_label, "text-anchor=\"middle\"");
  out += fmt::format(
      "<text transform=\"translate({},{}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n", px(16),
      px(top + plot_h / 2), xml_escape(chart.y_label));

  out += "<g class=\"lines\" fill=\"none\">\n";
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const auto& s = chart.series[i];
    const std::string color = color_of(s.color, i);
    std::string d;
    bool pen_down = false;
    for (std::size_t k = 0; k < s.x.size(); ++k) {
      if (!std::isfinite(s.x[k]) || !std::isfinite(s.y[k])) {
        pen_down = false;  // break the line at a missing value
        continue;
      }
      d += fmt::format("{}{} {} ", pen_down ? "L" : "M", px(sx(s.x[k])), px(sy(s.y[k])));
      pen_down = true;
    }
    if (d.empty()) continue;
    d.pop_back();
    out += fmt::format(
        "<path d=\"{}\" stroke=\"{}\" stroke-width=\"1.8\"{}><title>{}</title></path>\n", d, color,
        s.dashed ? " stroke-dasharray=\"6 3\"" : "", xml_escape(s.name));
    if (s.markers) {
      for (std::size_t k = 0; k < s.x.size(); ++k) {
        if (!std::isfinite(s.x[k]) || !std::isfinite(s.y[k])) continue;
        out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"2.2\" fill=\"{}\"/>\n", px(sx(s.x[k])),
                           px(sy(s.y[k])), color);
      }
    }
  }
  out += "</g>\n";
  return out;
}

}  // namespace

std::string render_line_chart(const LineChart& chart) { return render_line_charts({chart}, 1); }

std::string render_line_charts(const std::vector<LineChart>& charts, int columns,
                               const std::string& title) {
  if (charts.empty()) throw std::invalid_argument("line chart: no panels");
  columns = std::clamp(columns, 1, static_cast<int>(charts.size()));
  const int rows = (static_cast<int>(charts.size()) + columns - 1) / columns;
  double cell_w = 0, cell_h = 0;
  for (const auto& c : charts) {
    cell_w = std::max(cell_w, static_cast<double>(std::max(240, c.width)));
    cell_h = std::max(cell_h, static_cast<double>(std::max(200, c.height)));
  }
  const double title_h = title.empty() ? 0 : 30;
  const double width = cell_w * columns, height = title_h + cell_h * rows;
  std::string out = header(width, height);
  if (!title.empty()) {
    out +=
        text(width / 2, 21, title, "text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\"");
  }
  for (std::size_t i = 0; i < charts.size(); ++i) {
    const double x = cell_w * static_cast<double>(i % columns);
    const double y = title_h + cell_h * static_cast<double>(i / columns);
    out += fmt::format("<g class=\"panel\" transform=\"translate({},{})\">\n", px(x), px(y));
    out += line_panel(charts[i]);
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace piikit
