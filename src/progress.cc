#include "piikit/progress.h"

#include <cmath>
#include <cstdio>
#include <ostream>

namespace piikit {

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds)) return "?";
  const long long s = std::llround(seconds);
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%llds", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
  }
  return buf;
}

std::string format_progress(const ProgressInfo& p) {
  char tps[32];
  if (p.tokens_per_second >= 1000) {
    std::snprintf(tps, sizeof tps, "%.1fk", p.tokens_per_second / 1000);
  } else {
    std::snprintf(tps, sizeof tps, "%.0f", p.tokens_per_second);
  }
  char buf[256];
  std::snprintf(buf, sizeof buf, "epoch %d/%d  step %lld/%lld  loss %.4f  lr %.2e  %s tok/s  ETA %s",
                p.epoch, p.num_epochs, static_cast<long long>(p.step),
                static_cast<long long>(p.total_steps), p.loss, p.learning_rate, tps,
                format_duration(p.eta_seconds).c_str());
  return buf;
}

ProgressReporter::ProgressReporter(std::ostream& out, bool live, double interval_seconds)
    : out_(out), live_(live), interval_seconds_(interval_seconds) {}

void ProgressReporter::update(const ProgressInfo& info, bool force) {
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_).count();
  if (printed_ && !force && since < (live_ ? 0.2 : interval_seconds_)) return;
  last_ = now;
  printed_ = true;
  const std::string line = format_progress(info);
  if (live_) {
    // Pad with spaces so a shorter line fully covers the previous one.
    out_ << '\r' << line << std::string(last_width_ > line.size() ? last_width_ - line.size() : 0, ' ')
         << std::flush;
    last_width_ = line.size();
    line_open_ = true;
  } else {
    out_ << line << '\n' << std::flush;
  }
}

void ProgressReporter::message(const std::string& line) {
  finish();
  out_ << line << '\n' << std::flush;
}

void ProgressReporter::finish() {
  if (line_open_) {
    out_ << '\n' << std::flush;
    line_open_ = false;
    last_width_ = 0;
  }
}

}  // namespace piikit
