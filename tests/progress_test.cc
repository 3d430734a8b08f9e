#include "piikit/progress.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

namespace piikit {
namespace {

TEST(ProgressTest, FormatDuration) {
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(59.4), "59s");
  EXPECT_EQ(format_duration(245), "4m05s");
  EXPECT_EQ(format_duration(3720), "1h02m");
  EXPECT_EQ(format_duration(-1), "?");
}

TEST(ProgressTest, FormatLine) {
  ProgressInfo p;
  p.epoch = 2;
  p.num_epochs = 4;
  p.step = 812;
  p.total_steps = 4500;
  p.loss = 0.12345;
  p.learning_rate = 9.87e-4;
  p.tokens_per_second = 31234;
  p.eta_seconds = 372;
  EXPECT_EQ(format_progress(p),
            "epoch 2/4  step 812/4500  loss 0.1235  lr 9.87e-04  31.2k tok/s  ETA 6m12s");
}

TEST(ProgressTest, LiveLineIsRewrittenAndMessagesDoNotGarbleIt) {
  std::ostringstream out;
  ProgressReporter r(out, /*live=*/true);
  ProgressInfo p;
  p.num_epochs = 1;
  p.total_steps = 10;
  p.step = 1;
  r.update(p, true);
  p.step = 2;
  r.update(p, true);
  r.message("eval done");
  r.finish();
  const std::string s = out.str();
  EXPECT_EQ(s.find('\n'), s.find("eval done") - 1) << "the live line is closed before a message: " << s;
  EXPECT_EQ(std::count(s.begin(), s.end(), '\r'), 2) << s;
  EXPECT_NE(s.find("step 2/10"), std::string::npos) << s;
}

TEST(ProgressTest, LogModeRateLimits) {
  std::ostringstream out;
  ProgressReporter r(out, /*live=*/false, /*interval_seconds=*/3600);
  ProgressInfo p;
  for (int i = 0; i < 100; ++i) {
    p.step = i;
    r.update(p);
  }
  const std::string s = out.str();
  EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 1) << "one line per interval: " << s;
  EXPECT_EQ(s.find('\r'), std::string::npos);
}

}  // namespace
}  // namespace piikit
