#include "piikit/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "piikit/error.h"

namespace piikit {

LrSchedule parse_lr_schedule(const std::string& name) {
  if (name == "cosine") return LrSchedule::kCosine;
  if (name == "linear") return LrSchedule::kLinear;
  throw ConfigError("training.lr_schedule: expected \"cosine\" or \"linear\", got \"" + name + "\"");
}

double learning_rate_at(int64_t step, int64_t total_steps, int64_t warmup_steps, double peak,
                        LrSchedule schedule) {
  if (step < 0 || step >= total_steps) return 0.0;
  const int64_t warmup = std::max<int64_t>(warmup_steps, 0);
  if (step < warmup) {
    return peak * static_cast<double>(step + 1) / static_cast<double>(warmup);
  }
  const double p =
      static_cast<double>(step - warmup) / static_cast<double>(std::max<int64_t>(total_steps - warmup, 1));
  if (schedule == LrSchedule::kLinear) return peak * (1.0 - p);
  return peak * 0.5 * (1.0 + std::cos(std::numbers::pi * p));
}

}  // namespace piikit
