// Aggregation of scheme-comparison runs: spreads over seeds, paired deltas against the baseline,
// the side-by-side table, compare.json and the three pictures. Torch-free: the runs come from a
// callback (see compare_run.cc for the one that trains).
#include "piikit/compare.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <stdexcept>

#include "piikit/error.h"
#include "piikit/file_util.h"
#include "piikit/svg_plot.h"

namespace piikit {
namespace {

using nlohmann::ordered_json;

// Ratios as in Prf (metrics.h): 0 when the denominator is 0. Computed here from the counts so the
// aggregation depends only on EvalReport's data, not on how a report was produced.
double ratio(uint64_t num, uint64_t den) { return den == 0 ? 0.0 : double(num) / double(den); }
double precision_of(const Prf& p) { return ratio(p.tp, p.tp + p.fp); }
double recall_of(const Prf& p) { return ratio(p.tp, p.tp + p.fn); }
double f1_of(const Prf& p) {
  double pr = precision_of(p), rc = recall_of(p);
  return pr + rc == 0 ? 0.0 : 2 * pr * rc / (pr + rc);
}

// Micro counts over all types, summed from the per-type exact counts.
Prf micro_of(const EvalReport& r) {
  Prf m;
  for (const auto& p : r.exact) {
    m.tp += p.tp;
    m.fp += p.fp;
    m.fn += p.fn;
  }
  return m;
}

double mean_over(const std::vector<int>& types, const std::function<double(int)>& f) {
  if (types.empty()) return 0;
  double sum = 0;
  for (int t : types) sum += f(t);
  return sum / double(types.size());
}

// Per-run scalar figures used by both the summaries and the paired deltas.
struct RunFigures {
  double micro_p, micro_r, micro_f1, macro_p, macro_r, macro_f1, rare_r;
};

RunFigures figures_of(const EvalReport& r, const std::vector<int>& macro_types,
                      const std::vector<int>& rare_types) {
  Prf m = micro_of(r);
  return RunFigures{
      precision_of(m),
      recall_of(m),
      f1_of(m),
      mean_over(macro_types, [&](int t) { return precision_of(r.exact[t]); }),
      mean_over(macro_types, [&](int t) { return recall_of(r.exact[t]); }),
      mean_over(macro_types, [&](int t) { return f1_of(r.exact[t]); }),
      mean_over(rare_types, [&](int t) { return recall_of(r.exact[t]); }),
  };
}

ordered_json spread_json(const Spread& s) {
  return ordered_json{{"mean", s.mean}, {"std", s.std}, {"min", s.min}, {"max", s.max}, {"n", s.n}};
}

std::string cell(const Spread& s) {
  if (s.n == 0) return "-";
  if (s.n < 2) return fmt::format("{:.3f}", s.mean);
  return fmt::format("{:.3f}±{:.3f}", s.mean, s.std);
}

std::string signed_cell(const Spread& s) {
  if (s.n == 0) return "-";
  if (s.n < 2) return fmt::format("{:+.3f}", s.mean);
  return fmt::format("{:+.3f}±{:.3f}", s.mean, s.std);
}

// Left-pads to `width` display columns; "±" is 2 bytes but one column.
std::string pad(const std::string& s, std::size_t width) {
  std::size_t cols = 0;
  for (unsigned char c : s) cols += (c & 0xC0) != 0x80;
  return cols >= width ? s : std::string(width - cols, ' ') + s;
}

std::string padr(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

// Types in table/chart order: rarest in training first, then by id.
std::vector<int> types_by_rarity(const CompareResult& r, bool with_support_only) {
  std::vector<int> types;
  for (int t = 0; t < kNumTypes; ++t) {
    if (!with_support_only || r.heldout_support[t] > 0) types.push_back(t);
  }
  std::stable_sort(types.begin(), types.end(), [&](int a, int b) {
    return r.train_counts[begin_label(a)] < r.train_counts[begin_label(b)];
  });
  return types;
}

bool is_rare(const CompareResult& r, int type) {
  return std::find(r.rare_types.begin(), r.rare_types.end(), type) != r.rare_types.end();
}

std::string bars_svg(const CompareResult& r, const std::string& what,
                     const std::array<Spread, kNumTypes> SchemeSummary::*field) {
  GroupedBarChart chart;
  std::size_t seeds = r.options.seeds.size();
  chart.title = fmt::format("Held-out {} per type, by class-weight scheme", what);
  chart.subtitle = fmt::format(
      "exact-span {}; bars: mean over {} seed{}, whiskers: min..max; types ordered by training "
      "count, rarest first; * = the {} rarest",
      what, seeds, seeds == 1 ? "" : "s", r.rare_types.size());
  chart.x_label = "PII type (training B- count)";
  chart.y_label = what;
  chart.y_min = 0;
  chart.y_max = 1;
  for (int t : types_by_rarity(r, true)) {
    chart.categories.push_back(
        fmt::format("{} ({})", type_name(t), r.train_counts[begin_label(t)]));
    chart.highlight.push_back(is_rare(r, t));
  }
  for (const auto& s : r.summaries) {
    BarSeries series;
    series.name = s.scheme;
    for (int t : types_by_rarity(r, true)) {
      const Spread& v = (s.*field)[t];
      series.values.push_back(v.mean);
      series.low.push_back(v.min);
      series.high.push_back(v.max);
    }
    chart.series.push_back(std::move(series));
  }
  if (chart.categories.empty()) {
    throw std::invalid_argument(
        "compare: no type has support in the held-out set; nothing to plot");
  }
  return render_grouped_bars(chart);
}

}  // namespace

Spread spread_of(const std::vector<double>& values) {
  Spread s;
  s.n = static_cast<int>(values.size());
  if (values.empty()) return s;
  s.mean = std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
  s.min = *std::min_element(values.begin(), values.end());
  s.max = *std::max_element(values.begin(), values.end());
  if (values.size() > 1) {
    double ss = 0;
    for (double v : values) ss += (v - s.mean) * (v - s.mean);
    s.std = std::sqrt(ss / double(values.size() - 1));
  }
  return s;
}

void validate(const CompareOptions& options) {
  if (options.schemes.empty())
    throw ConfigError("compare: --schemes is empty; give at least one scheme");
  if (options.seeds.empty()) throw ConfigError("compare: --seeds is empty; give at least one seed");
  std::set<std::string> names;
  for (const auto& s : options.schemes) {
    parse_weight_scheme(s);  // throws ConfigError naming the unknown scheme
    if (!names.insert(s).second) throw ConfigError("compare: scheme \"" + s + "\" is listed twice");
  }
  std::set<uint64_t> seeds;
  for (uint64_t seed : options.seeds) {
    if (!seeds.insert(seed).second) {
      throw ConfigError(fmt::format("compare: seed {} is listed twice", seed));
    }
  }
  if (options.rare_types < 1 || options.rare_types > kNumTypes) {
    throw ConfigError(
        fmt::format("compare: rare_types = {}; expected 1..{}", options.rare_types, kNumTypes));
  }
}

CompareResult summarize(const CompareOptions& options, std::vector<RunRecord> runs) {
  CompareResult r;
  r.options = options;
  // Index runs by (scheme, seed) and check every combination is there.
  std::map<std::pair<std::string, uint64_t>, const RunRecord*> by_key;
  for (const auto& run : runs) by_key[{run.scheme, run.seed}] = &run;
  for (const auto& scheme : options.schemes) {
    for (uint64_t seed : options.seeds) {
      if (!by_key.count({scheme, seed})) {
        throw std::invalid_argument(
            fmt::format("compare: no run for scheme {} seed {}", scheme, seed));
      }
    }
  }
  if (runs.empty()) throw std::invalid_argument("compare: no runs");

  // Held-out support must be the same for every run: one held-out set.
  for (int t = 0; t < kNumTypes; ++t)
    r.heldout_support[t] = runs.front().outcome.heldout.exact[t].support();
  std::array<double, kNumLabels> count_sum{};
  for (const auto& run : runs) {
    for (int t = 0; t < kNumTypes; ++t) {
      if (run.outcome.heldout.exact[t].support() != r.heldout_support[t]) {
        throw std::invalid_argument(
            fmt::format("compare: run {} seed {} has {} held-out {} entities, the first run {}: "
                        "the runs were not "
                        "evaluated on the same held-out set",
                        run.scheme, run.seed, run.outcome.heldout.exact[t].support(), type_name(t),
                        r.heldout_support[t]));
      }
    }
    for (int l = 0; l < kNumLabels; ++l) {
      count_sum[l] += double(run.outcome.train_counts[l]);
      if (run.outcome.train_counts[l] != runs.front().outcome.train_counts[l])
        r.train_counts_identical = false;
    }
  }
  for (int l = 0; l < kNumLabels; ++l) {
    r.train_counts[l] = static_cast<uint64_t>(std::llround(count_sum[l] / double(runs.size())));
  }
  for (int t = 0; t < kNumTypes; ++t) {
    if (r.heldout_support[t] > 0) r.macro_types.push_back(t);
  }
  std::vector<int> by_rarity = types_by_rarity(r, true);
  by_rarity.resize(std::min<std::size_t>(by_rarity.size(), options.rare_types));
  r.rare_types = by_rarity;

  // Per scheme: collect each figure over seeds, then spread.
  std::map<std::pair<std::string, uint64_t>, RunFigures> figures;
  for (const auto& run : runs) {
    figures[{run.scheme, run.seed}] = figures_of(run.outcome.heldout, r.macro_types, r.rare_types);
  }
  for (const auto& scheme : options.schemes) {
    SchemeSummary s;
    s.scheme = scheme;
    std::array<std::vector<double>, kNumTypes> p, rc, f;
    std::vector<double> mp, mr, mf, ap, ar, af, rr;
    for (uint64_t seed : options.seeds) {
      const EvalReport& rep = by_key[{scheme, seed}]->outcome.heldout;
      for (int t = 0; t < kNumTypes; ++t) {
        p[t].push_back(precision_of(rep.exact[t]));
        rc[t].push_back(recall_of(rep.exact[t]));
        f[t].push_back(f1_of(rep.exact[t]));
      }
      const RunFigures& fig = figures[{scheme, seed}];
      mp.push_back(fig.micro_p);
      mr.push_back(fig.micro_r);
      mf.push_back(fig.micro_f1);
      ap.push_back(fig.macro_p);
      ar.push_back(fig.macro_r);
      af.push_back(fig.macro_f1);
      rr.push_back(fig.rare_r);
    }
    for (int t = 0; t < kNumTypes; ++t) {
      s.precision[t] = spread_of(p[t]);
      s.recall[t] = spread_of(rc[t]);
      s.f1[t] = spread_of(f[t]);
    }
    s.micro_precision = spread_of(mp);
    s.micro_recall = spread_of(mr);
    s.micro_f1 = spread_of(mf);
    s.macro_precision = spread_of(ap);
    s.macro_recall = spread_of(ar);
    s.macro_f1 = spread_of(af);
    s.rare_macro_recall = spread_of(rr);
    r.summaries.push_back(std::move(s));
  }

  // Paired deltas against the baseline.
  const auto& schemes = options.schemes;
  std::string baseline =
      std::find(schemes.begin(), schemes.end(), "none") != schemes.end() ? "none" : schemes.front();
  for (const auto& scheme : schemes) {
    if (scheme == baseline) continue;
    SchemeDelta d;
    d.scheme = scheme;
    d.baseline = baseline;
    std::vector<double> rr, mp, mr, mf, af;
    for (uint64_t seed : options.seeds) {
      const RunFigures& a = figures[{scheme, seed}];
      const RunFigures& b = figures[{baseline, seed}];
      rr.push_back(a.rare_r - b.rare_r);
      mp.push_back(a.micro_p - b.micro_p);
      mr.push_back(a.micro_r - b.micro_r);
      mf.push_back(a.micro_f1 - b.micro_f1);
      af.push_back(a.macro_f1 - b.macro_f1);
    }
    d.rare_macro_recall = spread_of(rr);
    d.micro_precision = spread_of(mp);
    d.micro_recall = spread_of(mr);
    d.micro_f1 = spread_of(mf);
    d.macro_f1 = spread_of(af);
    r.deltas.push_back(std::move(d));
  }
  // Runs in option order: for each scheme, for each seed.
  std::vector<RunRecord> ordered;
  for (const auto& scheme : options.schemes) {
    for (uint64_t seed : options.seeds) ordered.push_back(*by_key[{scheme, seed}]);
  }
  r.runs = std::move(ordered);
  return r;
}

CompareResult compare(const CompareOptions& options, const RunFunction& run,
                      const ProgressFunction& progress) {
  validate(options);
  std::vector<RunRecord> runs;
  const std::size_t total = options.schemes.size() * options.seeds.size();
  for (const auto& scheme : options.schemes) {
    for (uint64_t seed : options.seeds) {
      RunRecord record{scheme, seed, run(scheme, seed)};
      if (progress) progress(runs.size(), total, record);
      runs.push_back(std::move(record));
    }
  }
  return summarize(options, std::move(runs));
}

std::string run_line(std::size_t index, std::size_t total, const RunRecord& record) {
  Prf m = micro_of(record.outcome.heldout);
  return fmt::format(
      "[{}/{}] {} seed {}: {} steps in {:.1f} s; held-out micro P {:.3f} R {:.3f} F1 {:.3f}",
      index + 1, total, record.scheme, record.seed, record.outcome.steps, record.outcome.seconds,
      precision_of(m), recall_of(m), f1_of(m));
}

std::string CompareResult::to_table() const {
  const std::size_t kType = 18, kCount = 9, kSupport = 8, kCol = 14;
  const std::size_t seeds = options.seeds.size();
  std::string out;
  out += fmt::format(
      "Held-out exact-span metrics, {} seed{} per scheme ({}){}.\n", seeds, seeds == 1 ? "" : "s",
      seeds < 2 ? "no spread with one seed" : "mean±std over seeds",
      options.heldout_source.empty() ? "" : "; held-out set: " + options.heldout_source);
  out += fmt::format("Types ordered by training B- count, rarest first; * = the {} rarest.\n",
                     rare_types.size());
  auto header = [&](const std::string& what) {
    std::string h = "\n" + what + "\n" + padr("type", kType) + pad("train B-", kCount) +
                    pad("support", kSupport);
    for (const auto& s : summaries) h += pad(s.scheme, kCol);
    return h + "\n";
  };
  const std::vector<int> types = types_by_rarity(*this, true);
  auto block = [&](const std::string& what,
                   const std::array<Spread, kNumTypes> SchemeSummary::*field) {
    out += header(what);
    for (int t : types) {
      std::string name = (is_rare(*this, t) ? "*" : " ") + std::string(type_name(t));
      out += padr(name, kType) + pad(std::to_string(train_counts[begin_label(t)]), kCount) +
             pad(std::to_string(heldout_support[t]), kSupport);
      for (const auto& s : summaries) out += pad(cell((s.*field)[t]), kCol);
      out += "\n";
    }
  };
  block("Recall", &SchemeSummary::recall);
  block("Precision", &SchemeSummary::precision);
  block("F1", &SchemeSummary::f1);

  out += "\nSummary" + std::string(kType + kCount + kSupport - 7, ' ');
  for (const auto& s : summaries) out += pad(s.scheme, kCol);
  out += "\n";
  auto row = [&](const std::string& name, Spread SchemeSummary::*field) {
    out += padr(name, kType + kCount + kSupport);
    for (const auto& s : summaries) out += pad(cell(s.*field), kCol);
    out += "\n";
  };
  row("micro precision", &SchemeSummary::micro_precision);
  row("micro recall", &SchemeSummary::micro_recall);
  row("micro F1", &SchemeSummary::micro_f1);
  row(fmt::format("macro precision ({})", macro_types.size()), &SchemeSummary::macro_precision);
  row(fmt::format("macro recall ({})", macro_types.size()), &SchemeSummary::macro_recall);
  row(fmt::format("macro F1 ({})", macro_types.size()), &SchemeSummary::macro_f1);
  row(fmt::format("rare macro recall ({})", rare_types.size()), &SchemeSummary::rare_macro_recall);

  if (!deltas.empty()) {
    out += fmt::format("\nPaired differences against {} (same seed; mean{} of scheme - {}):\n",
                       deltas.front().baseline, seeds < 2 ? "" : "±std over seeds",
                       deltas.front().baseline);
    out += padr("scheme", kType) + pad("rare recall", kCol) + pad("micro P", kCol) +
           pad("micro R", kCol) + pad("micro F1", kCol) + pad("macro F1", kCol) + "\n";
    for (const auto& d : deltas) {
      out += padr(d.scheme, kType) + pad(signed_cell(d.rare_macro_recall), kCol) +
             pad(signed_cell(d.micro_precision), kCol) + pad(signed_cell(d.micro_recall), kCol) +
             pad(signed_cell(d.micro_f1), kCol) + pad(signed_cell(d.macro_f1), kCol) + "\n";
    }
  }
  std::vector<std::string> absent;
  for (int t = 0; t < kNumTypes; ++t) {
    if (heldout_support[t] == 0) absent.emplace_back(type_name(t));
  }
  if (!absent.empty()) {
    std::string list;
    for (const auto& a : absent) list += (list.empty() ? "" : ", ") + a;
    out += "\nNot in the held-out set (left out of the tables and macro figures): " + list + "\n";
  }
  if (!train_counts_identical) {
    out +=
        "\nNote: the runs' training splits had different label counts; training counts are means "
        "over runs.\n";
  }
  return out;
}

std::string CompareResult::to_json() const {
  ordered_json root;
  ordered_json opts;
  opts["schemes"] = options.schemes;
  opts["seeds"] = options.seeds;
  opts["rare_types"] = options.rare_types;
  opts["out_dir"] = options.out_dir;
  opts["heldout_source"] = options.heldout_source;
  root["options"] = opts;
  root["definitions"] = {
      {"metrics",
       "exact-span entity precision/recall/F1 (same start, end, type) on the held-out set"},
      {"spread",
       "std = sample standard deviation over seeds (n-1; 0 with one seed); min, max over seeds"},
      {"macro", "mean over the types with support in the held-out set (macro_types)"},
      {"rare_types",
       "the rare_types types with the fewest B- labels in the training split (mean over "
       "runs), among types with held-out support; rarest first"},
      {"deltas", "per-seed difference scheme - baseline, then mean/std/min/max over seeds"},
  };
  ordered_json train_b = ordered_json::object(), support = ordered_json::object();
  for (int t = 0; t < kNumTypes; ++t) {
    train_b[std::string(type_name(t))] = train_counts[begin_label(t)];
    support[std::string(type_name(t))] = heldout_support[t];
  }
  root["train_b_counts"] = train_b;
  root["train_counts_identical"] = train_counts_identical;
  root["heldout_support"] = support;
  auto names = [](const std::vector<int>& types) {
    ordered_json a = ordered_json::array();
    for (int t : types) a.push_back(std::string(type_name(t)));
    return a;
  };
  root["rare_types"] = names(rare_types);
  root["macro_types"] = names(macro_types);

  ordered_json schemes = ordered_json::array();
  for (const auto& s : summaries) {
    ordered_json j;
    j["scheme"] = s.scheme;
    j["micro"] = {{"precision", spread_json(s.micro_precision)},
                  {"recall", spread_json(s.micro_recall)},
                  {"f1", spread_json(s.micro_f1)}};
    j["macro"] = {{"precision", spread_json(s.macro_precision)},
                  {"recall", spread_json(s.macro_recall)},
                  {"f1", spread_json(s.macro_f1)}};
    j["rare_macro_recall"] = spread_json(s.rare_macro_recall);
    ordered_json per_type = ordered_json::object();
    for (int t : macro_types) {
      per_type[std::string(type_name(t))] = {{"precision", spread_json(s.precision[t])},
                                             {"recall", spread_json(s.recall[t])},
                                             {"f1", spread_json(s.f1[t])}};
    }
    j["per_type"] = per_type;
    schemes.push_back(j);
  }
  root["schemes"] = schemes;

  ordered_json deltas_json = ordered_json::array();
  for (const auto& d : deltas) {
    deltas_json.push_back({{"scheme", d.scheme},
                           {"baseline", d.baseline},
                           {"rare_macro_recall", spread_json(d.rare_macro_recall)},
                           {"micro_precision", spread_json(d.micro_precision)},
                           {"micro_recall", spread_json(d.micro_recall)},
                           {"micro_f1", spread_json(d.micro_f1)},
                           {"macro_f1", spread_json(d.macro_f1)}});
  }
  root["deltas"] = deltas_json;

  ordered_json runs_json = ordered_json::array();
  for (const auto& run : runs) {
    ordered_json j;
    j["scheme"] = run.scheme;
    j["seed"] = run.seed;
    j["model_dir"] = run.outcome.model_dir;
    j["seconds"] = run.outcome.seconds;
    j["steps"] = run.outcome.steps;
    Prf m = micro_of(run.outcome.heldout);
    j["micro"] = {{"tp", m.tp},
                  {"fp", m.fp},
                  {"fn", m.fn},
                  {"precision", precision_of(m)},
                  {"recall", recall_of(m)},
                  {"f1", f1_of(m)}};
    ordered_json per_type = ordered_json::object();
    for (int t = 0; t < kNumTypes; ++t) {
      const Prf& p = run.outcome.heldout.exact[t];
      if (p.tp + p.fp + p.fn == 0) continue;
      per_type[std::string(type_name(t))] = {{"tp", p.tp}, {"fp", p.fp}, {"fn", p.fn}};
    }
    j["per_type"] = per_type;
    ordered_json curve = ordered_json::array();
    for (const auto& c : run.outcome.curve) {
      curve.push_back(
          {{"step", c.step}, {"train_loss", c.train_loss}, {"val_macro_f1", c.val_macro_f1}});
    }
    j["curve"] = curve;
    runs_json.push_back(j);
  }
  root["runs"] = runs_json;
  return root.dump(2) + "\n";
}

std::string recall_svg(const CompareResult& result) {
  return bars_svg(result, "recall", &SchemeSummary::recall);
}

std::string precision_svg(const CompareResult& result) {
  return bars_svg(result, "precision", &SchemeSummary::precision);
}

std::string curves_svg(const CompareResult& result) {
  LineChart loss, f1;
  loss.title = "Training loss";
  loss.x_label = "step";
  loss.y_label = "mean training loss (weighted)";
  f1.title = "Validation macro F1";
  f1.x_label = "step";
  f1.y_label = "exact-span macro F1";
  f1.y_min = 0;
  f1.y_max = 1;
  const auto& palette = plot_palette();
  for (std::size_t s = 0; s < result.options.schemes.size(); ++s) {
    const std::string& scheme = result.options.schemes[s];
    std::size_t seed_index = 0;
    for (const auto& run : result.runs) {
      if (run.scheme != scheme) continue;
      LineSeries l;
      l.name = scheme;
      l.color = palette[s % palette.size()];
      l.dashed = seed_index++ % 2 == 1;  // tell seeds apart a little without more legend entries
      l.markers = run.outcome.curve.size() <= 40;
      for (const auto& c : run.outcome.curve) {
        l.x.push_back(double(c.step));
        l.y.push_back(c.train_loss);
      }
      LineSeries v = l;
      v.y.clear();
      for (const auto& c : run.outcome.curve) v.y.push_back(c.val_macro_f1);
      loss.series.push_back(std::move(l));
      f1.series.push_back(std::move(v));
    }
  }
  std::size_t seeds = result.options.seeds.size();
  return render_line_charts({loss, f1}, 2,
                            fmt::format("Training curves: one line per run ({} seed{} per scheme)",
                                        seeds, seeds == 1 ? "" : "s"));
}

std::vector<std::string> write_compare_outputs(const CompareResult& result,
                                               const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error(dir + ": cannot create output directory: " + ec.message());
  // Render everything first so a rendering error leaves no partial set of files.
  std::vector<std::pair<std::string, std::string>> files = {
      {"compare.json", result.to_json()},
      {"recall.svg", recall_svg(result)},
      {"precision.svg", precision_svg(result)},
      {"curves.svg", curves_svg(result)},
  };
  std::vector<std::string> written;
  for (const auto& [name, content] : files) {
    std::string path = (fs::path(dir) / name).string();
    write_file_atomic(path, content);
    written.push_back(path);
  }
  return written;
}

}  // namespace piikit
