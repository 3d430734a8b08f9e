#include "piikit/lr_schedule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "piikit/error.h"

namespace piikit {
namespace {

TEST(LrScheduleTest, WarmupIsLinear) {
  for (LrSchedule s : {LrSchedule::kCosine, LrSchedule::kLinear}) {
    EXPECT_DOUBLE_EQ(learning_rate_at(0, 100, 10, 1e-3, s), 1e-4);
    EXPECT_DOUBLE_EQ(learning_rate_at(4, 100, 10, 1e-3, s), 5e-4);
    EXPECT_DOUBLE_EQ(learning_rate_at(9, 100, 10, 1e-3, s), 1e-3);
    EXPECT_DOUBLE_EQ(learning_rate_at(10, 100, 10, 1e-3, s), 1e-3) << "decay starts at peak";
  }
}

TEST(LrScheduleTest, CosineDecayValues) {
  // total 110, warm-up 10: p = (step - 10) / 100.
  const struct {
    int64_t step;
    double expected;
  } cases[] = {
      {10, 1.0},
      {35, 0.5 * (1 + std::cos(std::numbers::pi * 0.25))},
      {60, 0.5},
      {85, 0.5 * (1 + std::cos(std::numbers::pi * 0.75))},
      {109, 0.5 * (1 + std::cos(std::numbers::pi * 0.99))},
  };
  for (const auto& c : cases) {
    EXPECT_NEAR(learning_rate_at(c.step, 110, 10, 2.0, LrSchedule::kCosine), 2.0 * c.expected, 1e-12)
        << "step " << c.step;
  }
}

TEST(LrScheduleTest, LinearDecayValues) {
  EXPECT_NEAR(learning_rate_at(60, 110, 10, 2.0, LrSchedule::kLinear), 1.0, 1e-12);
  EXPECT_NEAR(learning_rate_at(109, 110, 10, 2.0, LrSchedule::kLinear), 0.02, 1e-12);
}

TEST(LrScheduleTest, MonotoneAfterWarmupAndZeroOutside) {
  for (LrSchedule s : {LrSchedule::kCosine, LrSchedule::kLinear}) {
    double prev = learning_rate_at(20, 500, 20, 1.0, s);
    for (int64_t step = 21; step < 500; ++step) {
      const double lr = learning_rate_at(step, 500, 20, 1.0, s);
      EXPECT_LT(lr, prev) << "step " << step;
      EXPECT_GT(lr, 0.0) << "step " << step;
      prev = lr;
    }
    EXPECT_EQ(learning_rate_at(500, 500, 20, 1.0, s), 0.0);
    EXPECT_EQ(learning_rate_at(-1, 500, 20, 1.0, s), 0.0);
  }
}

TEST(LrScheduleTest, NoWarmupAndAllWarmup) {
  EXPECT_DOUBLE_EQ(learning_rate_at(0, 10, 0, 1.0, LrSchedule::kLinear), 1.0);
  EXPECT_DOUBLE_EQ(learning_rate_at(5, 10, 0, 1.0, LrSchedule::kLinear), 0.5);
  // warm-up longer than the run: the rate only rises.
  EXPECT_DOUBLE_EQ(learning_rate_at(9, 10, 20, 1.0, LrSchedule::kCosine), 0.5);
}

TEST(LrScheduleTest, ParseNames) {
  EXPECT_EQ(parse_lr_schedule("cosine"), LrSchedule::kCosine);
  EXPECT_EQ(parse_lr_schedule("linear"), LrSchedule::kLinear);
  try {
    parse_lr_schedule("step");
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "training.lr_schedule: expected \"cosine\" or \"linear\", got \"step\"");
  }
}

}  // namespace
}  // namespace piikit
