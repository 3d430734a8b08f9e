// Reader/writer throughput on a JSONL corpus built from the bundled sample file (30 samples,
// repeated with fresh ids). Reports samples/s and bytes/s.
//   build-io/sample_io_bench --benchmark_filter=ReadJsonl
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "piikit/sample_io.h"
#include "piikit/stats.h"

namespace {

std::vector<piikit::Sample> corpus(std::size_t n) {
  auto base = piikit::load_samples({std::string(PIIKIT_SOURCE_DIR) + "/data/samples/sample.jsonl"});
  std::vector<piikit::Sample> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(base[i % base.size()]);
    out.back().id = "s-" + std::to_string(i);
  }
  return out;
}

void BM_ReadJsonl(benchmark::State& state) {
  std::ostringstream text;
  piikit::write_jsonl(text, corpus(state.range(0)));
  const std::string data = text.str();
  for (auto _ : state) {
    std::istringstream in(data);
    auto samples = piikit::read_jsonl(in, "bench.jsonl");
    benchmark::DoNotOptimize(samples.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(data.size()));
}
BENCHMARK(BM_ReadJsonl)->Arg(10000)->Unit(benchmark::kMillisecond);

// Baseline: nlohmann::json::parse of every line, no checks (what the reader adds is the rest).
void BM_JsonParseOnly(benchmark::State& state) {
  std::ostringstream text;
  piikit::write_jsonl(text, corpus(state.range(0)));
  const std::string data = text.str();
  for (auto _ : state) {
    std::istringstream in(data);
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) n += nlohmann::json::parse(line).size();
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(data.size()));
}
BENCHMARK(BM_JsonParseOnly)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_WriteJsonl(benchmark::State& state) {
  auto samples = corpus(state.range(0));
  for (auto _ : state) {
    std::ostringstream out;
    piikit::write_jsonl(out, samples);
    benchmark::DoNotOptimize(out.str().size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_WriteJsonl)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_ComputeStats(benchmark::State& state) {
  auto samples = corpus(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(piikit::compute_stats(samples).entities);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ComputeStats)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
