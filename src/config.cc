// TrainConfig: TOML <-> typed structs. Every key is described once, in a table of Fields (section,
// key, how to set it from a TOML value with its range check, how to write it back), so load(),
// --set overrides and to_toml() cannot drift apart.
#include "piikit/config.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <sstream>

#include "piikit/error.h"
#include "piikit/file_util.h"

namespace piikit {

ClassWeightOptions TrainingConfig::class_weight_options() const {
  return {parse_weight_scheme(class_weight_scheme), class_weight_beta, o_weight, max_weight,
          parse_weight_granularity(class_weight_granularity)};
}
namespace {

// Where a value came from, for messages: "config.toml:12: training.batch_size: ...".
struct Origin {
  std::string source;    // file name, or "--set <text>" for an override
  std::size_t line = 0;  // 1-based; 0 = unknown
  std::string key;       // "section.key"
  std::string raw;       // override text after '=' (empty for file values)

  std::string prefix() const {
    std::string out = source;
    if (line > 0) out += ":" + std::to_string(line);
    return out + ": " + key;
  }
};

[[noreturn]] void fail(const Origin& at, const std::string& message) {
  throw ConfigError(at.prefix() + ": " + message);
}

// The value as it was written, for messages: strings keep their quotes.
std::string show(const toml::node& node) {
  if (auto s = node.value_exact<std::string>()) {
    return "\"" + (s->size() > 60 ? s->substr(0, 57) + "..." : *s) + "\"";
  }
  std::ostringstream out;
  node.visit([&](const auto& v) { out << v; });
  std::string s = out.str();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

using Setter = std::function<void(TrainConfig&, const toml::node&, const Origin&)>;
using Getter = std::function<void(const TrainConfig&, toml::table&)>;

struct Field {
  std::string section;
  std::string key;
  Setter set;
  Getter get;
};

int64_t as_integer(const toml::node& node, const Origin& at) {
  if (auto v = node.value_exact<int64_t>()) return *v;
  // Lenient for overrides and hand-written files alike: 4.0 is a fine batch size.
  if (auto d = node.value_exact<double>();
      d && std::isfinite(*d) && *d == std::floor(*d) && std::fabs(*d) < 9.0e15) {
    return static_cast<int64_t>(*d);
  }
  fail(at, "expected an integer, got " + show(node));
}

double as_double(const toml::node& node, const Origin& at) {
  if (auto v = node.value_exact<double>()) {
    if (!std::isfinite(*v)) fail(at, "expected a finite number, got " + show(node));
    return *v;
  }
  if (auto i = node.value_exact<int64_t>()) return static_cast<double>(*i);
  fail(at, "expected a number, got " + show(node));
}

std::string as_string(const toml::node& node, const Origin& at) {
  if (auto v = node.value_exact<std::string>()) return *v;
  // An override whose text is not a TOML string (e.g. --set paths.output_dir=123) is taken as
  // written.
  if (!at.raw.empty()) return at.raw;
  fail(at, "expected a string, got " + show(node));
}

bool as_bool(const toml::node& node, const Origin& at) {
  if (auto v = node.value_exact<bool>()) return *v;
  fail(at, "expected true or false, got " + show(node));
}

// Field builders. `ref` is a generic lambda returning a reference to the member, for both
// TrainConfig& and const TrainConfig&.
template <class Ref>
Field int_field(std::string section, std::string key, Ref ref, int64_t lo, int64_t hi) {
  Field f{section, key, nullptr, nullptr};
  f.set = [ref, lo, hi](TrainConfig& c, const toml::node& n, const Origin& at) {
    int64_t v = as_integer(n, at);
    if (v < lo || v > hi) {
      if (hi == std::numeric_limits<int32_t>::max() || hi == std::numeric_limits<int64_t>::max()) {
        fail(at, fmt::format("must be >= {}, got {}", lo, v));
      }
      fail(at, fmt::format("must be in [{}, {}], got {}", lo, hi, v));
    }
    using T = std::remove_reference_t<decltype(ref(c))>;
    ref(c) = static_cast<T>(v);
  };
  f.get = [ref, key](const TrainConfig& c, toml::table& t) {
    t.insert_or_assign(key, static_cast<int64_t>(ref(c)));
  };
  return f;
}

// check(v) returns an empty string when v is valid, else what is expected ("must be in (0, 1)").
template <class Ref>
Field double_field(std::string section, std::string key, Ref ref,
                   std::function<std::string(double)> check) {
  Field f{section, key, nullptr, nullptr};
  f.set = [ref, check](TrainConfig& c, const toml::node& n, const Origin& at) {
    double v = as_double(n, at);
    if (std::string problem = check(v); !problem.empty()) {
      fail(at, fmt::format("{}, got {}", problem, show(n)));
    }
    ref(c) = v;
  };
  f.get = [ref, key](const TrainConfig& c, toml::table& t) { t.insert_or_assign(key, ref(c)); };
  return f;
}

// choices: allowed values (empty = any string).
template <class Ref>
Field string_field(std::string section, std::string key, Ref ref,
                   std::vector<std::string> choices = {}) {
  Field f{section, key, nullptr, nullptr};
  f.set = [ref, choices](TrainConfig& c, const toml::node& n, const Origin& at) {
    std::string v = as_string(n, at);
    if (!choices.empty() && std::find(choices.begin(), choices.end(), v) == choices.end()) {
      fail(at, fmt::format("expected one of {}, got \"{}\"", fmt::join(choices, " | "), v));
    }
    ref(c) = v;
  };
  f.get = [ref, key](const TrainConfig& c, toml::table& t) { t.insert_or_assign(key, ref(c)); };
  return f;
}

template <class Ref>
Field bool_field(std::string section, std::string key, Ref ref) {
  Field f{section, key, nullptr, nullptr};
  f.set = [ref](TrainConfig& c, const toml::node& n, const Origin& at) { ref(c) = as_bool(n, at); };
  f.get = [ref, key](const TrainConfig& c, toml::table& t) { t.insert_or_assign(key, ref(c)); };
  return f;
}

std::function<std::string(double)> in_range(double lo, double hi, bool lo_open, bool hi_open) {
  return [=](double v) -> std::string {
    bool ok = (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
    if (ok) return "";
    if (std::isinf(hi)) return fmt::format("must be {} {}", lo_open ? ">" : ">=", lo);
    return fmt::format("must be in {}{}, {}{}", lo_open ? "(" : "[", lo, hi, hi_open ? ")" : "]");
  };
}

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();

#define PIIKIT_REF(member) \
  [](auto& c) -> auto& { return c.member; }

const std::vector<Field>& fields() {
  static const std::vector<Field> table = [] {
    std::vector<Field> f;
    // [model]. "preset" is special-cased in apply(): it runs before the size keys.
    f.push_back(string_field("model", "preset", PIIKIT_REF(model.preset), model_preset_names()));
    f.push_back(int_field("model", "vocab_size", PIIKIT_REF(model.vocab_size), 1, kIntMax));
    f.push_back(int_field("model", "d_model", PIIKIT_REF(model.d_model), 1, 65536));
    f.push_back(int_field("model", "num_layers", PIIKIT_REF(model.num_layers), 1, 256));
    f.push_back(int_field("model", "num_heads", PIIKIT_REF(model.num_heads), 1, 1024));
    f.push_back(int_field("model", "ffn_dim", PIIKIT_REF(model.ffn_dim), 1, 1 << 20));
    f.push_back(
        double_field("model", "dropout", PIIKIT_REF(model.dropout), in_range(0, 1, false, true)));
    f.push_back(double_field("model", "attention_dropout", PIIKIT_REF(model.attention_dropout),
                             in_range(0, 1, false, true)));
    f.push_back(int_field("model", "max_length", PIIKIT_REF(model.max_length), 3, 1 << 20));
    f.push_back(bool_field("model", "char_cnn", PIIKIT_REF(model.char_cnn)));
    f.push_back(int_field("model", "char_dim", PIIKIT_REF(model.char_dim), 1, 4096));
    f.push_back(int_field("model", "char_filters", PIIKIT_REF(model.char_filters), 1, 65536));
    f.push_back(int_field("model", "coref_clusters", PIIKIT_REF(model.coref_clusters), 0, kIntMax));

    // [training]
    f.push_back(int_field("training", "num_epochs", PIIKIT_REF(training.num_epochs), 1, kIntMax));
    f.push_back(int_field("training", "max_steps", PIIKIT_REF(training.max_steps), 0, kIntMax));
    f.push_back(double_field("training", "max_minutes", PIIKIT_REF(training.max_minutes),
                             in_range(0, kInf, false, true)));
    f.push_back(int_field("training", "batch_size", PIIKIT_REF(training.batch_size), 1, kIntMax));
    f.push_back(double_field("training", "learning_rate", PIIKIT_REF(training.learning_rate),
                             in_range(0, kInf, true, true)));
    f.push_back(
        int_field("training", "warmup_steps", PIIKIT_REF(training.warmup_steps), 0, kIntMax));
    f.push_back(string_field("training", "lr_schedule", PIIKIT_REF(training.lr_schedule),
                             {"cosine", "linear"}));
    f.push_back(double_field("training", "weight_decay", PIIKIT_REF(training.weight_decay),
                             in_range(0, kInf, false, true)));
    f.push_back(double_field("training", "max_grad_norm", PIIKIT_REF(training.max_grad_norm),
                             in_range(0, kInf, false, true)));
    f.push_back(double_field("training", "eval_size_ratio", PIIKIT_REF(training.eval_size_ratio),
                             in_range(0, 1, true, true)));
    f.push_back(int_field("training", "eval_every_steps", PIIKIT_REF(training.eval_every_steps), 0,
                          kIntMax));
    f.push_back(int_field("training", "max_sequence_length",
                          PIIKIT_REF(training.max_sequence_length), 3, 1 << 20));
    f.push_back(int_field("training", "seed", PIIKIT_REF(training.seed), 0,
                          std::numeric_limits<int64_t>::max()));
    f.push_back(string_field("training", "class_weight_scheme",
                             PIIKIT_REF(training.class_weight_scheme),
                             {"none", "inverse", "inverse_sqrt", "effective"}));
    f.push_back(double_field("training", "class_weight_beta",
                             PIIKIT_REF(training.class_weight_beta), in_range(0, 1, true, true)));
    f.push_back(string_field("training", "class_weight_granularity",
                             PIIKIT_REF(training.class_weight_granularity), {"label", "type"}));
    f.push_back(double_field("training", "o_weight", PIIKIT_REF(training.o_weight),
                             in_range(0, 1, true, false)));
    f.push_back(double_field("training", "max_weight", PIIKIT_REF(training.max_weight),
                             in_range(0, kInf, false, true)));
    f.push_back(string_field("training", "loss_reduction", PIIKIT_REF(training.loss_reduction),
                             {"mean", "weighted_mean", "sum"}));
    f.push_back(double_field("training", "focal_gamma", PIIKIT_REF(training.focal_gamma),
                             in_range(0, 100, false, false)));
    f.push_back(double_field("training", "token_dropout", PIIKIT_REF(training.token_dropout),
                             in_range(0, 1, false, true)));
    f.push_back(double_field("training", "pii_loss_weight", PIIKIT_REF(training.pii_loss_weight),
                             in_range(0, kInf, false, true)));
    f.push_back(double_field("training", "coref_loss_weight",
                             PIIKIT_REF(training.coref_loss_weight),
                             in_range(0, kInf, false, true)));
    f.push_back(string_field(
        "training", "early_stopping_metric", PIIKIT_REF(training.early_stopping_metric),
        {"entity_macro_f1", "entity_micro_f1", "token_macro_f1", "token_micro_f1", "loss"}));
    f.push_back(int_field("training", "early_stopping_patience",
                          PIIKIT_REF(training.early_stopping_patience), 0, kIntMax));
    f.push_back(double_field("training", "early_stopping_threshold",
                             PIIKIT_REF(training.early_stopping_threshold),
                             in_range(0, kInf, false, true)));
    f.push_back(int_field("training", "threads", PIIKIT_REF(training.threads), 0, 4096));
    f.push_back(int_field("training", "replicas", PIIKIT_REF(training.replicas), 0, 4096));
    f.push_back(string_field("training", "device", PIIKIT_REF(training.device)));

    // [paths]
    f.push_back(string_field("paths", "output_dir", PIIKIT_REF(paths.output_dir)));
    f.push_back(string_field("paths", "tokenizer", PIIKIT_REF(paths.tokenizer)));

    // [data]. train_files is an array of strings (a single string is accepted as one file).
    Field files{"data", "train_files", nullptr, nullptr};
    files.set = [](TrainConfig& c, const toml::node& n, const Origin& at) {
      std::vector<std::string> out;
      if (const toml::array* arr = n.as_array()) {
        for (std::size_t i = 0; i < arr->size(); ++i) {
          auto s = (*arr)[i].value_exact<std::string>();
          if (!s) {
            fail(at, fmt::format("element {} must be a string, got {}", i, show((*arr)[i])));
          }
          out.push_back(*s);
        }
      } else {
        out.push_back(as_string(n, at));
      }
      c.data.train_files = std::move(out);
    };
    files.get = [](const TrainConfig& c, toml::table& t) {
      toml::array arr;
      for (const auto& s : c.data.train_files) arr.push_back(s);
      t.insert_or_assign("train_files", std::move(arr));
    };
    f.push_back(std::move(files));
    f.push_back(int_field("data", "generate_train_samples", PIIKIT_REF(data.generate_train_samples),
                          1, kIntMax));
    f.push_back(int_field("data", "generate_seed", PIIKIT_REF(data.generate_seed), 0,
                          std::numeric_limits<int64_t>::max()));
    f.push_back(string_field("data", "generator_config", PIIKIT_REF(data.generator_config)));
    f.push_back(int_field("data", "tokenizer_vocab_size", PIIKIT_REF(data.tokenizer_vocab_size), 16,
                          kIntMax));
    return f;
  }();
  return table;
}

#undef PIIKIT_REF

const Field* find_field(const std::string& section, const std::string& key) {
  for (const Field& f : fields()) {
    if (f.section == section && f.key == key) return &f;
  }
  return nullptr;
}

const std::vector<std::string> kSections = {"model", "training", "paths", "data", "class_weights"};

std::size_t line_of(const toml::node& node) { return node.source().begin.line; }

// One value to apply, in order. The node is owned (copied) so overrides can outlive parsing.
struct Entry {
  const Field* field;
  std::unique_ptr<toml::node> value;
  Origin origin;
};

struct Collected {
  std::vector<Entry> entries;
  toml::table class_weights;    // merged [class_weights] table
  Origin class_weights_origin;  // where it came from (for errors from class_weights_from_toml)
  bool has_class_weights = false;
};

void collect_document(const toml::table& doc, const std::string& source, Collected& out,
                      bool model_only) {
  for (const auto& [k, node] : doc) {
    std::string section(k.str());
    Origin at{source, line_of(node), section, ""};
    bool known = model_only
                     ? section == "model"
                     : std::find(kSections.begin(), kSections.end(), section) != kSections.end();
    if (!known) {
      if (!node.is_table()) fail(at, "unknown top-level key (keys belong in a [section])");
      fail(at, fmt::format("unknown section [{}] (valid: {})", section,
                           model_only ? std::string("model")
                                      : fmt::format("{}", fmt::join(kSections, ", "))));
    }
    const toml::table* table = node.as_table();
    if (!table) fail(at, "expected a table [" + section + "], got " + show(node));
    if (section == "class_weights") {
      for (const auto& [ck, cv] : *table) {
        cv.visit([&](const auto& v) { out.class_weights.insert_or_assign(ck, v); });
      }
      out.class_weights_origin = at;
      out.has_class_weights = true;
      continue;
    }
    for (const auto& [key_str, value] : *table) {
      std::string key(key_str.str());
      Origin vat{source, line_of(value), section + "." + key, ""};
      const Field* field = find_field(section, key);
      if (!field) fail(vat, "unknown key");
      std::unique_ptr<toml::node> copy;
      value.visit([&](const auto& v) {
        using V = std::remove_cv_t<std::remove_reference_t<decltype(v)>>;
        copy = std::make_unique<V>(v);
      });
      out.entries.push_back(Entry{field, std::move(copy), vat});
    }
  }
}

toml::table parse_toml(const std::string& text, const std::string& source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    throw ConfigError(fmt::format("{}:{}:{}: TOML syntax error: {}", source, begin.line,
                                  begin.column, e.description()));
  }
}

void collect_override(const std::string& text, Collected& out) {
  std::string source = "--set " + text;
  auto eq = text.find('=');
  auto dot = text.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot > eq) {
    throw ConfigError(source + ": expected section.key=value (e.g. training.batch_size=16)");
  }
  auto trim = [](std::string s) {
    auto b = s.find_first_not_of(" \t");
    auto e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  };
  std::string section = trim(text.substr(0, dot));
  std::string key = trim(text.substr(dot + 1, eq - dot - 1));
  std::string raw = trim(text.substr(eq + 1));
  Origin at{source, 0, section + "." + key, raw};
  if (std::find(kSections.begin(), kSections.end(), section) == kSections.end()) {
    throw ConfigError(fmt::format("{}: unknown section [{}] (valid: {})", source, section,
                                  fmt::join(kSections, ", ")));
  }
  // The value as TOML; if it is not valid TOML, it is the string as written.
  std::unique_ptr<toml::node> value;
  try {
    toml::table t = toml::parse("v = " + raw);
    t["v"].node()->visit([&](const auto& v) {
      using V = std::remove_cv_t<std::remove_reference_t<decltype(v)>>;
      value = std::make_unique<V>(v);
    });
  } catch (const toml::parse_error&) {
    value = std::make_unique<toml::value<std::string>>(raw);
    at.raw.clear();  // already a string
  }
  if (section == "class_weights") {
    value->visit([&](const auto& v) { out.class_weights.insert_or_assign(key, v); });
    out.class_weights_origin = at;
    out.has_class_weights = true;
    return;
  }
  const Field* field = find_field(section, key);
  if (!field) fail(at, "unknown key");
  // A later value for the same key replaces an earlier one (file, then overrides in order).
  for (auto it = out.entries.begin(); it != out.entries.end();) {
    it = it->field == field ? out.entries.erase(it) : it + 1;
  }
  out.entries.push_back(Entry{field, std::move(value), at});
}

void apply(TrainConfig& config, const Collected& collected) {
  // The preset first, so that explicit sizes (wherever they appear) override it.
  for (const Entry& e : collected.entries) {
    if (e.field->section == "model" && e.field->key == "preset") {
      e.field->set(config, *e.value, e.origin);
      apply_model_preset(config.model, config.model.preset);
    }
  }
  for (const Entry& e : collected.entries) {
    if (e.field->section == "model" && e.field->key == "preset") continue;
    e.field->set(config, *e.value, e.origin);
  }
}

// The place (file:line or --set text) of the latest value whose key the message mentions.
std::string where(const std::vector<Entry>& entries, const std::string& message,
                  const std::string& fallback) {
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (message.find(it->origin.key) != std::string::npos) {
      return it->origin.line > 0 ? it->origin.source + ":" + std::to_string(it->origin.line)
                                 : it->origin.source;
    }
  }
  return fallback;
}

// Checks that involve more than one key; the message names the place the last key came from.
void validate(const TrainConfig& c, const Collected& collected, const std::string& source) {
  try {
    validate_model_config(c.model);
  } catch (const ConfigError& e) {
    throw ConfigError(where(collected.entries, e.what(), source) + ": " + e.what());
  }
  if (c.training.max_sequence_length > c.model.max_length) {
    throw ConfigError(fmt::format(
        "{}: training.max_sequence_length: {} exceeds model.max_length = {} (the model has no "
        "position embeddings past it)",
        where(collected.entries, "training.max_sequence_length model.max_length", source),
        c.training.max_sequence_length, c.model.max_length));
  }
}

TrainConfig build(const Collected& collected, const std::string& source) {
  TrainConfig config;
  apply(config, collected);
  if (collected.has_class_weights) {
    try {
      config.class_weights = class_weights_from_toml(collected.class_weights);
    } catch (const ConfigError& e) {
      throw ConfigError(collected.class_weights_origin.prefix() + ": " + e.what());
    }
  }
  validate(config, collected, source);
  return config;
}

}  // namespace

TrainConfig TrainConfig::parse(const std::string& toml_text, const std::string& source_name,
                               const std::vector<std::string>& overrides) {
  Collected collected;
  if (!toml_text.empty()) {
    collect_document(parse_toml(toml_text, source_name), source_name, collected, false);
  }
  for (const std::string& o : overrides) collect_override(o, collected);
  return build(collected, source_name);
}

TrainConfig TrainConfig::load(const std::string& path, const std::vector<std::string>& overrides) {
  if (path.empty()) return parse("", "(defaults)", overrides);
  std::string text;
  try {
    text = read_file(path);
  } catch (const std::exception&) {
    throw ConfigError(path + ": cannot open configuration file");
  }
  return parse(text, path, overrides);
}

std::string TrainConfig::to_toml() const {
  toml::table doc;
  for (const char* section : {"model", "training", "paths", "data"}) {
    toml::table t;
    for (const Field& f : fields()) {
      if (f.section == section) f.get(*this, t);
    }
    doc.insert_or_assign(section, std::move(t));
  }
  std::ostringstream out;
  out << "# piikit training configuration (resolved: every key, defaults included)\n"
      << toml::toml_formatter(doc) << "\n";
  if (class_weights) out << "\n" << class_weights->to_toml();
  return out.str();
}

std::string model_config_to_toml(const ModelConfig& config) {
  TrainConfig holder;
  holder.model = config;
  toml::table model;
  for (const Field& f : fields()) {
    if (f.section == "model") f.get(holder, model);
  }
  toml::table doc;
  doc.insert_or_assign("model", std::move(model));
  std::ostringstream out;
  out << toml::toml_formatter(doc) << "\n";
  return out.str();
}

ModelConfig load_model_config(const std::string& path) {
  std::string text;
  try {
    text = read_file(path);
  } catch (const std::exception&) {
    throw ConfigError(path + ": cannot open model configuration");
  }
  Collected collected;
  collect_document(parse_toml(text, path), path, collected, true);
  TrainConfig config;
  apply(config, collected);
  try {
    validate_model_config(config.model);
  } catch (const ConfigError& e) {
    throw ConfigError(path + ": " + e.what());
  }
  return config.model;
}

}  // namespace piikit
