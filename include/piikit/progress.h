// The live training progress line on stderr.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace piikit {

struct ProgressInfo {
  int epoch = 0;               // 1-based for display
  int num_epochs = 0;
  int64_t step = 0;            // optimizer steps done
  int64_t total_steps = 0;     // planned
  double loss = 0;             // recent mean training loss
  double learning_rate = 0;
  double tokens_per_second = 0;
  double eta_seconds = -1;     // < 0 = unknown
};

// "epoch 2/4  step 812/4500  loss 0.1234  lr 9.87e-04  31.2k tok/s  ETA 6m12s"
std::string format_progress(const ProgressInfo& info);
// "59s", "4m05s", "1h02m"; "?" for a negative value.
std::string format_duration(double seconds);

// Writes progress to `out`. live = true (a terminal): one line rewritten in place with '\r', at
// most every 0.2 s. live = false (a log file or pipe): a full line every `interval_seconds`.
// message() prints a line of its own without garbling the live line.
class ProgressReporter {
 public:
  ProgressReporter(std::ostream& out, bool live, double interval_seconds = 30.0);
  void update(const ProgressInfo& info, bool force = false);
  void message(const std::string& line);
  void finish();  // ends the live line

 private:
  std::ostream& out_;
  bool live_;
  double interval_seconds_;
  bool line_open_ = false;
  std::size_t last_width_ = 0;
  std::chrono::steady_clock::time_point last_{};
  bool printed_ = false;
};

}  // namespace piikit
