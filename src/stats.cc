#include "piikit/stats.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "piikit/utf8.h"

namespace piikit {
namespace {

// Nearest-rank quantile of sorted values: the ceil(q*n)-th smallest (1-based).
int64_t quantile(const std::vector<int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

Distribution summarize(std::vector<int64_t> values) {
  Distribution d;
  if (values.empty()) return d;
  std::sort(values.begin(), values.end());
  double sum = 0;
  for (int64_t v : values) sum += static_cast<double>(v);
  d.mean = sum / static_cast<double>(values.size());
  d.min = values.front();
  d.max = values.back();
  d.median = quantile(values, 0.5);
  d.p95 = quantile(values, 0.95);
  return d;
}

nlohmann::ordered_json distribution_json(const Distribution& d) {
  return {{"mean", d.mean}, {"min", d.min}, {"median", d.median}, {"p95", d.p95}, {"max", d.max}};
}

nlohmann::ordered_json counts_json(const std::map<std::string, std::size_t>& m) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  std::vector<std::pair<std::string, std::size_t>> rows(m.begin(), m.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [k, v] : rows) j[k] = v;
  return j;
}

}  // namespace

double DatasetStats::share(int type) const {
  if (entities == 0) return 0;
  return static_cast<double>(entities_per_type.at(type)) / static_cast<double>(entities);
}

int DatasetStats::most_frequent_type() const {
  int best = -1;
  for (int t = 0; t < kNumTypes; ++t) {
    if (entities_per_type[t] > 0 && (best < 0 || entities_per_type[t] > entities_per_type[best]))
      best = t;
  }
  return best;
}

int DatasetStats::least_frequent_type() const {
  int best = -1;
  for (int t = 0; t < kNumTypes; ++t) {
    if (entities_per_type[t] > 0 && (best < 0 || entities_per_type[t] < entities_per_type[best]))
      best = t;
  }
  return best;
}

double DatasetStats::imbalance_ratio() const {
  int hi = most_frequent_type(), lo = least_frequent_type();
  if (hi < 0) return 0;
  return static_cast<double>(entities_per_type[hi]) / static_cast<double>(entities_per_type[lo]);
}

std::vector<int> DatasetStats::absent_types() const {
  std::vector<int> out;
  for (int t = 0; t < kNumTypes; ++t) {
    if (entities_per_type[t] == 0) out.push_back(t);
  }
  return out;
}

DatasetStats compute_stats(const std::vector<Sample>& samples, const SkipReport& skips) {
  DatasetStats s;
  s.samples = samples.size();
  s.skips = skips;
  std::vector<int64_t> per_sample, lengths;
  per_sample.reserve(samples.size());
  lengths.reserve(samples.size());
  for (const auto& sample : samples) {
    int64_t n = 0;
    for (const auto& e : sample.entities) {
      if (e.type < 0 || e.type >= kNumTypes) continue;
      ++s.entities_per_type[e.type];
      ++n;
    }
    s.entities += n;
    if (n == 0) ++s.samples_without_entities;
    s.coref_clusters += sample.coref.size();
    if (!sample.language.empty()) ++s.languages[sample.language];
    per_sample.push_back(n);
    lengths.push_back(static_cast<int64_t>(codepoint_count(sample.text)));
  }
  s.entities_per_sample = summarize(std::move(per_sample));
  s.text_length = summarize(std::move(lengths));
  return s;
}

std::string to_table(const DatasetStats& s) {
  std::string out;
  out += fmt::format("samples:                  {}\n", s.samples);
  out += fmt::format("entities:                 {}\n", s.entities);
  out += fmt::format("samples without entities: {}\n", s.samples_without_entities);
  out += fmt::format("coreference clusters:     {}\n", s.coref_clusters);
  out += "\nentities per type:\n";
  out += fmt::format("  {:<18} {:>9} {:>7}\n", "type", "count", "share");
  std::vector<int> order;
  for (int t = 0; t < kNumTypes; ++t) order.push_back(t);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return s.entities_per_type[a] > s.entities_per_type[b]; });
  for (int t : order) {
    out += fmt::format("  {:<18} {:>9} {:>6.2f}%\n", type_name(t), s.entities_per_type[t],
                       100.0 * s.share(t));
  }
  out += "\n";
  int hi = s.most_frequent_type(), lo = s.least_frequent_type();
  if (hi < 0) {
    out += "imbalance ratio:          n/a (no entities)\n";
  } else {
    out += fmt::format("imbalance ratio:          {:.2f} ({} {} / {} {}, types present)\n",
                       s.imbalance_ratio(), type_name(hi), s.entities_per_type[hi], type_name(lo),
                       s.entities_per_type[lo]);
  }
  auto absent = s.absent_types();
  if (!absent.empty()) {
    std::string names;
    for (int t : absent) names += (names.empty() ? "" : ", ") + std::string(type_name(t));
    out += fmt::format("types with no entity:     {} ({})\n", absent.size(), names);
  }
  auto dist = [&](const char* title, const Distribution& d) {
    out += fmt::format("{:<26}mean {:.2f}, min {}, median {}, p95 {}, max {}\n", title, d.mean,
                       d.min, d.median, d.p95, d.max);
  };
  dist("entities per sample:", s.entities_per_sample);
  dist("text length (code pts):", s.text_length);
  if (!s.languages.empty()) {
    out += "languages:                ";
    bool first = true;
    for (const auto& [lang, n] : s.languages) {
      out += fmt::format("{}{} {}", first ? "" : ", ", lang, n);
      first = false;
    }
    out += "\n";
  }
  out += "\n" + format_skip_report(s.skips);
  return out;
}

std::string to_json(const DatasetStats& s) {
  nlohmann::ordered_json j;
  j["samples"] = s.samples;
  j["entities"] = s.entities;
  j["samples_without_entities"] = s.samples_without_entities;
  j["coref_clusters"] = s.coref_clusters;
  auto per_type = nlohmann::ordered_json::array();
  for (int t = 0; t < kNumTypes; ++t) {
    per_type.push_back(
        {{"type", type_name(t)}, {"count", s.entities_per_type[t]}, {"share", s.share(t)}});
  }
  j["per_type"] = std::move(per_type);
  int hi = s.most_frequent_type(), lo = s.least_frequent_type();
  nlohmann::ordered_json imbalance;
  imbalance["ratio"] =
      hi < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.imbalance_ratio());
  imbalance["most_frequent"] =
      hi < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(type_name(hi));
  imbalance["least_frequent"] =
      lo < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(type_name(lo));
  auto absent = nlohmann::ordered_json::array();
  for (int t : s.absent_types()) absent.push_back(type_name(t));
  imbalance["absent_types"] = std::move(absent);
  j["imbalance"] = std::move(imbalance);
  j["entities_per_sample"] = distribution_json(s.entities_per_sample);
  j["text_length_codepoints"] = distribution_json(s.text_length);
  nlohmann::ordered_json langs = nlohmann::ordered_json::object();
  for (const auto& [k, v] : s.languages) langs[k] = v;
  j["languages"] = std::move(langs);
  nlohmann::ordered_json skipped;
  skipped["samples_total"] = s.skips.total_samples_skipped();
  skipped["samples"] = counts_json(s.skips.samples_skipped);
  skipped["entities_dropped_total"] = s.skips.total_entities_dropped();
  skipped["entities_dropped"] = counts_json(s.skips.entities_dropped);
  skipped["entities_adjusted"] = counts_json(s.skips.entities_adjusted);
  j["skipped"] = std::move(skipped);
  return j.dump(2) + "\n";
}

}  // namespace piikit
