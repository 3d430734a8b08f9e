// Generator throughput: samples/s on one core (issue: 100k samples well under 10 s).
//   build/generator_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include "piikit/generator.h"

namespace {

void BM_GenerateTrain(benchmark::State& state) {
  piikit::Generator gen(piikit::GeneratorConfig(), piikit::Split::kTrain, 1);
  std::size_t bytes = 0;
  for (auto _ : state) {
    piikit::Sample s = gen.next();
    bytes += s.text.size();
    benchmark::DoNotOptimize(s);
  }
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_GenerateTrain);

void BM_GenerateEval(benchmark::State& state) {
  piikit::Generator gen(piikit::GeneratorConfig(), piikit::Split::kEval, 1);
  for (auto _ : state) benchmark::DoNotOptimize(gen.next());
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_GenerateEval);

// The figure: 100k samples in one go (wall time per 100k).
void BM_Generate100k(benchmark::State& state) {
  for (auto _ : state) {
    auto samples = piikit::generate_samples(piikit::GeneratorConfig(), piikit::Split::kTrain, 7, 100000);
    benchmark::DoNotOptimize(samples.data());
  }
}
BENCHMARK(BM_Generate100k)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
