#include <gtest/gtest.h>
#include "piikit/generator.h"
TEST(GeneratorTest, Smoke) {
  auto s = piikit::generate_samples(piikit::GeneratorConfig(), piikit::Split::kTrain, 1, 10);
  EXPECT_EQ(s.size(), 10u);
}
