// Class weights: schemes, normalization, the [class_weights] override table and the
// class_weights.json / table / TOML renderings. See include/piikit/class_weights.h for the
// contract and docs/class-weights.md for the order of the steps.
#include "piikit/class_weights.h"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "piikit/error.h"

namespace piikit {
namespace {

std::string format_double(double value) {
  // Shortest representation that reads back to the same double; always with a '.' or an
  // exponent, so TOML reads it as a float.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  std::string out(buf, end);
  if (std::isfinite(value) && out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

std::string describe_label(int label) {
  return label_name(label) + " (id " + std::to_string(label) + ")";
}

// "path:line: " for a node parsed from a file, "line N: " for one parsed from a string.
std::string where(const toml::source_region& region) {
  if (region.begin.line == 0) return "";
  std::string out;
  if (region.path && !region.path->empty())
    out = *region.path + ":";
  else
    out = "line ";
  return out + std::to_string(region.begin.line) + ": ";
}

std::string toml_value_text(const toml::node& node) {
  std::ostringstream out;
  node.visit([&](auto&& value) { out << value; });  // TOML syntax: strings quoted, arrays [ ... ]
  return out.str();
}

// Labels a [class_weights] key stands for: one id, or both labels of a bare type.
std::vector<int> labels_for_key(const std::string& key) {
  if (!key.empty() && key.size() <= 3 &&
      std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    const int id = std::stoi(key);
    if ((key.size() == 1 || key[0] != '0') && id < kNumLabels) return {id};
    return {};
  }
  if (auto label = label_from_name(key)) return {*label};
  if (auto type = type_from_name(key)) return {begin_label(*type), inside_label(*type)};
  return {};
}

}  // namespace

WeightScheme parse_weight_scheme(const std::string& name) {
  if (name == "none") return WeightScheme::kNone;
  if (name == "inverse") return WeightScheme::kInverse;
  if (name == "inverse_sqrt") return WeightScheme::kInverseSqrt;
  if (name == "effective") return WeightScheme::kEffective;
  throw ConfigError("class_weight_scheme = \"" + name +
                    "\": unknown scheme (expected none, inverse, inverse_sqrt or effective)");
}

std::string scheme_name(WeightScheme scheme) {
  switch (scheme) {
    case WeightScheme::kNone:
      return "none";
    case WeightScheme::kInverse:
      return "inverse";
    case WeightScheme::kInverseSqrt:
      return "inverse_sqrt";
    case WeightScheme::kEffective:
      return "effective";
  }
  return "unknown";
}

void check_class_weight_options(const ClassWeightOptions& options) {
  if (!std::isfinite(options.beta) || options.beta < 0.0 || options.beta >= 1.0) {
    throw ConfigError("class_weight_beta = " + format_double(options.beta) +
                      ": must be in [0, 1) (e.g. 0.999 or 0.9999)");
  }
  if (!std::isfinite(options.o_weight) || options.o_weight <= 0.0 || options.o_weight > 1.0) {
    throw ConfigError("o_weight = " + format_double(options.o_weight) +
                      ": must be in (0, 1]; O may be lowered, never raised above 1.0 (it would "
                      "drown the entity labels)");
  }
  if (!std::isfinite(options.max_weight) || options.max_weight < 0.0 ||
      (options.max_weight > 0.0 && options.max_weight < 1.0)) {
    throw ConfigError("max_weight = " + format_double(options.max_weight) +
                      ": must be 0 (no cap) or at least 1.0 (the mean entity weight)");
  }
}

std::vector<double> raw_class_weights(const LabelCounts& counts, WeightScheme scheme, double beta) {
  std::vector<double> raw(kNumLabels, scheme == WeightScheme::kNone ? 1.0 : 0.0);
  if (scheme == WeightScheme::kNone) return raw;
  if (scheme == WeightScheme::kEffective && (!std::isfinite(beta) || beta < 0.0 || beta >= 1.0)) {
    throw ConfigError("class_weight_beta = " + format_double(beta) + ": must be in [0, 1)");
  }
  const double n_total = static_cast<double>(total_count(counts));
  const double k = static_cast<double>(present_labels(counts));
  // 1 - beta is exact in double for beta in [0.5, 1); 1 - beta^n as -expm1(n log beta) keeps
  // full precision for small n, where beta^n is close to 1.
  const double log_beta = std::log(beta);
  for (int c = 0; c < kNumLabels; ++c) {
    if (counts[c] == 0) continue;
    const double n = static_cast<double>(counts[c]);
    switch (scheme) {
      case WeightScheme::kInverse:
        raw[c] = n_total / (k * n);
        break;
      case WeightScheme::kInverseSqrt:
        raw[c] = std::sqrt(n_total / (k * n));
        break;
      case WeightScheme::kEffective:
        raw[c] = (1.0 - beta) / -std::expm1(n * log_beta);
        break;
      case WeightScheme::kNone:
        break;
    }
  }
  return raw;
}

WeightGranularity parse_weight_granularity(const std::string& name) {
  if (name == "label") return WeightGranularity::kLabel;
  if (name == "type") return WeightGranularity::kType;
  throw ConfigError("class_weight_granularity = \"" + name + "\": expected \"label\" or \"type\"");
}

std::string granularity_name(WeightGranularity granularity) {
  return granularity == WeightGranularity::kType ? "type" : "label";
}

ClassWeights compute_class_weights(const LabelCounts& counts, const ClassWeightOptions& options) {
  check_class_weight_options(options);
  ClassWeights result;
  result.source = scheme_name(options.scheme);
  result.beta = options.beta;
  result.o_weight = options.o_weight;
  result.max_weight = options.max_weight;
  result.granularity = granularity_name(options.granularity);
  result.attach_counts(counts);

  std::vector<double> raw;
  if (options.granularity == WeightGranularity::kType) {
    // Classes are O and the types: each type's tokens are counted in its B- slot, so N is
    // unchanged and K counts O plus the types present; B-t and I-t then share the type's weight.
    LabelCounts by_type{};
    by_type[kOutsideLabel] = counts[kOutsideLabel];
    for (int t = 0; t < kNumTypes; ++t) by_type[begin_label(t)] = counts[begin_label(t)] + counts[inside_label(t)];
    const std::vector<double> per_type = raw_class_weights(by_type, options.scheme, options.beta);
    raw.assign(kNumLabels, 0.0);
    raw[kOutsideLabel] = per_type[kOutsideLabel];
    for (int c = 1; c < kNumLabels; ++c) raw[c] = per_type[begin_label(label_type(c))];
  } else {
    raw = raw_class_weights(counts, options.scheme, options.beta);
  }
  std::vector<double>& w = result.weights;
  w.assign(kNumLabels, 1.0);
  if (options.scheme != WeightScheme::kNone) {
    // Step 1: O stays 1.0 whatever its raw weight. Steps 2-3: entity labels present are divided
    // by their mean (absent ones are excluded from the mean and stay 1.0).
    double sum = 0.0;
    int present = 0;
    for (int c = 1; c < kNumLabels; ++c) {
      if (counts[c] == 0) continue;
      sum += raw[c];
      ++present;
    }
    const double mean = present > 0 ? sum / present : 1.0;
    for (int c = 1; c < kNumLabels; ++c) {
      if (counts[c] > 0) w[c] = raw[c] / mean;
    }
    if (result.total == 0) {
      result.warnings.push_back("no labelled tokens were counted: every weight is 1.0");
    } else {
      for (int c = 0; c < kNumLabels; ++c) {
        if (counts[c] == 0) {
          result.warnings.push_back("label " + describe_label(c) +
                                    " is absent from the training split: weight 1.0");
        }
      }
    }
  }
  // Step 4: O lowered on request. Step 5: the cap, last, so it bounds what the loss sees; the
  // entity mean may then fall below 1.0 (no renormalization, which would undo the cap).
  w[kOutsideLabel] = options.o_weight;
  if (options.max_weight > 0.0) {
    for (double& x : w) x = std::min(x, options.max_weight);
  }
  return result;
}

ClassWeights class_weights_from_toml(const toml::table& table) {
  ClassWeights result;
  result.source = "config";
  std::map<int, std::string> set_by;  // label id -> key that set it
  // toml::table iterates in key order; check entries in document order, so that an error about a
  // label set twice points at the later line.
  std::vector<std::pair<const toml::key*, const toml::node*>> entries;
  for (auto&& [key, node] : table) entries.emplace_back(&key, &node);
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    const auto& pa = a.first->source().begin;
    const auto& pb = b.first->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
  for (const auto& [key_ptr, node_ptr] : entries) {
    const toml::key& key = *key_ptr;
    const toml::node& node = *node_ptr;
    const std::string name(key.str());
    const std::string prefix =
        where(key.source()) + "[class_weights] " + name + " = " + toml_value_text(node) + ": ";
    const std::vector<int> labels = labels_for_key(name);
    if (labels.empty()) {
      throw ConfigError(prefix + "unknown key (expected a label id 0-" +
                        std::to_string(kNumLabels - 1) +
                        ", a label name like \"B-SSN\" or a type like \"SSN\")");
    }
    std::optional<double> value;
    if (auto v = node.as_floating_point()) value = v->get();
    if (auto v = node.as_integer()) value = static_cast<double>(v->get());
    if (!value) throw ConfigError(prefix + "weight must be a number");
    if (!std::isfinite(*value) || *value <= 0.0) {
      throw ConfigError(prefix + "weight must be finite and > 0");
    }
    for (int label : labels) {
      if (label == kOutsideLabel && *value > 1.0) {
        throw ConfigError(prefix +
                          "the weight of O must be at most 1.0 (it would drown the "
                          "entity labels)");
      }
      auto [it, inserted] = set_by.emplace(label, name);
      if (!inserted) {
        throw ConfigError(prefix + "label " + describe_label(label) + " is already set by key " +
                          it->second);
      }
      result.weights[label] = *value;
    }
  }
  result.o_weight = result.weights[kOutsideLabel];
  return result;
}

ClassWeights resolve_class_weights(const LabelCounts& counts, const ClassWeightOptions& options,
                                   const std::optional<ClassWeights>& override_weights) {
  if (!override_weights) return compute_class_weights(counts, options);
  ClassWeights result = *override_weights;
  result.attach_counts(counts);
  return result;
}

void ClassWeights::attach_counts(const LabelCounts& label_counts) {
  counts = label_counts;
  total = total_count(label_counts);
  num_classes = present_labels(label_counts);
}

std::string ClassWeights::to_json() const {
  nlohmann::ordered_json root;
  root["scheme"] = source;
  root["beta"] = beta;
  root["o_weight"] = o_weight;
  root["max_weight"] = max_weight;
  root["granularity"] = granularity;
  root["total"] = total;
  root["num_classes"] = num_classes;
  nlohmann::ordered_json count_map = nlohmann::ordered_json::object();
  nlohmann::ordered_json weight_map = nlohmann::ordered_json::object();
  for (int c = 0; c < kNumLabels; ++c) {
    count_map[std::to_string(c)] = counts[c];
    weight_map[std::to_string(c)] = weights.at(c);
  }
  root["counts"] = std::move(count_map);
  root["weights"] = std::move(weight_map);
  return root.dump(2) + "\n";
}

ClassWeights ClassWeights::from_json(const std::string& json, const std::string& source_name) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
    throw DataError(source_name, 0, std::string("invalid JSON: ") + e.what());
  }
  if (!root.is_object()) throw DataError(source_name, 0, "expected a JSON object");
  auto fail = [&](const std::string& field, const std::string& what) -> DataError {
    return DataError(source_name, 0, field + ": " + what);
  };
  // Parses an id-keyed map: every key must be a label id, and (for weights) every id present.
  auto label_key = [&](const std::string& field, const std::string& key) {
    const std::vector<int> ids = labels_for_key(key);
    if (ids.size() != 1 || key != std::to_string(ids[0])) {
      throw fail(field, "bad label id \"" + key + "\" (expected 0-" +
                            std::to_string(kNumLabels - 1) + ")");
    }
    return ids[0];
  };

  ClassWeights result;
  if (root.contains("scheme")) {
    if (!root["scheme"].is_string())
      throw fail("scheme", "expected a string, found " + root["scheme"].dump());
    result.source = root["scheme"].get<std::string>();
  }
  if (root.contains("granularity")) {
    const auto& g = root["granularity"];
    if (!g.is_string() || (g != "label" && g != "type"))
      throw fail("granularity", "expected \"label\" or \"type\", found " + g.dump());
    result.granularity = g.get<std::string>();
  }
  for (auto [field, target] :
       {std::pair{"beta", &result.beta}, std::pair{"o_weight", &result.o_weight},
        std::pair{"max_weight", &result.max_weight}}) {
    if (!root.contains(field)) continue;
    if (!root[field].is_number()) {
      throw fail(field, "expected a number, found " + root[field].dump());
    }
    *target = root[field].get<double>();
  }
  if (root.contains("total")) {
    if (!root["total"].is_number_unsigned()) {
      throw fail("total", "expected a non-negative integer, found " + root["total"].dump());
    }
    result.total = root["total"].get<uint64_t>();
  }
  if (root.contains("num_classes")) {
    const auto& k = root["num_classes"];
    if (!k.is_number_integer() || k.get<int64_t>() < 0 || k.get<int64_t>() > kNumLabels) {
      throw fail("num_classes", "expected an integer in [0, " + std::to_string(kNumLabels) +
                                    "], found " + k.dump());
    }
    result.num_classes = k.get<int>();
  }
  if (root.contains("counts")) {
    const auto& counts = root["counts"];
    if (!counts.is_object()) throw fail("counts", "expected an object, found " + counts.dump());
    for (const auto& [key, value] : counts.items()) {
      const int id = label_key("counts", key);
      if (!value.is_number_unsigned()) {
        throw fail("counts[\"" + key + "\"]",
                   "expected a non-negative integer, found " + value.dump());
      }
      result.counts[id] = value.get<uint64_t>();
    }
  }
  if (!root.contains("weights")) throw fail("weights", "missing");
  const auto& weights = root["weights"];
  if (!weights.is_object()) throw fail("weights", "expected an object, found " + weights.dump());
  std::vector<bool> seen(kNumLabels, false);
  for (const auto& [key, value] : weights.items()) {
    const int id = label_key("weights", key);
    const std::string field = "weights[\"" + key + "\"]";
    if (!value.is_number()) throw fail(field, "expected a number, found " + value.dump());
    const double w = value.get<double>();
    if (!std::isfinite(w) || w <= 0.0) {
      throw fail(field, "weight " + value.dump() + " must be finite and > 0");
    }
    if (id == kOutsideLabel && w > 1.0) {
      throw fail(field, "the weight of O is " + value.dump() + ", above 1.0");
    }
    result.weights[id] = w;
    seen[id] = true;
  }
  for (int c = 0; c < kNumLabels; ++c) {
    if (!seen[c]) {
      throw fail("weights", "missing label id \"" + std::to_string(c) + "\" (" + label_name(c) +
                                "); expected all " + std::to_string(kNumLabels) + " ids");
    }
  }
  return result;
}

std::string ClassWeights::to_table() const {
  std::string out;
  char line[160];
  if (source == "config") {
    out += "# class weights from the [class_weights] table of the config";
  } else {
    out += "# class weights: scheme " + source;
    if (source == "effective") out += " (beta " + format_double(beta) + ")";
    if (o_weight != 1.0) out += ", o_weight " + format_double(o_weight);
    if (max_weight > 0.0) out += ", max_weight " + format_double(max_weight);
    if (granularity == "type") out += ", per type (B- and I- share a weight)";
  }
  out += "; " + std::to_string(total) + " counted tokens, " + std::to_string(num_classes) + " of " +
         std::to_string(kNumLabels) + " labels present\n";
  std::snprintf(line, sizeof(line), "%3s  %-20s %12s %9s %12s\n", "id", "label", "count", "share",
                "weight");
  out += line;
  for (int c = 0; c < kNumLabels; ++c) {
    char share[32];
    if (total > 0) {
      std::snprintf(share, sizeof(share), "%.4f%%", 100.0 * counts[c] / total);
    } else {
      std::snprintf(share, sizeof(share), "-");
    }
    std::snprintf(line, sizeof(line), "%3d  %-20s %12llu %9s %12.6f\n", c, label_name(c).c_str(),
                  static_cast<unsigned long long>(counts[c]), share, weights.at(c));
    out += line;
  }
  return out;
}

std::string ClassWeights::to_toml() const {
  std::string out;
  if (source == "config") {
    out += "# from the [class_weights] table of the config\n";
  } else {
    out += "# scheme " + source;
    if (source == "effective") out += " (beta " + format_double(beta) + ")";
    out += ", from " + std::to_string(total) + " counted tokens\n";
  }
  out += "[class_weights]\n";
  for (int c = 0; c < kNumLabels; ++c) {
    out += std::to_string(c) + " = " + format_double(weights.at(c)) + "  # " + label_name(c) + "\n";
  }
  return out;
}

}  // namespace piikit
