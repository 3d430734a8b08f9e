#include "piikit/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "piikit/error.h"
#include "piikit/label_set.h"

namespace piikit {
namespace {

constexpr int kSurname = 0;  // type indices by name, checked below
int type(const char* name) { return *type_from_name(name); }

TEST(PrfTest, Ratios) {
  Prf p{3, 1, 2};
  EXPECT_DOUBLE_EQ(p.precision(), 0.75);
  EXPECT_DOUBLE_EQ(p.recall(), 0.6);
  EXPECT_NEAR(p.f1(), 2 * 0.75 * 0.6 / 1.35, 1e-12);
  EXPECT_EQ(p.support(), 5u);
  Prf zero;
  EXPECT_EQ(zero.precision(), 0.0);
  EXPECT_EQ(zero.recall(), 0.0);
  EXPECT_EQ(zero.f1(), 0.0);
  EXPECT_TRUE(zero.empty());
}

TEST(EvaluatorTest, ExactMatchNeedsSameStartEndAndType) {
  const int email = type("EMAIL"), phone = type("PHONENUMBER");
  Evaluator ev;
  ev.add_spans({{0, 5, email}, {10, 15, email}, {20, 30, phone}},
               {{0, 5, email}, {10, 14, email}, {20, 30, email}});
  const EvalReport r = ev.report();
  EXPECT_EQ(r.exact[email], (Prf{1, 2, 1}));
  EXPECT_EQ(r.exact[phone], (Prf{0, 0, 1}));
  EXPECT_EQ(r.exact_micro, (Prf{1, 2, 2}));
  // Relaxed: [10,15) and [10,14) overlap with the same type; the phone/email pair does not count.
  EXPECT_EQ(r.relaxed[email], (Prf{2, 1, 0}));
  EXPECT_EQ(r.relaxed[phone], (Prf{0, 0, 1}));
  EXPECT_EQ(r.confusions[phone][email], 1u);
  EXPECT_EQ(r.samples, 1u);
}

TEST(EvaluatorTest, DuplicatePredictionIsAFalsePositive) {
  const int t = type("SSN");
  Evaluator ev;
  ev.add_spans({{0, 9, t}}, {{0, 9, t}, {0, 9, t}});
  const EvalReport r = ev.report();
  EXPECT_EQ(r.exact[t], (Prf{1, 1, 0}));
  EXPECT_EQ(r.relaxed[t], (Prf{1, 1, 0}));
}

TEST(EvaluatorTest, RelaxedMatchingIsOneToOneByLargestOverlap) {
  const int t = type("STREET");
  // One long prediction overlapping two gold spans: it matches the one it overlaps most.
  const std::vector<Entity> gold = {{0, 4, t}, {5, 20, t}};
  const std::vector<Entity> pred = {{2, 18, t}};
  const auto pairs = match_relaxed(gold, pred);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0], (std::pair<std::size_t, std::size_t>{1, 0}));
  Evaluator ev;
  ev.add_spans(gold, pred);
  EXPECT_EQ(ev.report().relaxed[t], (Prf{1, 0, 1}));
  // Two predictions on one gold span: one matches, the other is a false positive.
  Evaluator ev2;
  ev2.add_spans({{0, 10, t}}, {{0, 3, t}, {4, 10, t}});
  EXPECT_EQ(ev2.report().relaxed[t], (Prf{1, 1, 0}));
  EXPECT_EQ(match_relaxed({{0, 10, t}}, {{0, 3, t}, {4, 10, t}})[0].second, 1u);
}

TEST(EvaluatorTest, TouchingSpansDoNotOverlap) {
  const int t = type("CITY");
  EXPECT_TRUE(match_relaxed({{0, 5, t}}, {{5, 9, t}}).empty());
}

TEST(EvaluatorTest, MacroAveragesOnlyTypesWithSupportOrPredictions) {
  const int a = type("EMAIL"), b = type("IBAN");
  Evaluator ev;
  ev.add_spans({{0, 5, a}, {10, 20, b}}, {{0, 5, a}});
  const EvalReport r = ev.report();
  // EMAIL F1 1.0, IBAN F1 0.0; the 24 absent types do not dilute the mean.
  EXPECT_DOUBLE_EQ(r.exact_macro_f1, 0.5);
  EXPECT_DOUBLE_EQ(r.exact_macro_precision, 0.5);  // EMAIL 1.0, IBAN 0 (no predictions)
  EXPECT_DOUBLE_EQ(r.exact_macro_recall, 0.5);
  EXPECT_NEAR(r.exact_micro.f1(), 2.0 / 3.0, 1e-12);
}

TEST(EvaluatorTest, TokenLevelPerLabel) {
  const int32_t B = begin_label(kSurname), I = inside_label(kSurname);
  const int32_t gold[] = {kIgnoreLabel, 0, B, I, 0, kIgnoreLabel};
  const int32_t pred[] = {B, 0, B, 0, I, 0};
  Evaluator ev;
  ev.add_tokens(gold, pred, 6);
  const EvalReport r = ev.report();
  EXPECT_EQ(r.tokens, 4u);
  EXPECT_EQ(r.token[0], (Prf{1, 1, 1}));
  EXPECT_EQ(r.token[B], (Prf{1, 0, 0}));
  EXPECT_EQ(r.token[I], (Prf{0, 1, 1}));
  EXPECT_EQ(r.token_micro, (Prf{1, 1, 1}));  // entity labels only
  EXPECT_DOUBLE_EQ(r.token_macro_f1, 0.5);
}

TEST(EvaluatorTest, RejectsLabelsOutOfRange) {
  const int32_t gold[] = {0, 60};
  const int32_t pred[] = {0, 0};
  Evaluator ev;
  EXPECT_THROW(ev.add_tokens(gold, pred, 2), std::out_of_range);
  EXPECT_THROW(ev.add_spans({{0, 1, 26}}, {}), std::out_of_range);
}

TEST(EvaluatorTest, MergeAddsCounts) {
  const int t = type("EMAIL");
  Evaluator a, b, both;
  a.add_spans({{0, 5, t}}, {{0, 5, t}});
  b.add_spans({{0, 5, t}}, {});
  both.add_spans({{0, 5, t}}, {{0, 5, t}});
  both.add_spans({{0, 5, t}}, {});
  a.merge(b);
  EXPECT_EQ(a.report().to_json(), both.report().to_json());
}

EvalReport sample_report() {
  const int email = type("EMAIL"), phone = type("PHONENUMBER"), city = type("CITY");
  Evaluator ev;
  ev.add_spans({{0, 5, email}, {10, 15, phone}, {20, 25, city}},
               {{0, 5, email}, {10, 15, city}, {21, 25, city}});
  ev.add_spans({{0, 5, phone}}, {{0, 5, city}});
  const int32_t gold[] = {0, begin_label(email), inside_label(email)};
  const int32_t pred[] = {0, begin_label(email), 0};
  ev.add_tokens(gold, pred, 3);
  return ev.report();
}

TEST(EvalReportTest, JsonRoundTrip) {
  const EvalReport r = sample_report();
  const EvalReport back = EvalReport::from_json(r.to_json());
  EXPECT_EQ(back.to_json(), r.to_json());
  EXPECT_EQ(back.exact, r.exact);
  EXPECT_EQ(back.relaxed, r.relaxed);
  EXPECT_EQ(back.token, r.token);
  EXPECT_EQ(back.confusions, r.confusions);
  EXPECT_DOUBLE_EQ(back.exact_macro_f1, r.exact_macro_f1);
  EXPECT_EQ(back.samples, 2u);
}

TEST(EvalReportTest, JsonIsKeyedByTypeName) {
  const std::string j = sample_report().to_json();
  EXPECT_THAT(j, testing::HasSubstr("\"EMAIL\":{"));
  EXPECT_THAT(j, testing::HasSubstr("\"B-EMAIL\":{"));
  EXPECT_THAT(j,
              testing::HasSubstr("{\"count\":2,\"gold\":\"PHONENUMBER\",\"predicted\":\"CITY\"}"));
}

TEST(EvalReportTest, FromJsonErrorsNameTheField) {
  auto message = [](const std::string& json) {
    try {
      EvalReport::from_json(json);
    } catch (const DataError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_THAT(message("{"), testing::HasSubstr("malformed JSON"));
  EXPECT_THAT(message("[]"), testing::HasSubstr("expected a JSON object"));
  std::string j = sample_report().to_json();
  std::string bad = j;
  bad.replace(bad.find("\"EMAIL\":{"), 7, "\"EMALE\"");
  EXPECT_THAT(message(bad), testing::HasSubstr("exact.per_type: unknown type \"EMALE\""));
  std::string missing = j;
  missing.replace(missing.find("\"samples\""), 9, "\"sampels\"");
  EXPECT_THAT(message(missing), testing::HasSubstr("report.samples: expected a non-negative"));
}

TEST(EvalReportTest, TableListsTypesMicroMacroAndConfusions) {
  const std::string t = sample_report().to_table();
  EXPECT_THAT(t, testing::HasSubstr("EMAIL"));
  EXPECT_THAT(t, testing::HasSubstr("PHONENUMBER"));
  EXPECT_THAT(t, testing::Not(testing::HasSubstr("IBAN")));  // no support, no predictions
  EXPECT_THAT(t, testing::HasSubstr("micro"));
  EXPECT_THAT(t, testing::HasSubstr("macro"));
  EXPECT_THAT(t, testing::HasSubstr("2  PHONENUMBER -> CITY"));
}

TEST(EvalReportTest, TopConfusionsOrder) {
  const EvalReport r = sample_report();
  const auto top = r.top_confusions(5);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].count, 2u);
  EXPECT_EQ(type_name(top[0].gold_type), "PHONENUMBER");
  EXPECT_EQ(type_name(top[0].predicted_type), "CITY");
}

TEST(LabelSchemaTest, SurnameIsTypeZero) { EXPECT_EQ(type("SURNAME"), kSurname); }

}  // namespace
}  // namespace piikit
