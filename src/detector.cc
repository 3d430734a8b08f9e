// Detector: batching, windows, decoding and merging around a forward pass. See detector.h.
#include "piikit/detector.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <numeric>

#include "piikit/error.h"
#include "piikit/torch_runtime.h"
#include "piikit/viterbi.h"

namespace piikit {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// One window of one text, ready for the model.
struct WindowJob {
  std::size_t text = 0;    // index into the detect() batch
  std::size_t window = 0;  // index into that text's windows
  Encoding encoding;       // [CLS] tokens [SEP] with offsets into the whole text
};

struct WindowResult {
  std::vector<Entity> entities;
  std::vector<float> scores;  // one per entity
};

}  // namespace

Detector::Detector(const std::string& model_dir, const DetectorOptions& options)
    : Detector(load_model_dir(model_dir, resolve_device(options.device)), options) {}

Detector::Detector(LoadedModel loaded, const DetectorOptions& options)
    : tokenizer_(std::move(loaded.tokenizer)),
      model_(loaded.model),
      device_(resolve_device(options.device)),
      char_cnn_(loaded.config.char_cnn),
      options_(options) {
  model_->eval();
  TokenClassifier model = model_;
  forward_ = [model](const torch::Tensor& ids, const torch::Tensor& mask,
                     const torch::Tensor& char_ids) mutable {
    return model->forward(ids, mask, char_ids).pii_logits;
  };
  window_length_ = options_.max_length > 0 ? std::min(options_.max_length, loaded.config.max_length)
                                           : loaded.config.max_length;
  resolve_options();
}

Detector::Detector(Tokenizer tokenizer, ForwardFn forward, int model_max_length, bool char_cnn,
                   const DetectorOptions& options)
    : tokenizer_(std::move(tokenizer)),
      forward_(std::move(forward)),
      device_(resolve_device(options.device)),
      char_cnn_(char_cnn),
      options_(options) {
  window_length_ =
      options_.max_length > 0 ? std::min(options_.max_length, model_max_length) : model_max_length;
  resolve_options();
}

void Detector::resolve_options() {
  if (window_length_ < 3) {
    throw ConfigError(
        fmt::format("detect: max_length must be at least 3 tokens, got {}", window_length_));
  }
  if (options_.stride == -1) options_.stride = std::min(64, (window_length_ - 2) / 4);
  if (options_.stride < 0 || options_.stride >= window_length_ - 2) {
    throw ConfigError(
        fmt::format("detect: stride must be in [0, {}) for windows of {} tokens, got {}",
                    window_length_ - 2, window_length_, options_.stride));
  }
  if (options_.max_batch_windows < 1 || options_.max_batch_tokens < window_length_) {
    throw ConfigError(fmt::format(
        "detect: need max_batch_windows >= 1 and max_batch_tokens >= the window length {} "
        "(got {} and {})",
        window_length_, options_.max_batch_windows, options_.max_batch_tokens));
  }
}

std::vector<std::vector<DetectedEntity>> Detector::detect(const std::vector<std::string>& texts) {
  timings_ = {};
  auto t0 = Clock::now();

  // 1. Tokenize and cut into windows.
  std::vector<Encoding> encodings(texts.size());
  std::vector<std::vector<Window>> windows(texts.size());
  std::vector<WindowJob> jobs;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    encodings[i] = tokenizer_.encode(texts[i]);
    timings_.tokens += encodings[i].size();
    if (encodings[i].size() == 0) continue;
    windows[i] = make_windows(encodings[i].size(), window_length_, options_.stride);
    for (std::size_t w = 0; w < windows[i].size(); ++w) {
      jobs.push_back({i, w, window_encoding(encodings[i], windows[i][w])});
    }
  }
  // Longest first, so each forward pass packs windows of similar length (little padding).
  std::vector<std::size_t> order(jobs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return jobs[a].encoding.size() > jobs[b].encoding.size();
  });
  timings_.tokenize = seconds_since(t0);

  // 2. Forward passes and per-window decoding.
  std::vector<std::vector<WindowResult>> results(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) results[i].resize(windows[i].size());
  torch::InferenceMode inference_guard;
  for (std::size_t begin = 0; begin < order.size();) {
    const int64_t T = static_cast<int64_t>(jobs[order[begin]].encoding.size());
    const std::size_t fit = static_cast<std::size_t>(
        std::max<int64_t>(1, options_.max_batch_tokens / std::max<int64_t>(T, 1)));
    const std::size_t end =
        std::min(order.size(), begin + std::min<std::size_t>(fit, options_.max_batch_windows));
    const int64_t B = static_cast<int64_t>(end - begin);

    auto t1 = Clock::now();
    torch::Tensor ids = torch::full({B, T}, kPadId, torch::kInt64);
    torch::Tensor mask = torch::zeros({B, T}, torch::kBool);
    torch::Tensor char_ids;
    auto ids_a = ids.accessor<int64_t, 2>();
    auto mask_a = mask.accessor<bool, 2>();
    if (char_cnn_) char_ids = torch::zeros({B, T, kCharsPerToken}, torch::kInt64);
    for (int64_t b = 0; b < B; ++b) {
      const WindowJob& job = jobs[order[begin + b]];
      for (std::size_t t = 0; t < job.encoding.size(); ++t) {
        ids_a[b][t] = job.encoding.ids[t];
        mask_a[b][t] = true;
      }
      if (char_cnn_) {
        const std::vector<int64_t> chars = char_ids_for(job.encoding, texts[job.text]);
        std::copy(chars.begin(), chars.end(), char_ids[b].data_ptr<int64_t>());
      }
    }
    // logits: (B, T, 53) float32, on the CPU for decoding.
    torch::Tensor logits = forward_(ids.to(device_), mask.to(device_),
                                    char_cnn_ ? char_ids.to(device_) : torch::Tensor());
    logits = logits.to(torch::kCPU, torch::kFloat32).contiguous();
    TORCH_CHECK(logits.dim() == 3 && logits.size(0) == B && logits.size(1) == T &&
                    logits.size(2) == kNumLabels,
                "detector: forward returned ", logits.sizes(), ", expected (", B, ", ", T, ", ",
                kNumLabels, ")");
    timings_.forward += seconds_since(t1);

    auto t2 = Clock::now();
    const float* data = logits.data_ptr<float>();
    for (int64_t b = 0; b < B; ++b) {
      const WindowJob& job = jobs[order[begin + b]];
      // Rows past the window's length are padding; the Viterbi sees only the window's own rows.
      const ViterbiResult decoded =
          constrained_viterbi(data + b * T * kNumLabels, job.encoding.offsets,
                              token_junctions(job.encoding, texts[job.text]));
      WindowResult& r = results[job.text][job.window];
      r.entities = decode_labels(job.encoding, decoded.labels, texts[job.text]);
      r.scores = entity_scores(job.encoding.offsets, decoded.probabilities, r.entities);
    }
    timings_.decode += seconds_since(t2);
    begin = end;
  }

  // 3. Merge the windows of each text.
  auto t3 = Clock::now();
  std::vector<std::vector<DetectedEntity>> out(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    std::vector<WindowResult>& per = results[i];
    std::vector<Entity> merged;
    if (per.size() == 1) {
      merged = per[0].entities;
    } else if (per.size() > 1) {
      std::vector<std::vector<Entity>> lists;
      lists.reserve(per.size());
      for (const WindowResult& r : per) lists.push_back(r.entities);
      merged = merge_window_entities(encodings[i], windows[i], lists);
    }
    for (const Entity& e : merged) {
      // A merged entity's score: the mean over the windows that found exactly this span.
      double sum = 0;
      int n = 0;
      for (const WindowResult& r : per) {
        for (std::size_t k = 0; k < r.entities.size(); ++k) {
          if (r.entities[k] == e) {
            sum += r.scores[k];
            ++n;
          }
        }
      }
      out[i].push_back({e.start, e.end, e.type, n > 0 ? static_cast<float>(sum / n) : 0.0f});
    }
  }
  timings_.merge = seconds_since(t3);
  return out;
}

}  // namespace piikit
