// Tokenizer throughput on one core, over generated samples (issue: tokenize+align tokens/s).
//   build/tokenizer_bench --benchmark_counters_tabular=true
// The tokenizer is trained once on 20k generated training samples (vocab 8000, the training
// default), or loaded from $PIIKIT_BENCH_TOKENIZER (a directory or a WordPiece vocab.txt).
// The texts are 5000 eval-split samples, so most words are unseen by the tokenizer's training.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "../src/pretokenizer.h"
#include "piikit/generator.h"
#include "piikit/tokenizer.h"

namespace {

using piikit::Sample;
using piikit::Tokenizer;

const std::vector<Sample>& eval_samples() {
  static const auto samples =
      piikit::generate_samples(piikit::GeneratorConfig(), piikit::Split::kEval, 11, 5000);
  return samples;
}

const Tokenizer& tokenizer() {
  static const Tokenizer tok = [] {
    if (const char* path = std::getenv("PIIKIT_BENCH_TOKENIZER")) return Tokenizer::load(path);
    const auto train =
        piikit::generate_samples(piikit::GeneratorConfig(), piikit::Split::kTrain, 1, 20000);
    std::vector<std::string> texts;
    for (const Sample& s : train) texts.push_back(s.text);
    const auto t0 = std::chrono::steady_clock::now();
    Tokenizer t = Tokenizer::train(texts, piikit::TokenizerTrainOptions{});
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cerr << "trained the benchmark tokenizer on 20000 samples in " << s << " s, "
              << t.vocab_size() << " pieces\n";
    return t;
  }();
  return tok;
}

// Sets tokens/s, texts/s and bytes/s from totals accumulated over the whole run.
void set_counters(benchmark::State& state, std::size_t tokens, std::size_t texts,
                  std::size_t bytes) {
  using benchmark::Counter;
  state.counters["tokens/s"] = Counter(static_cast<double>(tokens), Counter::kIsRate);
  state.counters["texts/s"] = Counter(static_cast<double>(texts), Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_Pretokenize(benchmark::State& state) {
  const auto& samples = eval_samples();
  std::size_t chunks = 0, texts = 0, bytes = 0, i = 0;
  for (auto _ : state) {
    const Sample& s = samples[i++ % samples.size()];
    const auto c = piikit::detail::pretokenize(s.text);
    benchmark::DoNotOptimize(c.data());
    chunks += c.size();
    ++texts;
    bytes += s.text.size();
  }
  set_counters(state, chunks, texts, bytes);  // "tokens" are chunks here
}
BENCHMARK(BM_Pretokenize);

void BM_Encode(benchmark::State& state) {
  const auto& samples = eval_samples();
  const Tokenizer& tok = tokenizer();
  std::size_t tokens = 0, texts = 0, bytes = 0, i = 0;
  for (auto _ : state) {
    const Sample& s = samples[i++ % samples.size()];
    const auto enc = tok.encode(s.text);
    benchmark::DoNotOptimize(enc.ids.data());
    tokens += enc.size();
    ++texts;
    bytes += s.text.size();
  }
  set_counters(state, tokens, texts, bytes);
}
BENCHMARK(BM_Encode);

// One pass over 5000 texts with a cold chunk cache (a freshly loaded copy of the tokenizer):
// what tokenizing a data set once costs. BM_Encode repeats the texts, so its cache is warm.
void BM_EncodeFirstPass(benchmark::State& state) {
  const auto& samples = eval_samples();
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("piikit_tok_bench_" + std::to_string(::getpid())))
          .string();
  tokenizer().save(dir);
  std::size_t tokens = 0, texts = 0, bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const Tokenizer fresh = Tokenizer::load(dir);
    state.ResumeTiming();
    for (const Sample& s : samples) {
      const auto enc = fresh.encode(s.text);
      benchmark::DoNotOptimize(enc.ids.data());
      tokens += enc.size();
      ++texts;
      bytes += s.text.size();
    }
  }
  std::filesystem::remove_all(dir);
  set_counters(state, tokens, texts, bytes);
}
BENCHMARK(BM_EncodeFirstPass)->Unit(benchmark::kMillisecond);

// The training path: [CLS] tokens [SEP] at 512, then gold spans -> token labels.
void BM_EncodeAndAlign(benchmark::State& state) {
  const auto& samples = eval_samples();
  const Tokenizer& tok = tokenizer();
  std::size_t tokens = 0, texts = 0, bytes = 0, i = 0;
  for (auto _ : state) {
    const Sample& s = samples[i++ % samples.size()];
    const auto enc = tok.encode_for_model(s.text, piikit::kDefaultMaxLength);
    const auto labels = piikit::align_labels(enc, s.entities);
    benchmark::DoNotOptimize(labels.data());
    tokens += enc.size();
    ++texts;
    bytes += s.text.size();
  }
  set_counters(state, tokens, texts, bytes);
}
BENCHMARK(BM_EncodeAndAlign);

// The inference tail: token labels -> spans (labels precomputed from the gold spans).
void BM_Decode(benchmark::State& state) {
  const auto& samples = eval_samples();
  const Tokenizer& tok = tokenizer();
  std::vector<piikit::Encoding> encodings;
  std::vector<std::vector<int32_t>> labels;
  for (std::size_t k = 0; k < 500; ++k) {
    encodings.push_back(tok.encode_for_model(samples[k].text, piikit::kDefaultMaxLength));
    labels.push_back(piikit::align_labels(encodings.back(), samples[k].entities));
  }
  std::size_t tokens = 0, texts = 0, bytes = 0, i = 0;
  for (auto _ : state) {
    const std::size_t k = i++ % encodings.size();
    const auto spans = piikit::decode_labels(encodings[k], labels[k], samples[k].text);
    benchmark::DoNotOptimize(spans.data());
    tokens += encodings[k].size();
    ++texts;
    bytes += samples[k].text.size();
  }
  set_counters(state, tokens, texts, bytes);
}
BENCHMARK(BM_Decode);

}  // namespace

BENCHMARK_MAIN();
