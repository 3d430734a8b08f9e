#include "piikit/svg_plot.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>

#include "xml_check.h"

namespace piikit {
namespace {

using testing::count_occurrences;
using testing::have_tool;
using testing::xml_problem;

GroupedBarChart sample_bars() {
  GroupedBarChart chart;
  chart.title = "Recall per type";
  chart.subtitle = "bars: mean over 3 seeds; whiskers: min..max";
  chart.x_label = "type";
  chart.y_label = "recall";
  chart.categories = {"SSN", "IBAN", "EMAIL", "A<B&C"};
  chart.highlight = {true, true, false, false};
  chart.y_min = 0;
  chart.y_max = 1;
  chart.series = {
      {"none", {0.5, 0.6, 0.9, 0.95}, {0.4, 0.55, 0.88, 0.9}, {0.6, 0.65, 0.92, 1.0}, ""},
      {"inverse_sqrt", {0.7, 0.8, 0.91, 0.93}, {0.6, 0.7, 0.9, 0.9}, {0.8, 0.9, 0.95, 0.96}, ""},
  };
  return chart;
}

// Renders `svg` to PNG with rsvg-convert when installed; returns false if the tool failed.
bool renders(const std::string& svg, const std::string& name) {
  if (!have_tool("rsvg-convert")) return true;
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("piikit_svg_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path in = dir / (name + ".svg"), out = dir / (name + ".png");
  std::ofstream(in) << svg;
  std::string cmd = "rsvg-convert -o '" + out.string() + "' '" + in.string() + "' 2>/dev/null";
  bool ok = std::system(cmd.c_str()) == 0 && fs::exists(out) && fs::file_size(out) > 100;
  std::ifstream png(out, std::ios::binary);
  char magic[4] = {};
  png.read(magic, 4);
  ok = ok && magic[1] == 'P' && magic[2] == 'N' && magic[3] == 'G';
  fs::remove_all(dir);
  return ok;
}

TEST(SvgPlotTest, EscapesXmlSpecialCharacters) {
  EXPECT_EQ(xml_escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(xml_escape("plain"), "plain");
  EXPECT_EQ(xml_escape(std::string("x\x01y")), "x y");  // control chars are not allowed in XML
}

TEST(SvgPlotTest, NiceTicksAreRoundAndCoverTheRange) {
  struct Case {
    double lo, hi;
    std::vector<double> want;
  } cases[] = {
      {0, 1, {0, 0.2, 0.4, 0.6, 0.8, 1.0}},
      {0, 0.87, {0, 0.2, 0.4, 0.6, 0.8}},
      {0, 300, {0, 100, 200, 300}},
      {0.62, 0.97, {0.7, 0.8, 0.9}},
      {3, 3, {3}},
  };
  for (const auto& c : cases) {
    auto got = nice_ticks(c.lo, c.hi);
    ASSERT_EQ(got.size(), c.want.size()) << c.lo << ".." << c.hi;
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_NEAR(got[i], c.want[i], 1e-12) << c.lo << ".." << c.hi << " tick " << i;
    }
  }
  EXPECT_TRUE(nice_ticks(0, std::nan("")).empty());
}

TEST(SvgPlotTest, GroupedBarsAreWellFormedWithOneBarPerValueAndWhiskers) {
  auto chart = sample_bars();
  std::string svg = render_grouped_bars(chart);
  EXPECT_EQ(xml_problem(svg), "") << svg;
  // One titled rect per (category, series) and three lines (stem + two caps) per whisker.
  EXPECT_EQ(count_occurrences(svg, "</title></rect>"), 8u);
  EXPECT_EQ(count_occurrences(svg, "class=\"whisker\""), 8u * 3);
  for (const char* s : {"Recall per type", "inverse_sqrt", "none", "IBAN", "*SSN", "A&lt;B&amp;C",
                        "min..max", ">recall<", ">type<"}) {
    EXPECT_NE(svg.find(s), std::string::npos) << s;
  }
  // y ticks from the explicit 0..1 range.
  EXPECT_NE(svg.find(">0.0<"), std::string::npos);
  EXPECT_NE(svg.find(">1.0<"), std::string::npos);
  // Deterministic: same bytes twice.
  EXPECT_EQ(svg, render_grouped_bars(chart));
  EXPECT_TRUE(renders(svg, "bars"));
}

TEST(SvgPlotTest, GroupedBarsSkipNonFiniteValuesAndTallerBarsForLargerValues) {
  auto chart = sample_bars();
  chart.series[0].values[2] = std::numeric_limits<double>::quiet_NaN();
  std::string svg = render_grouped_bars(chart);
  EXPECT_EQ(xml_problem(svg), "");
  EXPECT_EQ(count_occurrences(svg, "</title></rect>"), 7u);
  EXPECT_EQ(svg.find("nan"), std::string::npos);

  // Bar heights are proportional to the values on a 0-based axis.
  GroupedBarChart two;
  two.title = "t";
  two.categories = {"a", "b"};
  two.series = {{"s", {1.0, 2.0}, {}, {}, "#112233"}};
  std::string out = render_grouped_bars(two);
  auto height_of = [&](std::size_t nth) {
    std::size_t p = 0;
    for (std::size_t k = 0; k <= nth; ++k) p = out.find("fill=\"#112233\"><title>", p + 1);
    std::size_t h = out.rfind("height=\"", p);
    return std::stod(out.substr(h + 8));
  };
  EXPECT_NEAR(height_of(1), 2 * height_of(0), 0.2);
}

TEST(SvgPlotTest, GroupedBarsRejectMismatchedSeries) {
  auto chart = sample_bars();
  chart.series[1].values.pop_back();
  try {
    render_grouped_bars(chart);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(
        e.what(),
        "grouped bar chart 'Recall per type': series 'inverse_sqrt' has 3 values for 4 categories");
  }
  chart = sample_bars();
  chart.series[0].low.clear();
  EXPECT_THROW(render_grouped_bars(chart), std::invalid_argument);
  chart = sample_bars();
  chart.categories.clear();
  EXPECT_THROW(render_grouped_bars(chart), std::invalid_argument);
}

TEST(SvgPlotTest, LineChartsHaveAPathPerSeriesSharedLegendAndBreaksAtGaps) {
  LineChart loss;
  loss.title = "Training loss";
  loss.x_label = "step";
  loss.y_label = "loss";
  const std::string blue = plot_palette()[0];
  loss.series = {
      {"none", {10, 20, 30}, {2.0, 1.5, 1.2}, blue, false, true},
      {"none", {10, 20, 30}, {2.1, 1.6, 1.1}, blue, true, true},  // second seed, same legend entry
      {"inverse_sqrt", {10, 20, 30, 40}, {2.2, std::nan(""), 1.3, 1.0}, "", false, false},
  };
  LineChart f1 = loss;
  f1.title = "Validation macro F1";
  f1.y_min = 0;
  f1.y_max = 1;
  std::string svg = render_line_charts({loss, f1}, 2, "Training curves");
  EXPECT_EQ(xml_problem(svg), "") << svg;
  EXPECT_EQ(count_occurrences(svg, "<g class=\"panel\""), 2u);
  EXPECT_EQ(count_occurrences(svg, "<path "), 6u);
  // Legend: "none" once per panel although two series carry it.
  EXPECT_EQ(count_occurrences(svg, ">none</text>"), 2u);
  EXPECT_EQ(count_occurrences(svg, ">inverse_sqrt</text>"), 2u);
  EXPECT_EQ(count_occurrences(svg, "stroke-dasharray"), 2u);
  // The NaN splits the third series into two sub-paths: "M ... M ...".
  std::size_t p = svg.find("<path d=\"M", svg.find("<path d=\"M", svg.find("<path d=\"M") + 1) + 1);
  std::string d = svg.substr(p, svg.find('"', p + 9) - p);
  EXPECT_EQ(count_occurrences(d, "M"), 2u) << d;
  // Markers only on the first two series: 3 + 3 points per panel.
  EXPECT_EQ(count_occurrences(svg, "<circle"), 12u);
  for (const char* s :
       {"Training curves", "Training loss", "Validation macro F1", ">step<", ">loss<"}) {
    EXPECT_NE(svg.find(s), std::string::npos) << s;
  }
  EXPECT_TRUE(renders(svg, "lines"));
  EXPECT_EQ(xml_problem(render_line_chart(loss)), "");
}

TEST(SvgPlotTest, LineChartsRejectBadInput) {
  LineChart chart;
  chart.title = "c";
  chart.series = {{"s", {1, 2}, {1}, "", false, true}};
  try {
    render_line_chart(chart);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "line chart 'c': series 's' has 2 x and 1 y values");
  }
  EXPECT_THROW(render_line_charts({}, 1), std::invalid_argument);
}

TEST(SvgPlotTest, XmlCheckCatchesMalformedDocuments) {
  EXPECT_EQ(xml_problem("<a><b/></a>"), "");
  EXPECT_NE(xml_problem("<a><b></a>"), "");
  EXPECT_NE(xml_problem("<a x=1/>"), "");
  EXPECT_NE(xml_problem("<a>x & y</a>"), "");
  EXPECT_NE(xml_problem("<a/><b/>"), "");
  EXPECT_NE(xml_problem("<a>"), "");
}

}  // namespace
}  // namespace piikit
