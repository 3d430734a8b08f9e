#include "piikit/batching.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "piikit/data_split.h"
#include "piikit/label_set.h"
#include "piikit/model.h"

namespace piikit {

std::vector<int32_t> coref_token_labels(const Encoding& encoding,
                                        const std::vector<CorefCluster>& clusters,
                                        int coref_classes) {
  std::vector<int32_t> labels(encoding.size(), kNoCoref);
  for (std::size_t i = 0; i < encoding.size(); ++i) {
    const auto [start, end] = encoding.offsets[i];
    if (start < 0) {
      labels[i] = kIgnoreLabel;  // [CLS] / [SEP]
      continue;
    }
    for (std::size_t k = 0; k < clusters.size(); ++k) {
      bool hit = false;
      for (const Mention& m : clusters[k].mentions) {
        if (start < m.end && m.start < end) {  // token overlaps the mention
          hit = true;
          break;
        }
      }
      if (!hit) continue;
      // A cluster beyond the head's capacity is unknown, not "no coreference".
      labels[i] = static_cast<int64_t>(k) + 1 < coref_classes ? static_cast<int32_t>(k + 1)
                                                               : kIgnoreLabel;
      break;  // the first cluster wins when mentions of two clusters share a token
    }
  }
  return labels;
}

EncodedExample encode_example(const Sample& sample, const Tokenizer& tokenizer, int max_length,
                              int coref_classes, bool char_cnn) {
  EncodedExample ex;
  ex.encoding = tokenizer.encode_for_model(sample.text, max_length);
  ex.labels = align_labels(ex.encoding, sample.entities);
  if (coref_classes > 0) ex.coref = coref_token_labels(ex.encoding, sample.coref, coref_classes);
  if (char_cnn) ex.chars = char_ids_for(ex.encoding, sample.text);
  return ex;
}

std::vector<std::vector<std::size_t>> make_batches(const std::vector<std::size_t>& lengths,
                                                   int batch_size, uint64_t seed, bool shuffle) {
  if (batch_size < 1) {
    throw std::invalid_argument("batch size must be >= 1, got " + std::to_string(batch_size));
  }
  const std::size_t bs = static_cast<std::size_t>(batch_size);
  std::vector<std::size_t> order(lengths.size());
  std::iota(order.begin(), order.end(), 0);
  auto by_length = [&](std::size_t a, std::size_t b) { return lengths[a] < lengths[b]; };
  std::vector<std::vector<std::size_t>> batches;
  auto cut = [&](std::vector<std::size_t>::iterator first, std::vector<std::size_t>::iterator last) {
    for (auto it = first; it != last;) {
      auto stop = it + std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(bs), last - it);
      batches.emplace_back(it, stop);
      it = stop;
    }
  };
  if (!shuffle) {
    std::stable_sort(order.begin(), order.end(), by_length);
    cut(order.begin(), order.end());
    return batches;
  }
  seeded_shuffle(order, seed);
  // Pools of kPoolBatches batches keep some randomness in which examples share a batch while
  // still padding little: sorting the whole set would give the same batches every epoch.
  const std::size_t pool = bs * kPoolBatches;
  for (std::size_t begin = 0; begin < order.size(); begin += pool) {
    auto first = order.begin() + static_cast<std::ptrdiff_t>(begin);
    auto last = order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), begin + pool));
    std::stable_sort(first, last, by_length);
    cut(first, last);
  }
  seeded_shuffle(batches, seed ^ 0x5DEECE66Dull);
  return batches;
}

Batch collate(const std::vector<EncodedExample>& examples, const std::vector<std::size_t>& indices,
              torch::Device device) {
  TORCH_CHECK(!indices.empty(), "collate: empty batch");
  const int64_t b = static_cast<int64_t>(indices.size());
  int64_t t = 0;
  bool has_coref = true;
  bool has_chars = true;
  for (std::size_t i : indices) {
    TORCH_CHECK(i < examples.size(), "collate: index ", i, " out of ", examples.size());
    t = std::max<int64_t>(t, static_cast<int64_t>(examples[i].size()));
    has_coref = has_coref && !examples[i].coref.empty();
    has_chars = has_chars && !examples[i].chars.empty();
  }
  Batch batch;
  batch.ids = torch::full({b, t}, static_cast<int64_t>(kPadId), torch::kLong);
  batch.mask = torch::zeros({b, t}, torch::kBool);
  batch.labels = torch::full({b, t}, static_cast<int64_t>(kIgnoreLabel), torch::kLong);
  if (has_coref) batch.coref = torch::full({b, t}, static_cast<int64_t>(kIgnoreLabel), torch::kLong);
  if (has_chars) batch.chars = torch::zeros({b, t, kCharsPerToken}, torch::kLong);
  auto ids = batch.ids.accessor<int64_t, 2>();
  auto mask = batch.mask.accessor<bool, 2>();
  auto labels = batch.labels.accessor<int64_t, 2>();
  for (int64_t r = 0; r < b; ++r) {
    const EncodedExample& ex = examples[indices[static_cast<std::size_t>(r)]];
    TORCH_CHECK(ex.labels.size() == ex.size(), "collate: example ", indices[r], " has ",
                ex.labels.size(), " labels for ", ex.size(), " tokens");
    for (std::size_t c = 0; c < ex.size(); ++c) {
      ids[r][static_cast<int64_t>(c)] = ex.encoding.ids[c];
      mask[r][static_cast<int64_t>(c)] = true;
      labels[r][static_cast<int64_t>(c)] = ex.labels[c];
    }
    if (has_coref) {
      auto coref = batch.coref.accessor<int64_t, 2>();
      for (std::size_t c = 0; c < ex.coref.size(); ++c) coref[r][static_cast<int64_t>(c)] = ex.coref[c];
    }
    if (has_chars) {
      TORCH_CHECK(ex.chars.size() == ex.size() * kCharsPerToken, "collate: example ", indices[r],
                  " has ", ex.chars.size(), " char ids for ", ex.size(), " tokens");
      // Rows are contiguous (token, char): copy the example's block into row r.
      std::copy(ex.chars.begin(), ex.chars.end(), batch.chars[r].data_ptr<int64_t>());
    }
    batch.num_tokens += static_cast<int64_t>(ex.size());
  }
  if (device != torch::kCPU) {
    batch.ids = batch.ids.to(device);
    batch.mask = batch.mask.to(device);
    batch.labels = batch.labels.to(device);
    if (has_coref) batch.coref = batch.coref.to(device);
    if (has_chars) batch.chars = batch.chars.to(device);
  }
  return batch;
}

torch::Tensor drop_tokens(const torch::Tensor& ids, double p) {
  if (p < 0 || p >= 1) throw std::invalid_argument("drop_tokens: p must be in [0, 1)");
  if (p == 0) return ids;
  const torch::Tensor hit =
      torch::rand(ids.sizes(), torch::TensorOptions().device(ids.device())).lt(p).logical_and_(
          ids.ge(kNumSpecialIds));
  return ids.masked_fill(hit, kUnkId);
}

}  // namespace piikit
