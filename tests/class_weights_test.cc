// Class weights: every scheme pinned against independently computed values
// (tests/class_weights_expected.py, 50-digit decimal arithmetic), normalization, absent labels,
// o_weight / max_weight, the [class_weights] override table and the JSON / TOML renderings.
#include "piikit/class_weights.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "piikit/error.h"

namespace piikit {
namespace {

using ::testing::HasSubstr;
using Expected = std::map<int, double>;

// The issue's count table.
LabelCounts issue_counts() {
  LabelCounts counts{};
  const std::pair<const char*, uint64_t> table[] = {{"O", 800000},
                                                    {"B-FIRSTNAME", 25000},
                                                    {"I-FIRSTNAME", 12000},
                                                    {"B-SURNAME", 24000},
                                                    {"I-SURNAME", 10000},
                                                    {"B-EMAIL", 5000},
                                                    {"I-EMAIL", 15000},
                                                    {"B-SSN", 1200},
                                                    {"I-SSN", 3600},
                                                    {"B-IBAN", 800},
                                                    {"I-IBAN", 4000},
                                                    {"B-SECURITYTOKEN", 500},
                                                    {"I-SECURITYTOKEN", 2000}};
  for (const auto& [name, n] : table) counts[*label_from_name(name)] = n;
  return counts;
}

void expect_close(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::abs(expected)) << what;
}

// Checks every present label against `expected`, and every other entity label at 1.0.
void expect_weights(const ClassWeights& cw, const Expected& expected, double o_weight = 1.0) {
  ASSERT_EQ(cw.weights.size(), static_cast<std::size_t>(kNumLabels));
  EXPECT_EQ(cw.weights[0], o_weight) << "O";
  for (int c = 1; c < kNumLabels; ++c) {
    auto it = expected.find(c);
    if (it == expected.end()) {
      EXPECT_EQ(cw.weights[c], 1.0) << label_name(c) << " is absent and must keep 1.0";
    } else {
      expect_close(cw.weights[c], it->second, label_name(c));
    }
  }
}

double present_entity_mean(const ClassWeights& cw) {
  double sum = 0;
  int n = 0;
  for (int c = 1; c < kNumLabels; ++c) {
    if (cw.counts[c] == 0) continue;
    sum += cw.weights[c];
    ++n;
  }
  return sum / n;
}

// Pasted from `/usr/bin/python3 tests/class_weights_expected.py` (N = 903100, K = 13).
// clang-format off
const Expected kInverseRaw = {{0, 8.68365384615384615e-2}, {1, 2.89455128205128205e+0}, {2, 6.94692307692307692e+0}, {3, 2.77876923076923077e+0}, {4, 5.78910256410256410e+0}, {9, 1.38938461538461538e+1}, {10, 4.63128205128205128e+0}, {27, 5.78910256410256410e+1}, {28, 1.92970085470085470e+1}, {43, 8.68365384615384615e+1}, {44, 1.73673076923076923e+1}, {47, 1.38938461538461538e+2}, {48, 3.47346153846153846e+1}};  // NOLINT
const Expected kInverse = {{1, 8.86088411932657281e-2}, {2, 2.12661218863837747e-1}, {3, 8.50644875455350989e-2}, {4, 1.77217682386531456e-1}, {9, 4.25322437727675495e-1}, {10, 1.41774145909225165e-1}, {27, 1.77217682386531456e+0}, {28, 5.90725607955104854e-1}, {43, 2.65826523579797184e+0}, {44, 5.31653047159594368e-1}, {47, 4.25322437727675495e+0}, {48, 1.06330609431918874e+0}};  // NOLINT
const Expected kInverseSqrtRaw = {{0, 2.94680400538513015e-1}, {1, 1.70133808575817230e+0}, {2, 2.63570162896392294e+0}, {3, 1.66696407602840403e+0}, {4, 2.40605539506108714e+0}, {9, 3.72744499004963906e+0}, {10, 2.15204136839468104e+0}, {27, 7.60861522492928019e+0}, {28, 4.39283604827320490e+0}, {43, 9.31861247512409766e+0}, {44, 4.16741019007101007e+0}, {47, 1.17872160215405206e+1}, {48, 5.89360801077026030e+0}};  // NOLINT
const Expected kInverseSqrt = {{1, 3.55322368194708250e-1}, {2, 5.50463045821233998e-1}, {3, 3.48143398509746245e-1}, {4, 5.02501712115482880e-1}, {9, 7.78472304985591585e-1}, {10, 4.49451194840099748e-1}, {27, 1.58904993841915375e+0}, {28, 9.17438409702056663e-1}, {43, 1.94618076246397896e+0}, {44, 8.70358496274365613e-1}, {47, 2.46174557911572154e+0}, {48, 1.23087278955786077e+0}};  // NOLINT
const Expected kEffectiveRaw = {{0, 1.00000000000000000e-3}, {1, 1.00000000003730074e-3}, {2, 1.00004517538670042e-3}, {3, 1.00000000001371531e-3}, {4, 1.00000610747030702e-3}, {9, 1.00676659097539788e-3}, {10, 1.00000030361520810e-3}, {27, 1.43064264983371370e-3}, {28, 1.02803931085100305e-3}, {43, 1.81537343089652645e-3}, {44, 1.01861936354286474e-3}, {47, 2.54051450486391916e-3}, {48, 1.15633662550230866e-3}};  // NOLINT
const Expected kEffective = {{1, 8.00195030871801279e-1}, {2, 8.00231179961907455e-1}, {3, 8.00195030852928338e-1}, {4, 8.00199918009344105e-1}, {9, 8.05609623316206807e-1}, {10, 8.00195273793334220e-1}, {27, 1.14479313930750250e+0}, {28, 8.22631948053158918e-1}, {43, 1.45265279852590877e+0}, {44, 8.15094153026393606e-1}, {47, 2.03290708257401380e+0}, {48, 9.25294821707500209e-1}};  // NOLINT
const Expected kEffective9999Raw = {{0, 1.00000000000000000e-4}, {1, 1.09975560545644280e-4}, {2, 1.58193067261104926e-4}, {3, 1.08941331211823716e-4}, {4, 1.43097575320779001e-4}, {9, 2.54139613855372583e-4}, {10, 1.28718918829186912e-4}, {27, 8.84291476021793547e-4}, {28, 3.30757577631114990e-4}, {43, 1.30060412784956157e-3}, {44, 3.03312143316339438e-4}, {47, 2.05031666847195700e-3}, {48, 5.51640639368479396e-4}};  // NOLINT
const Expected kEffective9999 = {{1, 2.08682650968976418e-1}, {2, 3.00177134603097571e-1}, {3, 2.06720162957815272e-1}, {4, 2.71532886188645658e-1}, {9, 4.82239218172111051e-1}, {10, 2.44248859272571344e-1}, {27, 1.67797543863308559e+0}, {28, 6.27624608464628996e-1}, {43, 2.46794393149005606e+0}, {44, 5.75545892417301558e-1}, {47, 3.89055091494647617e+0}, {48, 1.04675830188523430e+0}};  // NOLINT
// clang-format on

ClassWeightOptions options_for(WeightScheme scheme, double beta = 0.999) {
  ClassWeightOptions options;
  options.scheme = scheme;
  options.beta = beta;
  return options;
}

TEST(ClassWeightsTest, SchemeNamesRoundTrip) {
  for (auto scheme : {WeightScheme::kNone, WeightScheme::kInverse, WeightScheme::kInverseSqrt,
                      WeightScheme::kEffective}) {
    EXPECT_EQ(parse_weight_scheme(scheme_name(scheme)), scheme) << scheme_name(scheme);
  }
  EXPECT_EQ(ClassWeightOptions{}.scheme, WeightScheme::kInverseSqrt);
  EXPECT_EQ(ClassWeightOptions{}.beta, 0.999);
  try {
    parse_weight_scheme("balanced");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("class_weight_scheme = \"balanced\""));
    EXPECT_THAT(e.what(), HasSubstr("inverse_sqrt"));
  }
}

TEST(ClassWeightsTest, RawWeightsMatchReference) {
  const LabelCounts counts = issue_counts();
  const std::pair<std::vector<double>, const Expected*> cases[] = {
      {raw_class_weights(counts, WeightScheme::kInverse, 0.999), &kInverseRaw},
      {raw_class_weights(counts, WeightScheme::kInverseSqrt, 0.999), &kInverseSqrtRaw},
      {raw_class_weights(counts, WeightScheme::kEffective, 0.999), &kEffectiveRaw},
      {raw_class_weights(counts, WeightScheme::kEffective, 0.9999), &kEffective9999Raw},
  };
  for (const auto& [raw, expected] : cases) {
    ASSERT_EQ(raw.size(), static_cast<std::size_t>(kNumLabels));
    for (int c = 0; c < kNumLabels; ++c) {
      auto it = expected->find(c);
      if (it == expected->end()) {
        EXPECT_EQ(raw[c], 0.0) << label_name(c);
      } else {
        expect_close(raw[c], it->second, label_name(c));
      }
    }
  }
  for (double w : raw_class_weights(counts, WeightScheme::kNone, 0.999)) EXPECT_EQ(w, 1.0);
}

TEST(ClassWeightsTest, InverseRawIsScikitLearnBalanced) {
  // sklearn.utils.class_weight.compute_class_weight("balanced", classes=unique(y), y=y) is
  // n_samples / (n_classes * np.bincount(y)) over the classes present in y.
  const LabelCounts counts = issue_counts();
  double n_samples = 0;
  int n_classes = 0;
  for (uint64_t n : counts) {
    n_samples += static_cast<double>(n);
    n_classes += n > 0;
  }
  ASSERT_EQ(n_samples, 903100.0);
  ASSERT_EQ(n_classes, 13);
  const std::vector<double> raw = raw_class_weights(counts, WeightScheme::kInverse, 0.999);
  for (int c = 0; c < kNumLabels; ++c) {
    if (counts[c] == 0) continue;
    expect_close(raw[c], n_samples / (n_classes * static_cast<double>(counts[c])), label_name(c));
  }
}

TEST(ClassWeightsTest, NormalizedWeightsMatchReference) {
  const LabelCounts counts = issue_counts();
  const std::pair<ClassWeightOptions, const Expected*> cases[] = {
      {options_for(WeightScheme::kInverse), &kInverse},
      {options_for(WeightScheme::kInverseSqrt), &kInverseSqrt},
      {options_for(WeightScheme::kEffective), &kEffective},
      {options_for(WeightScheme::kEffective, 0.9999), &kEffective9999},
  };
  for (const auto& [options, expected] : cases) {
    SCOPED_TRACE(scheme_name(options.scheme) + " beta " + std::to_string(options.beta));
    const ClassWeights cw = compute_class_weights(counts, options);
    expect_weights(cw, *expected);
    EXPECT_EQ(cw.source, scheme_name(options.scheme));
    EXPECT_EQ(cw.total, 903100u);
    EXPECT_EQ(cw.num_classes, 13);
    EXPECT_EQ(cw.counts, counts);
    expect_close(present_entity_mean(cw), 1.0, "mean of the present entity weights");
  }
}

TEST(ClassWeightsTest, TypeGranularitySharesOneWeightPerType) {
  // Classes O + 6 types: n_t = B + I (FIRSTNAME 37000, SURNAME 34000, EMAIL 20000, SSN 4800,
  // IBAN 4800, SECURITYTOKEN 2500), N = 903100, K = 7; w_t = sqrt(N / (K n_t)) over their mean
  // (python: math.sqrt(903100 / (7 * n)) / mean).
  ClassWeightOptions options;
  options.granularity = WeightGranularity::kType;
  const ClassWeights cw = compute_class_weights(issue_counts(), options);
  const Expected per_type = {{0, 1.0},
                             {*label_from_name("B-FIRSTNAME"), 0.4686333500601905},
                             {*label_from_name("B-SURNAME"), 0.48887135987423264},
                             {*label_from_name("B-EMAIL"), 0.6374102690253575},
                             {*label_from_name("B-SSN"), 1.301108263268566},
                             {*label_from_name("B-IBAN"), 1.301108263268566},
                             {*label_from_name("B-SECURITYTOKEN"), 1.8028684945030873}};
  for (const auto& [label, w] : per_type) {
    expect_close(cw.weights[label], w, label_name(label));
    if (label != 0) expect_close(cw.weights[label + 1], w, label_name(label + 1) + " shares its type's weight");
  }
  expect_close(present_entity_mean(cw), 1.0, "mean of the present entity weights");
  EXPECT_EQ(cw.granularity, "type");
  EXPECT_NE(cw.to_table().find("per type"), std::string::npos);
  EXPECT_NE(cw.to_json().find("\"granularity\": \"type\""), std::string::npos);
  EXPECT_EQ(ClassWeights::from_json(cw.to_json(), "cw.json").granularity, "type");
  // Label granularity (the default) keeps the 53-class formula: B-EMAIL and I-EMAIL differ.
  const ClassWeights by_label = compute_class_weights(issue_counts(), ClassWeightOptions{});
  EXPECT_EQ(by_label.granularity, "label");
  EXPECT_GT(by_label.weights[*label_from_name("B-EMAIL")], 1.5 * by_label.weights[*label_from_name("I-EMAIL")]);
  EXPECT_THROW(parse_weight_granularity("token"), ConfigError);
}

TEST(ClassWeightsTest, DefaultSchemeIsInverseSqrt) {
  expect_weights(compute_class_weights(issue_counts(), ClassWeightOptions{}), kInverseSqrt);
}

TEST(ClassWeightsTest, RareLabelsOutweighFrequentOnes) {
  const ClassWeights cw = compute_class_weights(issue_counts(), ClassWeightOptions{});
  const int b_firstname = *label_from_name("B-FIRSTNAME");
  for (const char* rare : {"B-IBAN", "B-SSN", "B-SECURITYTOKEN"}) {
    EXPECT_GT(cw.weights[*label_from_name(rare)], 4 * cw.weights[b_firstname]) << rare;
  }
}

TEST(ClassWeightsTest, NoneIsAllOnes) {
  const ClassWeights cw = compute_class_weights(issue_counts(), options_for(WeightScheme::kNone));
  for (int c = 0; c < kNumLabels; ++c) EXPECT_EQ(cw.weights[c], 1.0) << label_name(c);
  EXPECT_TRUE(cw.warnings.empty());
  EXPECT_EQ(cw.source, "none");
}

TEST(ClassWeightsTest, EffectiveSaturatesForLargeCounts) {
  // (1 - beta) / (1 - beta^n) -> 1 - beta as n grows: beyond a few thousand samples (beta 0.999)
  // more data no longer lowers the weight, unlike inverse frequency.
  LabelCounts counts{};
  counts[0] = 50'000'000;
  counts[1] = 100'000;     // B-SURNAME
  counts[2] = 10'000'000;  // I-SURNAME
  counts[27] = 100;        // B-SSN
  const std::vector<double> raw = raw_class_weights(counts, WeightScheme::kEffective, 0.999);
  for (int c : {0, 1, 2}) expect_close(raw[c], 1.0 - 0.999, label_name(c));
  EXPECT_GT(raw[27], 9 * (1.0 - 0.999));  // (1-b)/(1-b^100) = 0.001/0.0952 ~ 0.0105
  const ClassWeights cw = compute_class_weights(counts, options_for(WeightScheme::kEffective));
  EXPECT_EQ(cw.weights[1], cw.weights[2]) << "saturated labels get the same weight";
  const ClassWeights inv = compute_class_weights(counts, options_for(WeightScheme::kInverse));
  EXPECT_GT(inv.weights[1], 50 * inv.weights[2]) << "inverse does not saturate";
}

TEST(ClassWeightsTest, AbsentLabelsKeepOneAndAreNamedInWarnings) {
  const ClassWeights cw = compute_class_weights(issue_counts(), ClassWeightOptions{});
  ASSERT_EQ(cw.warnings.size(), static_cast<std::size_t>(kNumLabels - 13));
  const int b_password = *label_from_name("B-PASSWORD");
  EXPECT_EQ(cw.weights[b_password], 1.0);
  bool named = false;
  for (const auto& w : cw.warnings) named |= w.find("B-PASSWORD (id 41)") != std::string::npos;
  EXPECT_TRUE(named) << cw.warnings.front();
  EXPECT_THAT(cw.warnings.front(), HasSubstr("B-BUILDINGNUM (id 5) is absent"));
}

TEST(ClassWeightsTest, AbsentLabelsDoNotShiftTheNormalization) {
  // Adding absent labels (count 0) must not change the weights of the present ones.
  LabelCounts counts{};
  counts[0] = 1000;
  counts[27] = 10;  // B-SSN
  counts[28] = 40;  // I-SSN
  const ClassWeights cw = compute_class_weights(counts, options_for(WeightScheme::kInverse));
  // raw: N/(K n) = 1050/(3*10) = 35 and 1050/(3*40) = 8.75; mean 21.875.
  expect_close(cw.weights[27], 35.0 / 21.875, "B-SSN");
  expect_close(cw.weights[28], 8.75 / 21.875, "I-SSN");
  EXPECT_EQ(cw.weights[1], 1.0);
}

TEST(ClassWeightsTest, SingleEntityLabelGetsOne) {
  LabelCounts counts{};
  counts[0] = 500;
  counts[43] = 7;
  const ClassWeights cw = compute_class_weights(counts, options_for(WeightScheme::kInverse));
  EXPECT_DOUBLE_EQ(cw.weights[43], 1.0);
  EXPECT_EQ(cw.weights[0], 1.0);
}

TEST(ClassWeightsTest, NoCountedTokensGivesOnesAndOneWarning) {
  const ClassWeights cw = compute_class_weights(LabelCounts{}, ClassWeightOptions{});
  for (double w : cw.weights) EXPECT_EQ(w, 1.0);
  ASSERT_EQ(cw.warnings.size(), 1u);
  EXPECT_THAT(cw.warnings[0], HasSubstr("no labelled tokens"));
}

TEST(ClassWeightsTest, OWeightLowersOOnly) {
  ClassWeightOptions options = options_for(WeightScheme::kInverseSqrt);
  options.o_weight = 0.25;
  const ClassWeights cw = compute_class_weights(issue_counts(), options);
  expect_weights(cw, kInverseSqrt, 0.25);
  EXPECT_EQ(cw.o_weight, 0.25);
}

TEST(ClassWeightsTest, MaxWeightCapsAfterNormalization) {
  ClassWeightOptions options = options_for(WeightScheme::kInverse);
  options.max_weight = 2.0;
  const ClassWeights cw = compute_class_weights(issue_counts(), options);
  Expected capped = kInverse;
  capped[43] = 2.0;  // B-IBAN 2.658...
  capped[47] = 2.0;  // B-SECURITYTOKEN 4.253...
  expect_weights(cw, capped);
  // The cap is applied after normalization and not renormalized: the mean drops below 1.0.
  EXPECT_LT(present_entity_mean(cw), 1.0);
}

TEST(ClassWeightsTest, OWeightAndCapTogether) {
  ClassWeightOptions options = options_for(WeightScheme::kInverseSqrt);
  options.o_weight = 0.5;
  options.max_weight = 1.5;
  const ClassWeights cw = compute_class_weights(issue_counts(), options);
  Expected capped = kInverseSqrt;
  for (auto& [c, w] : capped) w = std::min(w, 1.5);
  expect_weights(cw, capped, 0.5);
}

TEST(ClassWeightsTest, BadOptionsNameKeyAndValue) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  struct Case {
    double beta, o_weight, max_weight;
    const char* message;
  } cases[] = {
      {1.0, 1.0, 0.0, "class_weight_beta = 1.0: must be in [0, 1)"},
      {-0.5, 1.0, 0.0, "class_weight_beta = -0.5"},
      {nan, 1.0, 0.0, "class_weight_beta = nan"},
      {0.999, 1.5, 0.0, "o_weight = 1.5: must be in (0, 1]"},
      {0.999, 0.0, 0.0, "o_weight = 0.0"},
      {0.999, -1.0, 0.0, "o_weight = -1.0"},
      {0.999, nan, 0.0, "o_weight = nan"},
      {0.999, 1.0, 0.5, "max_weight = 0.5: must be 0 (no cap) or at least 1.0"},
      {0.999, 1.0, -2.0, "max_weight = -2.0"},
      {0.999, 1.0, inf, "max_weight = inf"},
  };
  for (const auto& c : cases) {
    ClassWeightOptions options;
    options.beta = c.beta;
    options.o_weight = c.o_weight;
    options.max_weight = c.max_weight;
    try {
      compute_class_weights(issue_counts(), options);
      ADD_FAILURE() << "expected ConfigError: " << c.message;
    } catch (const ConfigError& e) {
      EXPECT_THAT(e.what(), HasSubstr(c.message));
    }
  }
  EXPECT_THROW(raw_class_weights(issue_counts(), WeightScheme::kEffective, 1.0), ConfigError);
  // beta 0 is allowed: every present label gets (1 - 0) / (1 - 0^n) = 1.
  for (double w : raw_class_weights(issue_counts(), WeightScheme::kEffective, 0.0)) {
    EXPECT_TRUE(w == 0.0 || w == 1.0) << w;
  }
}

// --- [class_weights] override table -------------------------------------------------------

ClassWeights from_toml_text(const std::string& text) {
  const toml::table root = toml::parse(std::string_view(text), std::string_view("train.toml"));
  const toml::table* table = root["class_weights"].as_table();
  if (table == nullptr) throw std::runtime_error("test input has no [class_weights] table");
  return class_weights_from_toml(*table);
}

TEST(ClassWeightsTomlTest, AcceptsIdsNamesAndTypes) {
  const ClassWeights cw = from_toml_text(
      "[class_weights]\n"
      "17 = 3.5\n"  // B-COMPANYNAME (type 8)
      "\"B-SSN\" = 2.25\n"
      "I-SSN = 2\n"  // bare key with '-' and an integer value
      "IBAN = 4.0\n"
      "O = 0.5\n");
  EXPECT_EQ(cw.source, "config");
  EXPECT_EQ(cw.weights[17], 3.5);
  EXPECT_EQ(cw.weights[*label_from_name("B-SSN")], 2.25);
  EXPECT_EQ(cw.weights[*label_from_name("I-SSN")], 2.0);
  EXPECT_EQ(cw.weights[*label_from_name("B-IBAN")], 4.0);
  EXPECT_EQ(cw.weights[*label_from_name("I-IBAN")], 4.0);
  EXPECT_EQ(cw.weights[0], 0.5);
  int ones = 0;
  for (double w : cw.weights) ones += w == 1.0;
  EXPECT_EQ(ones, kNumLabels - 6) << "labels the table leaves out keep 1.0";
}

TEST(ClassWeightsTomlTest, EmptyTableIsAllOnes) {
  const ClassWeights cw = from_toml_text("[class_weights]\n");
  for (double w : cw.weights) EXPECT_EQ(w, 1.0);
}

TEST(ClassWeightsTomlTest, BadEntriesNameKeyValueAndLine) {
  const std::pair<const char*, const char*> cases[] = {
      {"FOO = 2.0", "train.toml:2: [class_weights] FOO = 2.0: unknown key"},
      {"ssn = 2.0", "[class_weights] ssn = 2.0: unknown key"},
      {"B-FOO = 2.0", "[class_weights] B-FOO = 2.0: unknown key"},
      {"53 = 2.0", "[class_weights] 53 = 2.0: unknown key (expected a label id 0-52"},
      {"017 = 2.0", "[class_weights] 017 = 2.0: unknown key"},
      {"-1 = 2.0", "[class_weights] -1 = 2.0: unknown key"},
      {"SSN = -1.0", "train.toml:2: [class_weights] SSN = -1.0: weight must be finite and > 0"},
      {"SSN = 0", "[class_weights] SSN = 0: weight must be finite and > 0"},
      {"SSN = 0.0", "[class_weights] SSN = 0.0: weight must be finite and > 0"},
      {"SSN = nan", "[class_weights] SSN = nan: weight must be finite and > 0"},
      {"SSN = inf", "[class_weights] SSN = inf: weight must be finite and > 0"},
      {"SSN = \"3\"", "[class_weights] SSN = '3': weight must be a number"},
      {"SSN = [3.0]", "[class_weights] SSN = [ 3.0 ]: weight must be a number"},
      {"SSN = true", "[class_weights] SSN = true: weight must be a number"},
      {"O = 1.5", "[class_weights] O = 1.5: the weight of O must be at most 1.0"},
      {"0 = 2", "[class_weights] 0 = 2: the weight of O must be at most 1.0"},
      {"SSN = 2.0\nB-SSN = 3.0",
       "train.toml:3: [class_weights] B-SSN = 3.0: label B-SSN (id 27) is already set by key SSN"},
      {"27 = 2.0\nSSN = 3.0",
       "[class_weights] SSN = 3.0: label B-SSN (id 27) is already set by "
       "key 27"},
  };
  for (const auto& [entry, message] : cases) {
    try {
      from_toml_text(std::string("[class_weights]\n") + entry + "\n");
      ADD_FAILURE() << "expected ConfigError for " << entry;
    } catch (const ConfigError& e) {
      EXPECT_THAT(e.what(), HasSubstr(message)) << entry;
    }
  }
}

TEST(ClassWeightsTomlTest, ToTomlReadsBackBitExactly) {
  const ClassWeights cw = compute_class_weights(issue_counts(), ClassWeightOptions{});
  const std::string text = cw.to_toml();
  EXPECT_THAT(text, HasSubstr("[class_weights]\n0 = 1.0  # O\n"));
  EXPECT_THAT(text, HasSubstr("  # B-SSN\n"));
  const ClassWeights back = from_toml_text(text);
  for (int c = 0; c < kNumLabels; ++c) EXPECT_EQ(back.weights[c], cw.weights[c]) << c;
}

TEST(ClassWeightsTomlTest, ResolvePrefersTheOverride) {
  const ClassWeights override_weights = from_toml_text("[class_weights]\nSSN = 3.0\n");
  const ClassWeights cw =
      resolve_class_weights(issue_counts(), ClassWeightOptions{}, override_weights);
  EXPECT_EQ(cw.source, "config");
  EXPECT_EQ(cw.weights[27], 3.0);
  EXPECT_EQ(cw.weights[1], 1.0);
  EXPECT_EQ(cw.total, 903100u) << "counts are attached for display";
  const ClassWeights computed = resolve_class_weights(issue_counts(), ClassWeightOptions{}, {});
  expect_weights(computed, kInverseSqrt);
}

// --- JSON and table ------------------------------------------------------------------------

TEST(ClassWeightsJsonTest, RoundTripsAndHasAllIds) {
  ClassWeightOptions options = options_for(WeightScheme::kEffective, 0.9999);
  options.o_weight = 0.75;
  const ClassWeights cw = compute_class_weights(issue_counts(), options);
  const std::string json = cw.to_json();
  const nlohmann::json root = nlohmann::json::parse(json);
  EXPECT_EQ(root["scheme"], "effective");
  EXPECT_EQ(root["beta"], 0.9999);
  EXPECT_EQ(root["total"], 903100);
  EXPECT_EQ(root["num_classes"], 13);
  EXPECT_EQ(root["weights"].size(), static_cast<std::size_t>(kNumLabels));
  EXPECT_EQ(root["counts"]["27"], 1200);
  EXPECT_EQ(root["weights"]["0"], 0.75);

  const ClassWeights back = ClassWeights::from_json(json, "class_weights.json");
  EXPECT_EQ(back.weights, cw.weights);
  EXPECT_EQ(back.counts, cw.counts);
  EXPECT_EQ(back.source, "effective");
  EXPECT_EQ(back.beta, 0.9999);
  EXPECT_EQ(back.o_weight, 0.75);
  EXPECT_EQ(back.total, cw.total);
  EXPECT_EQ(back.num_classes, 13);
}

TEST(ClassWeightsJsonTest, RejectsBadFilesNamingTheProblem) {
  nlohmann::json good = nlohmann::json::parse(ClassWeights{}.to_json());
  auto with = [&](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json j = good;
    edit(j);
    return j.dump();
  };
  const std::pair<std::string, const char*> cases[] = {
      {"{not json", "m/class_weights.json: invalid JSON"},
      {"[1, 2]", "m/class_weights.json: expected a JSON object"},
      {with([](auto& j) { j.erase("weights"); }), "m/class_weights.json: weights: missing"},
      {with([](auto& j) { j["weights"].erase("52"); }),
       "weights: missing label id \"52\" (I-USERNAME); expected all 53 ids"},
      {with([](auto& j) { j["weights"]["53"] = 1.0; }), "weights: bad label id \"53\""},
      {with([](auto& j) { j["weights"]["x"] = 1.0; }), "weights: bad label id \"x\""},
      {with([](auto& j) { j["weights"]["7"] = "2"; }),
       "weights[\"7\"]: expected a number, found \"2\""},
      {with([](auto& j) { j["weights"]["7"] = -2.0; }),
       "weights[\"7\"]: weight -2.0 must be finite and > 0"},
      {with([](auto& j) { j["weights"]["7"] = 0; }), "weights[\"7\"]: weight 0 must be finite"},
      {with([](auto& j) { j["weights"]["0"] = 1.5; }), "weights[\"0\"]: the weight of O is 1.5"},
      {with([](auto& j) { j["weights"] = 3; }), "weights: expected an object, found 3"},
      {with([](auto& j) { j["counts"]["3"] = -4; }),
       "counts[\"3\"]: expected a non-negative integer, found -4"},
      {with([](auto& j) { j["beta"] = "high"; }), "beta: expected a number, found \"high\""},
      {with([](auto& j) { j["scheme"] = 1; }), "scheme: expected a string, found 1"},
      {with([](auto& j) { j["granularity"] = "word"; }),
       "granularity: expected \"label\" or \"type\", found \"word\""},
      {with([](auto& j) { j["num_classes"] = 54; }), "num_classes: expected an integer in [0, 53]"},
  };
  for (const auto& [json, message] : cases) {
    try {
      ClassWeights::from_json(json, "m/class_weights.json");
      ADD_FAILURE() << "expected DataError: " << message;
    } catch (const DataError& e) {
      EXPECT_THAT(e.what(), HasSubstr(message));
      EXPECT_EQ(e.source(), "m/class_weights.json");
    }
  }
  // A value beyond double range is a parse error (nlohmann reports a number overflow).
  std::string huge = good.dump();
  huge.replace(huge.find("\"7\":1.0"), 7, "\"7\":1e999");
  try {
    ClassWeights::from_json(huge, "x.json");
    ADD_FAILURE() << "expected DataError for 1e999";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("x.json: invalid JSON"));
  }
}

TEST(ClassWeightsTableTest, HasOneRowPerLabelWithCountShareAndWeight) {
  const ClassWeights cw = compute_class_weights(issue_counts(), ClassWeightOptions{});
  const std::string table = cw.to_table();
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), kNumLabels + 2);
  EXPECT_THAT(table, HasSubstr("scheme inverse_sqrt; 903100 counted tokens, 13 of 53 labels"));
  EXPECT_THAT(table, HasSubstr(" id  label"));
  // B-SSN: 1200 / 903100 = 0.1329%, weight 1.589050.
  EXPECT_THAT(table, HasSubstr(" 27  B-SSN                        1200   0.1329%     1.589050\n"));
  EXPECT_THAT(table, HasSubstr("  0  O                          800000  88.5838%     1.000000\n"));
}

}  // namespace
}  // namespace piikit
