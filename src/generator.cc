// piikit generate: the sampling of types per sample, configuration, and the public API.
// Layout and values are in gen_compose.cc, gen_render.cc, gen_values.cc and gen_ids.cc.
#include "piikit/generator.h"

#include <cmath>
#include <sstream>
#include <toml++/toml.h>

#include "gen_compose.h"
#include "gen_lexicon.h"
#include "gen_random.h"
#include "gen_render.h"
#include "gen_templates.h"
#include "piikit/error.h"
#include "piikit/file_util.h"

namespace piikit {

std::string_view split_name(Split split) { return split == Split::kTrain ? "train" : "eval"; }

std::optional<Split> split_from_name(std::string_view name) {
  if (name == "train") return Split::kTrain;
  if (name == "eval") return Split::kEval;
  return std::nullopt;
}

GeneratorConfig::GeneratorConfig() {
  for (int t = 0; t < kNumTypes; ++t) chances[t] = pii_types()[t].chance;
}

void GeneratorConfig::validate() const {
  double total = 0;
  for (int t = 0; t < kNumTypes; ++t) {
    if (!std::isfinite(chances[t]) || chances[t] < 0) {
      throw ConfigError("generator.chances." + std::string(type_name(t)) +
                        ": must be a finite number >= 0, got " + std::to_string(chances[t]));
    }
    total += chances[t];
  }
  if (total <= 0) throw ConfigError("generator.chances: every chance is 0, nothing can be drawn");
  if (min_types < 1) throw ConfigError("generator.min_types: must be >= 1, got " + std::to_string(min_types));
  if (max_types < min_types || max_types > kNumTypes) {
    throw ConfigError("generator.max_types: must be in [min_types, " + std::to_string(kNumTypes) + "] = [" +
                      std::to_string(min_types) + ", " + std::to_string(kNumTypes) + "], got " +
                      std::to_string(max_types));
  }
  if (!(negative_ratio >= 0 && negative_ratio <= 1)) {
    throw ConfigError("generator.negative_ratio: must be in [0, 1], got " + std::to_string(negative_ratio));
  }
}

namespace {

std::string where(const std::string& source, const toml::node& node) {
  return source + ":" + std::to_string(node.source().begin.line) + ": ";
}

std::string show(const toml::node& node) {
  if (node.is_string()) return "\"" + *node.value<std::string>() + "\"";
  std::ostringstream out;
  node.visit([&](const auto& v) { out << v; });
  return out.str();
}

double number(const std::string& source, const std::string& key, const toml::node& node) {
  if (auto d = node.value<double>(); d && (node.is_floating_point() || node.is_integer())) return *d;
  throw ConfigError(where(source, node) + key + ": expected a number, got " + show(node));
}

int integer(const std::string& source, const std::string& key, const toml::node& node) {
  if (!node.is_integer()) throw ConfigError(where(source, node) + key + ": expected an integer, got " + show(node));
  return static_cast<int>(*node.value<int64_t>());
}

std::string type_list() {
  std::string s;
  for (int t = 0; t < kNumTypes; ++t) s += (t ? ", " : "") + std::string(type_name(t));
  return s;
}

}  // namespace

GeneratorConfig GeneratorConfig::from_toml(const std::string& text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw ConfigError(source + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  const toml::table* gen = root["generator"].as_table();
  if (!gen) throw ConfigError(source + ": no [generator] table");
  GeneratorConfig config;
  for (const auto& [key_node, node] : *gen) {
    const std::string key(key_node.str());
    const std::string full = "generator." + key;
    if (key == "min_types") {
      config.min_types = integer(source, full, node);
    } else if (key == "max_types") {
      config.max_types = integer(source, full, node);
    } else if (key == "negative_ratio") {
      config.negative_ratio = number(source, full, node);
    } else if (key == "chances") {
      const toml::table* chances = node.as_table();
      if (!chances) throw ConfigError(where(source, node) + full + ": expected a table of TYPE = chance, got " + show(node));
      for (const auto& [type_key, value] : *chances) {
        const std::string type(type_key.str());
        auto t = type_from_name(type);
        if (!t) {
          throw ConfigError(where(source, value) + full + "." + type + ": unknown type (expected one of " +
                            type_list() + ")");
        }
        const double p = number(source, full + "." + type, value);
        if (!std::isfinite(p) || p < 0) {
          throw ConfigError(where(source, value) + full + "." + type + ": must be a finite number >= 0, got " + show(value));
        }
        config.chances[*t] = p;
      }
    } else {
      throw ConfigError(where(source, node) + full +
                        ": unknown key (expected min_types, max_types, negative_ratio, chances)");
    }
  }
  try {
    config.validate();
  } catch (const ConfigError& e) {
    throw ConfigError(source + ": " + e.what());
  }
  return config;
}

GeneratorConfig GeneratorConfig::from_toml_file(const std::string& path) {
  std::string text;
  try {
    text = read_file(path);
  } catch (const std::exception& e) {
    throw ConfigError(e.what());
  }
  return from_toml(text, path);
}

struct Generator::Impl {
  GeneratorConfig config;
  Split split;
  uint64_t seed;
  uint64_t index = 0;
  const gen::Lexicons* lex;
  const gen::TemplateSet* templates;
  uint32_t positive = 0;  // types with a chance > 0

  // Weighted draw of k types without replacement, then the address group expansion.
  uint32_t draw_types(gen::Rng& rng) const {
    const int available = __builtin_popcount(positive);
    const int k = std::min<int>(available, static_cast<int>(rng.range(config.min_types, config.max_types)));
    uint32_t chosen = 0;
    for (int i = 0; i < k; ++i) {
      double total = 0;
      for (int t = 0; t < kNumTypes; ++t) {
        if (!(chosen & gen::bit(t))) total += config.chances[t];
      }
      double x = rng.uniform() * total;
      int pick = -1;
      for (int t = 0; t < kNumTypes; ++t) {
        if ((chosen & gen::bit(t)) || config.chances[t] <= 0) continue;
        pick = t;  // the last positive type absorbs rounding
        x -= config.chances[t];
        if (x < 0) break;
      }
      chosen |= gen::bit(pick);
    }
    if (chosen & gen::address_mask()) chosen |= gen::address_mask() & positive;
    return chosen;
  }

  Sample make(uint64_t i) const {
    // Each sample has its own stream, keyed by (split, seed, index): sample i never depends on
    // how many samples came before it.
    uint64_t key = seed ^ (split == Split::kEval ? 0x5EEDE7A1ULL : 0x7A1115EEDULL);
    uint64_t mixed = gen::splitmix64(key) ^ (i * 0x9E3779B97F4A7C15ULL);
    gen::Rng rng(gen::splitmix64(mixed));
    const uint32_t drawn = rng.chance(config.negative_ratio) ? 0 : draw_types(rng);
    gen::Renderer r(rng, *lex, drawn);
    gen::compose_sample(r, *templates);
    return r.finish(std::string(split_name(split)) + "-" + std::to_string(seed) + "-" + std::to_string(i));
  }
};

Generator::Generator(const GeneratorConfig& config, Split split, uint64_t seed)
    : impl_(std::make_unique<Impl>()) {
  config.validate();
  impl_->config = config;
  impl_->split = split;
  impl_->seed = seed;
  impl_->lex = &gen::Lexicons::get(split);
  impl_->templates = &gen::TemplateSet::get(split);
  for (int t = 0; t < kNumTypes; ++t) {
    if (config.chances[t] > 0) impl_->positive |= gen::bit(t);
  }
}

Generator::~Generator() = default;
Generator::Generator(Generator&&) noexcept = default;
Generator& Generator::operator=(Generator&&) noexcept = default;

Sample Generator::next() { return impl_->make(impl_->index++); }
Sample Generator::sample_at(uint64_t index) const { return impl_->make(index); }

std::vector<Sample> generate_samples(const GeneratorConfig& config, Split split, uint64_t seed,
                                     std::size_t count) {
  Generator g(config, split, seed);
  std::vector<Sample> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) out.push_back(g.next());
  return out;
}

std::vector<std::string> generator_template_texts(Split split) {
  std::vector<std::string> out;
  for (const auto& [group, text] : gen::template_table(split)) out.emplace_back(text);
  return out;
}

std::vector<std::string> generator_lexicon_names() {
  std::vector<std::string> out;
  for (auto name : gen::embedded_lexicon_names()) out.emplace_back(name);
  return out;
}

bool generator_lexicon_is_partitioned(std::string_view lexicon) { return !gen::is_shared_lexicon(lexicon); }

std::vector<std::string> generator_lexicon_values(std::string_view lexicon, Split split) {
  std::vector<std::string> out;
  const gen::Lexicon lex(lexicon, split, gen::is_shared_lexicon(lexicon));
  for (const auto& e : lex.entries()) out.emplace_back(e.value);
  return out;
}

}  // namespace piikit
