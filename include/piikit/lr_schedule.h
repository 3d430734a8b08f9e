// Learning-rate schedule: linear warm-up, then cosine or linear decay to 0.
#pragma once

#include <cstdint>
#include <string>

namespace piikit {

enum class LrSchedule { kCosine, kLinear };

// "cosine" | "linear"; throws ConfigError naming training.lr_schedule otherwise.
LrSchedule parse_lr_schedule(const std::string& name);

// Learning rate for optimizer step `step` (0-based: the step about to be taken) of a run of
// `total_steps` steps:
//   step <  warmup:  peak * (step + 1) / warmup            (reaches peak on step warmup - 1)
//   step >= warmup:  p = (step - warmup) / (total - warmup), in [0, 1)
//                    cosine: peak * 0.5 * (1 + cos(pi * p));  linear: peak * (1 - p)
// so the rate falls towards 0 and would be exactly 0 at step == total_steps (after the last step,
// the convention of HuggingFace's schedulers). With warmup >= total_steps the run is all warm-up.
// Steps at or past total_steps get 0.
double learning_rate_at(int64_t step, int64_t total_steps, int64_t warmup_steps, double peak,
                        LrSchedule schedule);

}  // namespace piikit
