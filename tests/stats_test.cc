#include "piikit/stats.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace piikit {
namespace {

int T(std::string_view name) { return *type_from_name(name); }

Sample make(std::string text, std::vector<Entity> entities, std::string language = "") {
  Sample s;
  s.id = "s";
  s.text = std::move(text);
  s.entities = std::move(entities);
  s.language = std::move(language);
  return s;
}

// 4 samples: 6 EMAIL, 2 CITY, 1 AGE; one sample without entities.
std::vector<Sample> corpus() {
  return {
      make("a@b.c d@e.f g@h.i", {{0, 5, T("EMAIL")}, {6, 11, T("EMAIL")}, {12, 17, T("EMAIL")}},
           "en"),
      make("Šárka 😀 in Brno, x@y.z", {{11, 15, T("CITY")}, {17, 22, T("EMAIL")}}, "cs"),
      make("Oslo, 42, p@q.r s@t.u",
           {{0, 4, T("CITY")}, {6, 8, T("AGE")}, {10, 15, T("EMAIL")}, {16, 21, T("EMAIL")}}, "en"),
      make("nothing here", {}),
  };
}

TEST(StatsTest, CountsSharesAndImbalance) {
  auto s = compute_stats(corpus());
  EXPECT_EQ(s.samples, 4u);
  EXPECT_EQ(s.entities, 9u);
  EXPECT_EQ(s.samples_without_entities, 1u);
  EXPECT_EQ(s.entities_per_type[T("EMAIL")], 6u);
  EXPECT_EQ(s.entities_per_type[T("CITY")], 2u);
  EXPECT_EQ(s.entities_per_type[T("AGE")], 1u);
  EXPECT_DOUBLE_EQ(s.share(T("EMAIL")), 6.0 / 9.0);
  EXPECT_DOUBLE_EQ(s.share(T("SSN")), 0.0);
  EXPECT_EQ(s.most_frequent_type(), T("EMAIL"));
  EXPECT_EQ(s.least_frequent_type(), T("AGE"));
  EXPECT_DOUBLE_EQ(s.imbalance_ratio(), 6.0);
  EXPECT_EQ(s.absent_types().size(), 23u);
  EXPECT_EQ(s.languages, (std::map<std::string, std::size_t>{{"cs", 1}, {"en", 2}}));
}

TEST(StatsTest, Distributions) {
  auto s = compute_stats(corpus());
  // Entities per sample: 0, 2, 3, 4.
  EXPECT_DOUBLE_EQ(s.entities_per_sample.mean, 2.25);
  EXPECT_EQ(s.entities_per_sample.min, 0);
  EXPECT_EQ(s.entities_per_sample.median, 2);  // nearest rank: ceil(0.5*4) = 2nd smallest
  EXPECT_EQ(s.entities_per_sample.p95, 4);
  EXPECT_EQ(s.entities_per_sample.max, 4);
  // Text lengths in code points (not bytes): 17, 22, 21, 12.
  EXPECT_EQ(s.text_length.min, 12);
  EXPECT_EQ(s.text_length.max, 22);
  EXPECT_EQ(s.text_length.median, 17);
  EXPECT_DOUBLE_EQ(s.text_length.mean, (17 + 22 + 21 + 12) / 4.0);
}

TEST(StatsTest, EmptyAndNoEntities) {
  auto none = compute_stats({});
  EXPECT_EQ(none.samples, 0u);
  EXPECT_EQ(none.text_length.max, 0);
  EXPECT_EQ(none.imbalance_ratio(), 0.0);
  EXPECT_EQ(none.most_frequent_type(), -1);
  auto j = nlohmann::json::parse(to_json(none));
  EXPECT_TRUE(j["imbalance"]["ratio"].is_null());
  EXPECT_NE(to_table(none).find("imbalance ratio:          n/a (no entities)"), std::string::npos);
}

TEST(StatsTest, JsonHasEveryFigure) {
  SkipReport skips;
  skips.samples_skipped = {{"malformed JSON", 2}};
  skips.entities_dropped = {{"unknown label \"X\"", 5}};
  auto j = nlohmann::json::parse(to_json(compute_stats(corpus(), skips)));
  EXPECT_EQ(j["samples"], 4);
  EXPECT_EQ(j["entities"], 9);
  ASSERT_EQ(j["per_type"].size(), 26u);
  EXPECT_EQ(j["per_type"][T("EMAIL")]["type"], "EMAIL");
  EXPECT_EQ(j["per_type"][T("EMAIL")]["count"], 6);
  EXPECT_DOUBLE_EQ(j["per_type"][T("EMAIL")]["share"].get<double>(), 6.0 / 9.0);
  EXPECT_DOUBLE_EQ(j["imbalance"]["ratio"].get<double>(), 6.0);
  EXPECT_EQ(j["imbalance"]["most_frequent"], "EMAIL");
  EXPECT_EQ(j["imbalance"]["least_frequent"], "AGE");
  EXPECT_EQ(j["imbalance"]["absent_types"].size(), 23u);
  EXPECT_EQ(j["entities_per_sample"]["max"], 4);
  EXPECT_EQ(j["text_length_codepoints"]["max"], 22);
  EXPECT_EQ(j["skipped"]["samples_total"], 2);
  EXPECT_EQ(j["skipped"]["samples"]["malformed JSON"], 2);
  EXPECT_EQ(j["skipped"]["entities_dropped_total"], 5);
  EXPECT_EQ(j["languages"]["en"], 2);
}

TEST(StatsTest, TableListsTypesByCountWithShares) {
  SkipReport skips;
  skips.samples_skipped = {{"empty text", 1}};
  std::string table = to_table(compute_stats(corpus(), skips));
  EXPECT_NE(table.find("samples:                  4\n"), std::string::npos) << table;
  EXPECT_NE(table.find("entities:                 9\n"), std::string::npos);
  auto email = table.find("  EMAIL                      6  66.67%\n");
  auto city = table.find("  CITY                       2  22.22%\n");
  auto age = table.find("  AGE                        1  11.11%\n");
  ASSERT_NE(email, std::string::npos) << table;
  ASSERT_NE(city, std::string::npos) << table;
  ASSERT_NE(age, std::string::npos) << table;
  EXPECT_LT(email, city);
  EXPECT_LT(city, age);
  EXPECT_NE(table.find("imbalance ratio:          6.00 (EMAIL 6 / AGE 1, types present)\n"),
            std::string::npos);
  EXPECT_NE(table.find("entities per sample:      mean 2.25, min 0, median 2, p95 4, max 4\n"),
            std::string::npos);
  EXPECT_NE(table.find("languages:                cs 1, en 2\n"), std::string::npos);
  EXPECT_NE(table.find("samples skipped: 1\n  empty text: 1\n"), std::string::npos);
}

}  // namespace
}  // namespace piikit
