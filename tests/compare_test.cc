#include "piikit/compare.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "piikit/error.h"
#include "piikit/file_util.h"
#include "xml_check.h"

namespace piikit {
namespace {

using testing::count_occurrences;
using testing::have_tool;
using testing::xml_problem;

constexpr uint64_t kSupport = 10;  // held-out gold entities per type in the synthetic runs
constexpr int kRare = 8;

// Synthetic run: every type has 10 held-out entities. Training B- count of type t is 100 (t + 1),
// so types 0..7 are the 8 rarest. Rare-type recall: "none" 0.4/0.5/0.6 for seed index 0/1/2,
// "inverse_sqrt" 0.7/0.8/0.9; other types recall 0.9 for both. False positives per type: 1 for
// "none", 3 for the other schemes.
RunOutcome synthetic(const std::string& scheme, std::size_t seed_index) {
  RunOutcome o;
  for (int t = 0; t < kNumTypes; ++t) {
    uint64_t tp = 9;
    if (t < kRare) tp = (scheme == "none" ? 4 : 7) + seed_index;
    o.heldout.exact[t] = Prf{tp, scheme == "none" ? 1u : 3u, kSupport - tp};
    o.train_counts[begin_label(t)] = 100 * (t + 1);
    o.train_counts[inside_label(t)] = 150 * (t + 1);
  }
  o.train_counts[kOutsideLabel] = 50000;
  for (int step = 10; step <= 30; step += 10) {
    o.curve.push_back({step, 3.0 / step + 0.01 * double(seed_index), 0.3 + 0.01 * step});
  }
  o.steps = 30;
  o.seconds = 1.5;
  o.model_dir = "runs/x/" + scheme;
  return o;
}

CompareOptions two_schemes() {
  CompareOptions options;
  options.schemes = {"none", "inverse_sqrt"};
  options.seeds = {1, 2, 3};
  options.rare_types = kRare;
  options.heldout_source = "synthetic";
  return options;
}

CompareResult run_synthetic(const CompareOptions& options) {
  return compare(options, [&](const std::string& scheme, uint64_t seed) {
    std::size_t index =
        std::find(options.seeds.begin(), options.seeds.end(), seed) - options.seeds.begin();
    return synthetic(scheme, index);
  });
}

TEST(CompareTest, SpreadIsMeanSampleStdMinMax) {
  Spread s = spread_of({1.0, 2.0, 3.0});
  EXPECT_DOUBLE_EQ(s.mean, 2.0);
  EXPECT_DOUBLE_EQ(s.std, 1.0);  // sqrt(((1-2)^2 + 0 + (3-2)^2) / (3 - 1))
  EXPECT_DOUBLE_EQ(s.min, 1.0);
  EXPECT_DOUBLE_EQ(s.max, 3.0);
  EXPECT_EQ(s.n, 3);
  Spread one = spread_of({0.7});
  EXPECT_DOUBLE_EQ(one.mean, 0.7);
  EXPECT_DOUBLE_EQ(one.std, 0.0);
  EXPECT_EQ(spread_of({}).n, 0);
}

TEST(CompareTest, RunsEverySchemeAndSeedInOrderWithProgress) {
  auto options = two_schemes();
  std::vector<std::string> calls, progress;
  auto result = compare(
      options,
      [&](const std::string& scheme, uint64_t seed) {
        calls.push_back(scheme + "/" + std::to_string(seed));
        return synthetic(scheme, seed - 1);
      },
      [&](std::size_t i, std::size_t total, const RunRecord& r) {
        progress.push_back(run_line(i, total, r));
      });
  EXPECT_EQ(calls, (std::vector<std::string>{"none/1", "none/2", "none/3", "inverse_sqrt/1",
                                             "inverse_sqrt/2", "inverse_sqrt/3"}));
  ASSERT_EQ(progress.size(), 6u);
  // none seed 1: tp = 8*4 + 18*9 = 194, fp = 26, fn = 8*6 + 18*1 = 66.
  EXPECT_EQ(progress[0],
            "[1/6] none seed 1: 30 steps in 1.5 s; held-out micro P 0.882 R 0.746 F1 0.808");
  EXPECT_EQ(result.runs.size(), 6u);
  EXPECT_EQ(result.runs[3].scheme, "inverse_sqrt");
  EXPECT_EQ(result.runs[3].seed, 1u);
}

TEST(CompareTest, AggregatesPerTypeMicroMacroAndRareRecall) {
  auto r = run_synthetic(two_schemes());
  ASSERT_EQ(r.summaries.size(), 2u);
  const SchemeSummary& none = r.summaries[0];
  const SchemeSummary& isqrt = r.summaries[1];
  EXPECT_EQ(none.scheme, "none");
  // Rarest first: types 0..7 by training count.
  EXPECT_EQ(r.rare_types, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(r.macro_types.size(), std::size_t(kNumTypes));
  EXPECT_TRUE(r.train_counts_identical);
  EXPECT_EQ(r.train_counts[begin_label(0)], 100u);  // identical in every run
  // Per type: recall of a rare type over seeds 0.4, 0.5, 0.6.
  EXPECT_NEAR(none.recall[3].mean, 0.5, 1e-12);
  EXPECT_NEAR(none.recall[3].std, 0.1, 1e-12);
  EXPECT_NEAR(none.recall[3].min, 0.4, 1e-12);
  EXPECT_NEAR(none.recall[3].max, 0.6, 1e-12);
  EXPECT_NEAR(isqrt.recall[3].mean, 0.8, 1e-12);
  EXPECT_NEAR(none.recall[20].mean, 0.9, 1e-12);
  EXPECT_NEAR(none.recall[20].std, 0.0, 1e-12);
  // Precision of a common type: 9 / (9 + 1) and 9 / (9 + 3).
  EXPECT_NEAR(none.precision[20].mean, 0.9, 1e-12);
  EXPECT_NEAR(isqrt.precision[20].mean, 0.75, 1e-12);
  // F1 of a rare type, seed 0 of "none": P = 4/5, R = 0.4.
  EXPECT_NEAR(none.f1[0].min, 2 * 0.8 * 0.4 / 1.2, 1e-12);
  // Rare macro recall.
  EXPECT_NEAR(none.rare_macro_recall.mean, 0.5, 1e-12);
  EXPECT_NEAR(none.rare_macro_recall.std, 0.1, 1e-12);
  EXPECT_NEAR(isqrt.rare_macro_recall.mean, 0.8, 1e-12);
  // Micro precision of "none": seed k has tp = 8 (4 + k) + 162, fp = 26.
  std::vector<double> p;
  for (int k = 0; k < 3; ++k) p.push_back((8.0 * (4 + k) + 162) / (8.0 * (4 + k) + 162 + 26));
  EXPECT_NEAR(none.micro_precision.mean, (p[0] + p[1] + p[2]) / 3, 1e-12);
  EXPECT_NEAR(none.micro_precision.min, p[0], 1e-12);
  // Macro recall: (8 x mean rare recall + 18 x 0.9) / 26 for seed 1 of "none".
  EXPECT_NEAR(none.macro_recall.mean, (8 * 0.5 + 18 * 0.9) / 26, 1e-12);
  // Paired deltas against "none": +0.3 rare recall on every seed, so no spread.
  ASSERT_EQ(r.deltas.size(), 1u);
  EXPECT_EQ(r.deltas[0].scheme, "inverse_sqrt");
  EXPECT_EQ(r.deltas[0].baseline, "none");
  EXPECT_NEAR(r.deltas[0].rare_macro_recall.mean, 0.3, 1e-12);
  EXPECT_NEAR(r.deltas[0].rare_macro_recall.std, 0.0, 1e-12);
  EXPECT_LT(r.deltas[0].micro_precision.mean, 0);
}

TEST(CompareTest, BaselineIsFirstSchemeWithoutNoneAndTypesWithoutSupportAreLeftOut) {
  CompareOptions options = two_schemes();
  options.schemes = {"inverse", "effective", "inverse_sqrt"};
  options.seeds = {7};
  options.rare_types = 3;
  auto r = compare(options, [&](const std::string& scheme, uint64_t) {
    RunOutcome o = synthetic(scheme, 0);
    o.heldout.exact[0] = Prf{};  // type 0 absent from the held-out set
    return o;
  });
  EXPECT_EQ(r.rare_types, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(r.macro_types.size(), std::size_t(kNumTypes - 1));
  ASSERT_EQ(r.deltas.size(), 2u);
  EXPECT_EQ(r.deltas[0].baseline, "inverse");
  std::string table = r.to_table();
  EXPECT_NE(table.find("Not in the held-out set (left out of the tables and macro figures): " +
                       std::string(type_name(0))),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("no spread with one seed"), std::string::npos);
  EXPECT_EQ(table.find("±"), std::string::npos) << table;  // one seed: no spread shown
}

TEST(CompareTest, TableShowsSchemesSideBySideWithSpreadAndRareMarks) {
  auto r = run_synthetic(two_schemes());
  std::string table = r.to_table();
  for (const char* s : {"Recall\n", "Precision\n", "F1\n", "Summary", "micro precision",
                        "macro F1 (26)", "rare macro recall (8)", "Paired differences against none",
                        "mean±std over seeds", "held-out set: synthetic"}) {
    EXPECT_NE(table.find(s), std::string::npos) << s << "\n" << table;
  }
  // Row of the rarest type in the recall block: marked, counts, then none and inverse_sqrt cells.
  std::string rarest = "*" + std::string(type_name(0));
  std::size_t row = table.find(rarest);
  ASSERT_NE(row, std::string::npos);
  std::string line = table.substr(row, table.find('\n', row) - row);
  EXPECT_NE(line.find(" 100 "), std::string::npos) << line;  // training B- count
  EXPECT_NE(line.find("0.500±0.100"), std::string::npos) << line;
  EXPECT_NE(line.find("0.800±0.100"), std::string::npos) << line;
  // Exactly 8 rare marks per block (3 blocks).
  EXPECT_EQ(count_occurrences(table, "\n*"), 3u * kRare);
  EXPECT_NE(table.find("+0.300±0.000"), std::string::npos) << table;
}

TEST(CompareTest, JsonHoldsAggregatesRunsAndDefinitions) {
  auto r = run_synthetic(two_schemes());
  auto j = nlohmann::json::parse(r.to_json());
  EXPECT_EQ(j["options"]["schemes"], nlohmann::json({"none", "inverse_sqrt"}));
  EXPECT_EQ(j["rare_types"].size(), 8u);
  EXPECT_EQ(j["rare_types"][0], std::string(type_name(0)));
  EXPECT_NEAR(j["schemes"][1]["rare_macro_recall"]["mean"].get<double>(), 0.8, 1e-12);
  EXPECT_NEAR(j["schemes"][0]["per_type"][std::string(type_name(3))]["recall"]["std"].get<double>(),
              0.1, 1e-12);
  EXPECT_EQ(j["runs"].size(), 6u);
  EXPECT_EQ(j["runs"][0]["curve"].size(), 3u);
  EXPECT_EQ(j["runs"][0]["per_type"][std::string(type_name(0))]["tp"], 4);
  EXPECT_NEAR(j["deltas"][0]["rare_macro_recall"]["mean"].get<double>(), 0.3, 1e-12);
  EXPECT_TRUE(j["definitions"].contains("spread"));
}

TEST(CompareTest, RejectsBadOptionsBeforeAnyRun) {
  int calls = 0;
  auto count = [&](const std::string& s, uint64_t) {
    ++calls;
    return synthetic(s, 0);
  };
  auto options = two_schemes();
  options.seeds = {1, 1};
  try {
    compare(options, count);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "compare: seed 1 is listed twice");
  }
  options = two_schemes();
  options.schemes = {"none", "none"};
  EXPECT_THROW(compare(options, count), ConfigError);
  options.schemes = {"none", "sqrt_inverse"};
  EXPECT_THROW(compare(options, count), ConfigError);
  options.schemes = {};
  EXPECT_THROW(compare(options, count), ConfigError);
  options = two_schemes();
  options.rare_types = 0;
  EXPECT_THROW(compare(options, count), ConfigError);
  EXPECT_EQ(calls, 0);
}

TEST(CompareTest, SummarizeRejectsMissingRunsAndDifferentHeldOutSets) {
  auto options = two_schemes();
  std::vector<RunRecord> runs;
  for (const auto& s : options.schemes) {
    for (uint64_t seed : options.seeds) runs.push_back({s, seed, synthetic(s, seed - 1)});
  }
  auto missing = runs;
  missing.pop_back();
  try {
    summarize(options, missing);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "compare: no run for scheme inverse_sqrt seed 3");
  }
  runs[4].outcome.heldout.exact[2].fn += 1;
  try {
    summarize(options, runs);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("not evaluated on the same held-out set"),
              std::string::npos)
        << e.what();
  }
}

TEST(CompareTest, WritesJsonAndWellFormedPictures) {
  namespace fs = std::filesystem;
  auto r = run_synthetic(two_schemes());
  fs::path dir = fs::path(PIIKIT_BINARY_DIR) / "compare_test_out";
  fs::remove_all(dir);
  auto files = write_compare_outputs(r, dir.string());
  ASSERT_EQ(files.size(), 4u);
  for (const auto& f : files) {
    ASSERT_TRUE(fs::exists(f)) << f;
    std::string content = read_file(f);
    if (f.ends_with(".svg")) {
      EXPECT_EQ(xml_problem(content), "") << f;
      if (have_tool("xmllint")) {
        EXPECT_EQ(std::system(("xmllint --noout '" + f + "' 2>/dev/null").c_str()), 0) << f;
      }
      if (have_tool("rsvg-convert")) {
        std::string png = f + ".png";
        EXPECT_EQ(std::system(("rsvg-convert -o '" + png + "' '" + f + "' 2>/dev/null").c_str()), 0)
            << f;
        EXPECT_GT(fs::file_size(png), 1000u) << png;
      }
    }
  }
  std::string recall = read_file((dir / "recall.svg").string());
  // 26 types x 2 schemes bars; the 8 rare types highlighted.
  EXPECT_EQ(count_occurrences(recall, "</title></rect>"), 52u);
  EXPECT_EQ(count_occurrences(recall, "font-weight=\"bold\">*"), 8u);
  EXPECT_NE(recall.find("whiskers: min..max"), std::string::npos);
  std::string curves = read_file((dir / "curves.svg").string());
  EXPECT_EQ(count_occurrences(curves, "<path "), 12u);  // 6 runs x (loss, F1)
  EXPECT_NO_THROW(nlohmann::json::parse(read_file((dir / "compare.json").string())));
}

}  // namespace
}  // namespace piikit
