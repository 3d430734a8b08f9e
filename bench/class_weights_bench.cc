// Label-counting throughput (labels/s) over 100M token labels with a realistic distribution:
// about 85% O, 4% -100 (special tokens and padding), 11% entity labels skewed like the issue's
// count table. Goal: >= 2e9 labels/s on one core (shared/PERF-NOTES.md; numpy.bincount:
// 0.17-0.27e9, bench/count_labels_numpy.py). BM_CountLabelsPortable is the loop used without
// AVX-512, BM_CountLabelsNaive the obvious single-table loop with branches, for comparison.
// labels_per_second is per CPU second of the benchmark thread (the machines are shared: compare
// the Time and CPU columns to see how much of the wall time went to other processes).
//
//   build/class_weights_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "piikit/class_weights.h"
#include "piikit/label_counting.h"

namespace {

constexpr std::size_t kNumTokens = 100'000'000;

const std::vector<int32_t>& realistic_labels() {
  static const std::vector<int32_t> labels = [] {
    std::mt19937_64 rng(2024);
    // Weights: O, ignore, then B-/I- of a few frequent and rare types (ids as in label_set.h).
    const std::vector<int32_t> values = {
        0, piikit::kIgnoreLabel, 1, 2, 3, 4, 9, 10, 27, 28, 43, 44, 47, 48, 13, 14, 21, 22};
    const std::vector<double> weights = {86.0, 4.0,  2.4, 1.0,  2.5, 1.2, 0.5, 1.5, 0.12,
                                         0.36, 0.08, 0.4, 0.05, 0.2, 0.2, 0.3, 0.1, 0.09};
    std::discrete_distribution<std::size_t> pick(weights.begin(), weights.end());
    std::vector<int32_t> out(kNumTokens);
    for (auto& l : out) l = values[pick(rng)];
    return out;
  }();
  return labels;
}

void report(benchmark::State& state, std::size_t n) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(n));
  state.counters["labels_per_second"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}

// count_labels: what the library runs (the AVX-512 loop where the CPU has AVX-512F/BW/VBMI2).
void BM_CountLabels(benchmark::State& state) {
  const auto& labels = realistic_labels();
  for (auto _ : state) {
    piikit::LabelCounts counts = piikit::count_labels(labels.data(), labels.size());
    benchmark::DoNotOptimize(counts);
  }
  report(state, labels.size());
}
BENCHMARK(BM_CountLabels)->Unit(benchmark::kMillisecond);

void BM_CountLabelsPortable(benchmark::State& state) {
  const auto& labels = realistic_labels();
  for (auto _ : state) {
    piikit::LabelCounts counts{};
    piikit::detail::count_labels_portable(labels.data(), labels.size(), counts);
    benchmark::DoNotOptimize(counts);
  }
  report(state, labels.size());
}
BENCHMARK(BM_CountLabelsPortable)->Unit(benchmark::kMillisecond);

// The obvious loop: one table, a branch per label for -100 and the range check.
void BM_CountLabelsNaive(benchmark::State& state) {
  const auto& labels = realistic_labels();
  for (auto _ : state) {
    piikit::LabelCounts counts{};
    bool bad = false;
    for (int32_t l : labels) {
      if (l == piikit::kIgnoreLabel) continue;
      if (l < 0 || l >= piikit::kNumLabels) {
        bad = true;
        break;
      }
      ++counts[l];
    }
    benchmark::DoNotOptimize(bad);
    benchmark::DoNotOptimize(counts);
  }
  report(state, labels.size());
}
BENCHMARK(BM_CountLabelsNaive)->Unit(benchmark::kMillisecond);

// Counting plus the weight computation: the latter is 53 labels, negligible.
void BM_CountAndComputeWeights(benchmark::State& state) {
  const auto& labels = realistic_labels();
  for (auto _ : state) {
    auto counts = piikit::count_labels(labels.data(), labels.size());
    auto weights = piikit::compute_class_weights(counts, piikit::ClassWeightOptions{});
    benchmark::DoNotOptimize(weights);
  }
  report(state, labels.size());
}
BENCHMARK(BM_CountAndComputeWeights)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
