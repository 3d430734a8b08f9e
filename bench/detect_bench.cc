// Detection speed of piikit's Detector, end to end (tokenize, forward, constrained decoding,
// window merge), for comparison with Python PyTorch's forward pass alone (bench/detect_bench.py;
// bench/run_detect_bench.sh runs both and prints them side by side).
//
//   BM_DetectThroughput/threads:N  all texts, in detect() calls of --batch texts: texts/s, tokens/s
//   BM_DetectLatency64/threads:N   one text of exactly 64 model tokens ([CLS] + 62 + [SEP]),
//                                  batch of one: p50 and p99 in milliseconds
//
// Flags (before Google Benchmark's own):
//   --model=DIR      model directory (required unless --make-model)
//   --texts=N        texts from piikit's generator, eval split, seed 11 (default 2000)
//   --batch=N        texts per detect() call (default 32, as `piikit detect`)
//   --export=DIR     also write what the Python side needs: batches.txt (the exact forward-pass
//                    batches, one per line, windows separated by '|', ids by ' '), latency64.txt
//                    (the 64 ids), latency64_logits.txt (C++ logits for the parity check) and
//                    num_texts.txt
//   --make-model=DIR write a randomly initialised model of the default (tiny) preset with a
//                    WordPiece vocabulary of the generated texts' words, then exit
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "piikit/detector.h"
#include "piikit/file_util.h"
#include "piikit/generator.h"
#include "piikit/model.h"
#include "piikit/torch_runtime.h"
#include "piikit/utf8.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string g_model;
int g_num_texts = 2000;
int g_batch = 32;
std::vector<std::string> g_texts;
std::string g_latency_text;  // encodes to exactly 62 text tokens (64 with [CLS]/[SEP])

std::vector<std::string> generated_texts(int n) {
  std::vector<std::string> texts;
  for (const auto& s : piikit::generate_samples(piikit::GeneratorConfig{}, piikit::Split::kEval, 11,
                                                static_cast<std::size_t>(n))) {
    texts.push_back(s.text);
  }
  return texts;
}

// Cuts a long text at token boundaries so that it encodes to exactly `tokens` tokens.
std::string text_with_tokens(const piikit::Tokenizer& tok, const std::vector<std::string>& pool,
                             std::size_t tokens) {
  std::string joined;
  for (const auto& t : pool) {
    joined += t + " ";
    if (tok.encode(joined).size() > tokens + 8) break;
  }
  const piikit::Encoding enc = tok.encode(joined);
  if (enc.size() < tokens) throw std::runtime_error("not enough text for the latency input");
  // Code points up to the end of token `tokens - 1`; re-encoding may merge pieces differently,
  // so shrink until the count is right.
  const std::u32string cps = piikit::utf8_decode(joined);
  for (int64_t end = enc.offsets[tokens - 1].second; end > 0; --end) {
    std::string cut = piikit::utf8_encode(cps.substr(0, end));
    if (tok.encode(cut).size() == tokens) return cut;
  }
  throw std::runtime_error("could not build a text of exactly " + std::to_string(tokens) +
                           " tokens");
}

void make_model(const std::string& dir) {
  const std::vector<std::string> texts = generated_texts(5000);
  std::set<std::string> words;
  for (const std::string& t : texts) {
    std::string w;
    for (char c : t + " ") {
      const auto u = static_cast<unsigned char>(c);
      if (std::isalnum(u) || u >= 0x80) {
        w += static_cast<char>(std::tolower(u));
      } else {
        if (!w.empty()) words.insert(w);
        w.clear();
        if (!std::isspace(u)) words.insert(std::string(1, c));
      }
    }
  }
  fs::create_directories(dir);
  std::string vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n";
  std::size_t n = 0;
  for (const std::string& w : words) {
    if (++n > 7996) break;
    vocab += w + "\n";
  }
  const std::string vocab_path = (fs::path(dir) / "vocab.txt").string();
  piikit::write_file_atomic(vocab_path, vocab);
  piikit::Tokenizer tok = piikit::Tokenizer::load(vocab_path);
  tok.save((fs::path(dir) / "tokenizer").string());
  fs::remove(vocab_path);
  piikit::ModelConfig config;  // the default (tiny) preset
  config.vocab_size = tok.vocab_size();
  torch::manual_seed(1);
  piikit::TokenClassifier model(config);
  piikit::save_model(model, dir);
  std::cout << "random " << config.preset << " model with a " << tok.vocab_size()
            << "-id WordPiece vocabulary written to " << dir << "\n";
}

void export_for_python(const std::string& dir) {
  fs::create_directories(dir);
  piikit::configure_threads(1);
  // The exact forward batches the Detector builds: capture them through a ForwardFn wrapper.
  piikit::LoadedModel loaded = piikit::load_model_dir(g_model);
  piikit::TokenClassifier model = loaded.model;
  std::ofstream batches(fs::path(dir) / "batches.txt");
  piikit::Detector det(
      std::move(loaded.tokenizer),
      [&](const torch::Tensor& ids, const torch::Tensor& mask, const torch::Tensor& chars) {
        for (int64_t b = 0; b < ids.size(0); ++b) {
          if (b > 0) batches << '|';
          const int64_t n = mask[b].sum().item<int64_t>();
          for (int64_t t = 0; t < n; ++t) batches << (t ? " " : "") << ids[b][t].item<int64_t>();
        }
        batches << '\n';
        return model->forward(ids, mask, chars).pii_logits;
      },
      loaded.config.max_length, loaded.config.char_cnn);
  for (std::size_t i = 0; i < g_texts.size(); i += g_batch) {
    std::vector<std::string> chunk(g_texts.begin() + i,
                                   g_texts.begin() + std::min(g_texts.size(), i + g_batch));
    det.detect(chunk);
  }
  std::ofstream(fs::path(dir) / "num_texts.txt") << g_texts.size() << '\n';
  const piikit::Encoding enc = det.tokenizer().encode_for_model(g_latency_text, 64);
  std::ofstream ids_out(fs::path(dir) / "latency64.txt");
  for (std::size_t t = 0; t < enc.size(); ++t) ids_out << (t ? " " : "") << enc.ids[t];
  ids_out << '\n';
  torch::InferenceMode guard;
  torch::Tensor ids =
      torch::tensor(std::vector<int64_t>(enc.ids.begin(), enc.ids.end())).view({1, -1});
  torch::Tensor logits =
      model->forward(ids, torch::ones_like(ids, torch::kBool)).pii_logits.contiguous();
  std::ofstream lo(fs::path(dir) / "latency64_logits.txt");
  lo.precision(9);
  const float* p = logits.data_ptr<float>();
  for (int64_t k = 0; k < logits.numel(); ++k)
    lo << p[k] << (k % piikit::kNumLabels == 52 ? '\n' : ' ');
}

void BM_DetectThroughput(benchmark::State& state) {
  piikit::configure_threads(static_cast<int>(state.range(0)));
  piikit::Detector det(g_model);
  uint64_t tokens = 0, texts = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < g_texts.size(); i += g_batch) {
      std::vector<std::string> chunk(g_texts.begin() + i,
                                     g_texts.begin() + std::min(g_texts.size(), i + g_batch));
      auto found = det.detect(chunk);
      benchmark::DoNotOptimize(found);
      tokens += det.timings().tokens;
      texts += chunk.size();
    }
  }
  state.counters["texts_per_s"] = benchmark::Counter(double(texts), benchmark::Counter::kIsRate);
  state.counters["tokens_per_s"] = benchmark::Counter(double(tokens), benchmark::Counter::kIsRate);
  state.counters["torch_threads"] = torch::get_num_threads();
}

void BM_DetectLatency64(benchmark::State& state) {
  piikit::configure_threads(static_cast<int>(state.range(0)));
  piikit::Detector det(g_model);
  const std::vector<std::string> one = {g_latency_text};
  for (int i = 0; i < 20; ++i) det.detect(one);  // warm-up
  std::vector<double> ms;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    auto found = det.detect(one);
    benchmark::DoNotOptimize(found);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double q) { return ms[std::min(ms.size() - 1, std::size_t(q * ms.size()))]; };
  state.counters["p50_ms"] = pct(0.50);
  state.counters["p99_ms"] = pct(0.99);
  state.counters["torch_threads"] = torch::get_num_threads();
}

}  // namespace

int main(int argc, char** argv) {
  // Same allocator settings as the piikit binary (tools/piikit_main.cc).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 256 << 20);
  std::string export_dir, make_dir;
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* flag) {
      return a.rfind(flag, 0) == 0 ? a.substr(std::string(flag).size()) : std::string();
    };
    if (!value("--model=").empty())
      g_model = value("--model=");
    else if (!value("--texts=").empty())
      g_num_texts = std::stoi(value("--texts="));
    else if (!value("--batch=").empty())
      g_batch = std::stoi(value("--batch="));
    else if (!value("--export=").empty())
      export_dir = value("--export=");
    else if (!value("--make-model=").empty())
      make_dir = value("--make-model=");
    else
      rest.push_back(argv[i]);
  }
  try {
    if (!make_dir.empty()) {
      make_model(make_dir);
      return 0;
    }
    if (g_model.empty()) throw std::runtime_error("--model=DIR is required");
    g_texts = generated_texts(g_num_texts);
    {
      piikit::Detector probe(g_model);
      g_latency_text = text_with_tokens(probe.tokenizer(), g_texts, 62);
    }
    if (!export_dir.empty()) export_for_python(export_dir);
  } catch (const std::exception& e) {
    std::cerr << "detect_bench: error: " << e.what() << '\n';
    return 1;
  }
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  for (int threads : {1, 2}) {
    benchmark::RegisterBenchmark("BM_DetectThroughput", BM_DetectThroughput)
        ->Arg(threads)
        ->ArgName("threads")
        ->Unit(benchmark::kMillisecond)
        ->MinTime(3.0)
        ->UseRealTime();
    benchmark::RegisterBenchmark("BM_DetectLatency64", BM_DetectLatency64)
        ->Arg(threads)
        ->ArgName("threads")
        ->Unit(benchmark::kMillisecond)
        ->Iterations(2000)
        ->UseRealTime();
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
