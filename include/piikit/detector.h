// Inference: texts -> PII entities with scores, from a model directory alone.
//
// Pipeline per batch of texts: tokenize (code-point offsets) -> cut long texts into sliding
// windows (make_windows) -> pack windows into forward passes (sorted by length to limit padding)
// -> constrained Viterbi per window (valid BIO only) -> decode_labels -> merge the windows'
// entities (merge_window_entities) -> score each entity (mean probability of its tokens' labels).
#pragma once

#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

#include "piikit/detect_stream.h"
#include "piikit/model.h"
#include "piikit/tokenizer.h"

namespace piikit {

struct DetectorOptions {
  int max_length = 0;  // window length in tokens incl. [CLS]/[SEP]; 0 = the model's max
  // Overlap in tokens between neighbouring windows of a long text; -1 = automatic:
  // min(64, (window length - 2) / 4).
  int stride = -1;
  int max_batch_windows = 32;   // most windows in one forward pass
  int max_batch_tokens = 8192;  // most padded tokens (windows x longest window) in one pass
  std::string device = "cpu";   // cpu | cuda[:N]
};

// A forward pass: ids (B, T) int64, attention_mask (B, T) bool (true on real tokens), char_ids
// (B, T, kCharsPerToken) int64 or undefined -> PII logits (B, T, 53) float (any device).
using ForwardFn = std::function<torch::Tensor(const torch::Tensor& ids, const torch::Tensor& mask,
                                              const torch::Tensor& char_ids)>;

// Per-stage wall time of the last detect() call, in seconds (for benchmarks).
struct DetectTimings {
  double tokenize = 0, forward = 0, decode = 0, merge = 0;
  uint64_t tokens = 0;  // text tokens (no specials) of the last call
};

class Detector {
 public:
  // Loads <model_dir> (model.pt, model.toml, tokenizer/) with load_model_dir; throws naming the
  // file on any problem, or ConfigError for bad options.
  explicit Detector(const std::string& model_dir, const DetectorOptions& options = {});
  explicit Detector(LoadedModel model, const DetectorOptions& options = {});
  // Any forward function with the model's contract (tests use hand-made logits).
  // model_max_length: the longest sequence `forward` accepts.
  Detector(Tokenizer tokenizer, ForwardFn forward, int model_max_length, bool char_cnn,
           const DetectorOptions& options = {});

  // Entities per text, sorted by start, non-overlapping, code-point offsets. Texts must be valid
  // UTF-8 (std::invalid_argument otherwise). Not thread-safe (timings); use one per thread.
  std::vector<std::vector<DetectedEntity>> detect(const std::vector<std::string>& texts);

  const Tokenizer& tokenizer() const { return tokenizer_; }
  int window_length() const { return window_length_; }
  int stride() const { return options_.stride; }
  const DetectTimings& timings() const { return timings_; }

 private:
  void resolve_options();  // window length, automatic stride; throws ConfigError

  Tokenizer tokenizer_;
  ForwardFn forward_;
  TokenClassifier model_{nullptr};  // kept alive for forward_ when loaded from a directory
  torch::Device device_ = torch::kCPU;
  bool char_cnn_ = false;
  int window_length_ = 0;
  DetectorOptions options_;
  DetectTimings timings_;
};

}  // namespace piikit
