#include "piikit/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

#include "piikit/error.h"

namespace piikit {
namespace {

using nlohmann::json;

constexpr const char* kReportSource = "<eval report>";

int64_t overlap(const Entity& a, const Entity& b) {
  return std::min(a.end, b.end) - std::max(a.start, b.start);
}

json prf_json(const Prf& p, bool with_support) {
  json j = {{"tp", p.tp},           {"fp", p.fp},  {"fn", p.fn}, {"precision", p.precision()},
            {"recall", p.recall()}, {"f1", p.f1()}};
  if (with_support) j["support"] = p.support();
  return j;
}

// Reads an unsigned counter field; names the JSON path in the error.
uint64_t read_count(const json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) {
    if (it != j.end() && it->is_number_integer() && it->get<int64_t>() >= 0) {
      return it->get<uint64_t>();
    }
    throw DataError(kReportSource, 0,
                    where + "." + key + ": expected a non-negative integer" +
                        (it == j.end() ? " (missing)" : ", got " + it->dump()));
  }
  return it->get<uint64_t>();
}

double read_double(const json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) {
    throw DataError(kReportSource, 0,
                    where + "." + key + ": expected a number" +
                        (it == j.end() ? " (missing)" : ", got " + it->dump()));
  }
  return it->get<double>();
}

const json& read_object(const json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_object()) {
    throw DataError(kReportSource, 0,
                    where + "." + key + ": expected an object" +
                        (it == j.end() ? " (missing)" : ", got " + it->dump()));
  }
  return *it;
}

Prf read_prf(const json& j, const std::string& where) {
  Prf p;
  p.tp = read_count(j, "tp", where);
  p.fp = read_count(j, "fp", where);
  p.fn = read_count(j, "fn", where);
  return p;
}

struct Macro {
  double precision = 0, recall = 0, f1 = 0;
};

template <std::size_t N>
Macro macro_over(const std::array<Prf, N>& per, std::size_t first) {
  Macro m;
  int n = 0;
  for (std::size_t i = first; i < N; ++i) {
    if (per[i].empty()) continue;
    m.precision += per[i].precision();
    m.recall += per[i].recall();
    m.f1 += per[i].f1();
    ++n;
  }
  if (n > 0) {
    m.precision /= n;
    m.recall /= n;
    m.f1 /= n;
  }
  return m;
}

json span_section(const std::array<Prf, kNumTypes>& per, const Prf& micro, double mp, double mr,
                  double mf) {
  json per_type = json::object();
  for (int t = 0; t < kNumTypes; ++t) per_type[std::string(type_name(t))] = prf_json(per[t], true);
  return {{"micro", prf_json(micro, false)},
          {"macro", {{"precision", mp}, {"recall", mr}, {"f1", mf}}},
          {"per_type", per_type}};
}

void read_span_section(const json& j, const char* key, std::array<Prf, kNumTypes>& per,
                       Prf& micro) {
  const std::string where = key;
  const json& sec = read_object(j, key, "report");
  micro = read_prf(read_object(sec, "micro", where), where + ".micro");
  const json& per_type = read_object(sec, "per_type", where);
  for (const auto& [name, value] : per_type.items()) {
    auto type = type_from_name(name);
    if (!type) {
      throw DataError(kReportSource, 0, where + ".per_type: unknown type \"" + name + "\"");
    }
    if (!value.is_object()) {
      throw DataError(kReportSource, 0, where + ".per_type." + name + ": expected an object");
    }
    per[*type] = read_prf(value, where + ".per_type." + name);
  }
}

}  // namespace

double Prf::precision() const { return tp + fp == 0 ? 0.0 : double(tp) / double(tp + fp); }
double Prf::recall() const { return tp + fn == 0 ? 0.0 : double(tp) / double(tp + fn); }
double Prf::f1() const {
  // 2tp / (2tp + fp + fn) equals 2PR/(P+R) and is 0 rather than NaN when tp == 0.
  const uint64_t denom = 2 * tp + fp + fn;
  return denom == 0 ? 0.0 : 2.0 * double(tp) / double(denom);
}
Prf& Prf::operator+=(const Prf& o) {
  tp += o.tp;
  fp += o.fp;
  fn += o.fn;
  return *this;
}

std::vector<std::pair<std::size_t, std::size_t>> match_relaxed(
    const std::vector<Entity>& gold, const std::vector<Entity>& predicted) {
  struct Candidate {
    int64_t overlap;
    std::size_t g, p;
  };
  std::vector<Candidate> cands;
  for (std::size_t g = 0; g < gold.size(); ++g) {
    for (std::size_t p = 0; p < predicted.size(); ++p) {
      if (gold[g].type != predicted[p].type) continue;
      const int64_t ov = overlap(gold[g], predicted[p]);
      if (ov > 0) cands.push_back({ov, g, p});
    }
  }
  std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
    if (a.overlap != b.overlap) return a.overlap > b.overlap;
    if (a.g != b.g) return a.g < b.g;
    return a.p < b.p;
  });
  std::vector<char> gold_used(gold.size(), 0), pred_used(predicted.size(), 0);
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (const Candidate& c : cands) {
    if (gold_used[c.g] || pred_used[c.p]) continue;
    gold_used[c.g] = pred_used[c.p] = 1;
    pairs.emplace_back(c.g, c.p);
  }
  return pairs;
}

void Evaluator::add_spans(const std::vector<Entity>& gold, const std::vector<Entity>& predicted) {
  for (const auto* list : {&gold, &predicted}) {
    for (const Entity& e : *list) {
      if (e.type < 0 || e.type >= kNumTypes) {
        throw std::out_of_range(
            fmt::format("Evaluator::add_spans: entity type {} outside [0, {})", e.type, kNumTypes));
      }
    }
  }
  ++acc_.samples;

  // Exact: each gold entity matches at most one identical prediction (duplicates are fp).
  std::vector<char> pred_used(predicted.size(), 0);
  for (const Entity& g : gold) {
    bool found = false;
    for (std::size_t p = 0; p < predicted.size(); ++p) {
      if (!pred_used[p] && predicted[p] == g) {
        pred_used[p] = 1;
        found = true;
        break;
      }
    }
    if (found) {
      ++acc_.exact[g.type].tp;
    } else {
      ++acc_.exact[g.type].fn;
    }
  }
  for (std::size_t p = 0; p < predicted.size(); ++p) {
    if (!pred_used[p]) ++acc_.exact[predicted[p].type].fp;
  }

  // Relaxed: one-to-one greedy matching.
  const auto pairs = match_relaxed(gold, predicted);
  std::vector<char> gold_matched(gold.size(), 0), pred_matched(predicted.size(), 0);
  for (const auto& [g, p] : pairs) {
    gold_matched[g] = pred_matched[p] = 1;
    ++acc_.relaxed[gold[g].type].tp;
  }
  for (std::size_t g = 0; g < gold.size(); ++g) {
    if (!gold_matched[g]) ++acc_.relaxed[gold[g].type].fn;
  }
  for (std::size_t p = 0; p < predicted.size(); ++p) {
    if (!pred_matched[p]) ++acc_.relaxed[predicted[p].type].fp;
  }

  // Confusions: each (gold entity, other predicted type) overlapping pair counts once.
  for (const Entity& g : gold) {
    std::array<char, kNumTypes> seen{};
    for (const Entity& p : predicted) {
      if (p.type != g.type && !seen[p.type] && overlap(g, p) > 0) {
        seen[p.type] = 1;
        ++acc_.confusions[g.type][p.type];
      }
    }
  }
}

void Evaluator::add_tokens(const int32_t* gold, const int32_t* predicted, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const int32_t g = gold[i];
    if (g == kIgnoreLabel) continue;
    const int32_t p = predicted[i];
    if (g < 0 || g >= kNumLabels || p < 0 || p >= kNumLabels) {
      throw std::out_of_range(fmt::format(
          "Evaluator::add_tokens: position {}: label outside [0, {}) (gold {}, predicted {})", i,
          kNumLabels, g, p));
    }
    ++acc_.tokens;
    if (g == p) {
      ++acc_.token[g].tp;
    } else {
      ++acc_.token[g].fn;
      ++acc_.token[p].fp;
    }
  }
}

void Evaluator::merge(const Evaluator& other) {
  const EvalReport& o = other.acc_;
  for (int t = 0; t < kNumTypes; ++t) {
    acc_.exact[t] += o.exact[t];
    acc_.relaxed[t] += o.relaxed[t];
    for (int u = 0; u < kNumTypes; ++u) acc_.confusions[t][u] += o.confusions[t][u];
  }
  for (int l = 0; l < kNumLabels; ++l) acc_.token[l] += o.token[l];
  acc_.samples += o.samples;
  acc_.tokens += o.tokens;
}

EvalReport Evaluator::report() const {
  EvalReport r = acc_;
  r.exact_micro = r.relaxed_micro = r.token_micro = Prf{};
  for (int t = 0; t < kNumTypes; ++t) {
    r.exact_micro += r.exact[t];
    r.relaxed_micro += r.relaxed[t];
  }
  for (int l = 1; l < kNumLabels; ++l) r.token_micro += r.token[l];
  const Macro em = macro_over(r.exact, 0);
  const Macro rm = macro_over(r.relaxed, 0);
  r.exact_macro_precision = em.precision;
  r.exact_macro_recall = em.recall;
  r.exact_macro_f1 = em.f1;
  r.relaxed_macro_precision = rm.precision;
  r.relaxed_macro_recall = rm.recall;
  r.relaxed_macro_f1 = rm.f1;
  r.token_macro_f1 = macro_over(r.token, 1).f1;
  return r;
}

std::vector<Confusion> EvalReport::top_confusions(std::size_t n) const {
  std::vector<Confusion> all;
  for (int g = 0; g < kNumTypes; ++g) {
    for (int p = 0; p < kNumTypes; ++p) {
      if (confusions[g][p] > 0) all.push_back({g, p, confusions[g][p]});
    }
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const Confusion& a, const Confusion& b) { return a.count > b.count; });
  if (all.size() > n) all.resize(n);
  return all;
}

std::string EvalReport::to_json() const {
  json j;
  j["samples"] = samples;
  j["tokens"] = tokens;
  j["exact"] =
      span_section(exact, exact_micro, exact_macro_precision, exact_macro_recall, exact_macro_f1);
  j["relaxed"] = span_section(relaxed, relaxed_micro, relaxed_macro_precision, relaxed_macro_recall,
                              relaxed_macro_f1);
  json per_label = json::object();
  for (int l = 0; l < kNumLabels; ++l) per_label[label_name(l)] = prf_json(token[l], true);
  j["token"] = {{"micro", prf_json(token_micro, false)},
                {"macro", {{"f1", token_macro_f1}}},
                {"per_label", per_label}};
  json conf = json::array();
  for (const Confusion& c : top_confusions(kNumTypes * kNumTypes)) {
    conf.push_back({{"gold", std::string(type_name(c.gold_type))},
                    {"predicted", std::string(type_name(c.predicted_type))},
                    {"count", c.count}});
  }
  j["confusions"] = conf;
  return j.dump();
}

EvalReport EvalReport::from_json(const std::string& text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw DataError(kReportSource, 0, std::string("malformed JSON: ") + e.what());
  }
  if (!j.is_object()) throw DataError(kReportSource, 0, "expected a JSON object");
  EvalReport r;
  r.samples = read_count(j, "samples", "report");
  r.tokens = j.contains("tokens") ? read_count(j, "tokens", "report") : 0;
  read_span_section(j, "exact", r.exact, r.exact_micro);
  read_span_section(j, "relaxed", r.relaxed, r.relaxed_micro);
  const json& em = read_object(read_object(j, "exact", "report"), "macro", "exact");
  r.exact_macro_precision = read_double(em, "precision", "exact.macro");
  r.exact_macro_recall = read_double(em, "recall", "exact.macro");
  r.exact_macro_f1 = read_double(em, "f1", "exact.macro");
  const json& rm = read_object(read_object(j, "relaxed", "report"), "macro", "relaxed");
  r.relaxed_macro_precision = read_double(rm, "precision", "relaxed.macro");
  r.relaxed_macro_recall = read_double(rm, "recall", "relaxed.macro");
  r.relaxed_macro_f1 = read_double(rm, "f1", "relaxed.macro");

  const json& tok = read_object(j, "token", "report");
  r.token_micro = read_prf(read_object(tok, "micro", "token"), "token.micro");
  r.token_macro_f1 = read_double(read_object(tok, "macro", "token"), "f1", "token.macro");
  for (const auto& [name, value] : read_object(tok, "per_label", "token").items()) {
    auto label = label_from_name(name);
    if (!label)
      throw DataError(kReportSource, 0, "token.per_label: unknown label \"" + name + "\"");
    if (!value.is_object()) {
      throw DataError(kReportSource, 0, "token.per_label." + name + ": expected an object");
    }
    r.token[*label] = read_prf(value, "token.per_label." + name);
  }
  auto conf = j.find("confusions");
  if (conf == j.end() || !conf->is_array()) {
    throw DataError(kReportSource, 0, "report.confusions: expected an array");
  }
  for (std::size_t i = 0; i < conf->size(); ++i) {
    const json& c = (*conf)[i];
    const std::string where = fmt::format("confusions[{}]", i);
    if (!c.is_object()) throw DataError(kReportSource, 0, where + ": expected an object");
    int types[2];
    const char* keys[2] = {"gold", "predicted"};
    for (int k = 0; k < 2; ++k) {
      auto it = c.find(keys[k]);
      std::optional<int> t;
      if (it != c.end() && it->is_string()) t = type_from_name(it->get<std::string>());
      if (!t) {
        throw DataError(kReportSource, 0,
                        where + "." + keys[k] + ": expected a type name" +
                            (it == c.end() ? " (missing)" : ", got " + it->dump()));
      }
      types[k] = *t;
    }
    r.confusions[types[0]][types[1]] = read_count(c, "count", where);
  }
  return r;
}

std::string EvalReport::to_table() const {
  std::string out;
  out += fmt::format("{:<22} {:>8} {:>8} {:>8} {:>8} {:>8} {:>10}\n", "type", "support", "pred",
                     "P", "R", "F1", "F1 relaxed");
  out += std::string(78, '-') + "\n";
  for (int t = 0; t < kNumTypes; ++t) {
    const Prf& e = exact[t];
    if (e.empty() && relaxed[t].empty()) continue;
    out +=
        fmt::format("{:<22} {:>8} {:>8} {:>8.4f} {:>8.4f} {:>8.4f} {:>10.4f}\n", type_name(t),
                    e.support(), e.tp + e.fp, e.precision(), e.recall(), e.f1(), relaxed[t].f1());
  }
  out += std::string(78, '-') + "\n";
  out +=
      fmt::format("{:<22} {:>8} {:>8} {:>8.4f} {:>8.4f} {:>8.4f} {:>10.4f}\n", "micro",
                  exact_micro.support(), exact_micro.tp + exact_micro.fp, exact_micro.precision(),
                  exact_micro.recall(), exact_micro.f1(), relaxed_micro.f1());
  out += fmt::format("{:<22} {:>8} {:>8} {:>8.4f} {:>8.4f} {:>8.4f} {:>10.4f}\n", "macro", "", "",
                     exact_macro_precision, exact_macro_recall, exact_macro_f1, relaxed_macro_f1);
  out += fmt::format(
      "token level (entity labels): P {:.4f}  R {:.4f}  F1 {:.4f}  macro F1 {:.4f}"
      "  ({} tokens)\n",
      token_micro.precision(), token_micro.recall(), token_micro.f1(), token_macro_f1, tokens);
  out += fmt::format("samples: {}\n", samples);
  const auto top = top_confusions(5);
  if (top.empty()) {
    out += "confusions: none\n";
  } else {
    out += "most frequent confusions (gold -> predicted):\n";
    for (const Confusion& c : top) {
      out += fmt::format("  {:>6}  {} -> {}\n", c.count, type_name(c.gold_type),
                         type_name(c.predicted_type));
    }
  }
  return out;
}

}  // namespace piikit
