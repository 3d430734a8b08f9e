#include "piikit/data_split.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "piikit/error.h"
#include "piikit/label_set.h"

namespace piikit {
namespace {

Sample make_sample(int index, std::vector<int> types) {
  Sample s;
  s.id = "s" + std::to_string(index);
  s.text = "sample " + std::to_string(index);
  int64_t pos = 0;
  for (int t : types) {
    s.entities.push_back({pos, pos + 1, t});
    pos += 2;
  }
  return s;
}

// 200 samples: types 0-4 frequent, type 20 in exactly 2 samples, type 21 in exactly 1.
std::vector<Sample> corpus() {
  std::vector<Sample> samples;
  for (int i = 0; i < 200; ++i) samples.push_back(make_sample(i, {i % 5}));
  samples[17].entities.push_back({10, 11, 20});
  samples[123].entities.push_back({10, 11, 20});
  samples[150].entities.push_back({10, 11, 21});
  samples[151] = make_sample(151, {});
  return samples;
}

std::set<int> types_in(const std::vector<Sample>& samples) {
  std::set<int> types;
  for (const Sample& s : samples) {
    for (const Entity& e : s.entities) types.insert(e.type);
  }
  return types;
}

TEST(DataSplitTest, SizesAndPartition) {
  DataSplit split = split_train_validation(corpus(), 0.1, 42);
  EXPECT_EQ(split.validation.size(), 20u);
  EXPECT_EQ(split.train.size(), 180u);
  std::set<std::string> ids;
  for (const Sample& s : split.train) ids.insert(s.id);
  for (const Sample& s : split.validation) ids.insert(s.id);
  EXPECT_EQ(ids.size(), 200u) << "every sample exactly once";
}

TEST(DataSplitTest, EveryTypeWithTwoSamplesIsValidated) {
  for (uint64_t seed : {1u, 2u, 3u, 42u, 1000u}) {
    DataSplit split = split_train_validation(corpus(), 0.05, seed);
    const std::set<int> val = types_in(split.validation);
    for (int t : {0, 1, 2, 3, 4, 20}) EXPECT_TRUE(val.count(t)) << "seed " << seed << " type " << t;
    EXPECT_EQ(split.validation.size(), 10u) << "swaps keep the size, seed " << seed;
    // The single-sample type stays in training, with a warning naming it.
    EXPECT_TRUE(types_in(split.train).count(21)) << "seed " << seed;
    ASSERT_EQ(split.warnings.size(), 1u) << "seed " << seed;
    EXPECT_NE(split.warnings[0].find(std::string(type_name(21))), std::string::npos) << split.warnings[0];
  }
}

TEST(DataSplitTest, SeededAndReproducible) {
  DataSplit a = split_train_validation(corpus(), 0.1, 7);
  DataSplit b = split_train_validation(corpus(), 0.1, 7);
  DataSplit c = split_train_validation(corpus(), 0.1, 8);
  EXPECT_EQ(a.validation, b.validation);
  EXPECT_EQ(a.train, b.train);
  EXPECT_NE(a.validation, c.validation);
}

TEST(DataSplitTest, ShuffleIsFixedAcrossPlatforms) {
  // SplitMix64 from seed 0: the reference values of the published algorithm.
  SplitMix64 rng(0);
  EXPECT_EQ(rng.next(), 0xE220A8397B1DCDAFull);
  EXPECT_EQ(rng.next(), 0x6E789E6AA1B965F4ull);
  std::vector<int> items = {0, 1, 2, 3, 4, 5, 6, 7};
  seeded_shuffle(items, 3);
  std::vector<int> sorted = items;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
  std::vector<int> again = {0, 1, 2, 3, 4, 5, 6, 7};
  seeded_shuffle(again, 3);
  EXPECT_EQ(items, again);
}

TEST(DataSplitTest, BadRatioAndTooFewSamples) {
  for (double ratio : {0.0, 1.0, -0.5, 1.5}) {
    try {
      split_train_validation(corpus(), ratio, 1);
      ADD_FAILURE() << "ratio " << ratio << " accepted";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("training.eval_size_ratio"), std::string::npos) << e.what();
    }
  }
  try {
    split_train_validation({make_sample(0, {1})}, 0.1, 1);
    ADD_FAILURE() << "one sample accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("at least 2 samples"), std::string::npos) << e.what();
  }
}

TEST(DataSplitTest, TinyDataKeepsTrainingNonEmpty) {
  // Two samples with different types: validation gets one, training keeps one.
  DataSplit split = split_train_validation({make_sample(0, {1}), make_sample(1, {2})}, 0.5, 3);
  EXPECT_EQ(split.train.size(), 1u);
  EXPECT_EQ(split.validation.size(), 1u);
}

}  // namespace
}  // namespace piikit
