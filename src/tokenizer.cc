// Tokenizer: pre-tokenization + sentencepiece (trained here) or WordPiece (user's vocab.txt),
// with exact code-point offsets into the original text.
//
// sentencepiece runs chunk by chunk (see pretokenizer.h) with normalization "identity", no
// dummy prefix and no white-space folding, so the bytes it sees are the text's own bytes and its
// per-piece byte spans map straight back. A chunk that follows white space is fed as " chunk":
// the model then sees "▁" word starts as usual, while a chunk glued to the one before it (the
// "doe" of "john.doe") is fed bare. That keeps "john.doe" and "john . doe" apart for the model.
#include "piikit/tokenizer.h"


#include <algorithm>
#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <stdexcept>
#include <unordered_map>

#include "piikit/error.h"
#include "piikit/file_util.h"
#include "piikit/utf8.h"
#include "pretokenizer.h"
#include "spm_backend.h"
#include "wordpiece.h"

namespace piikit {
namespace {

namespace fs = std::filesystem;
using detail::Chunk;

constexpr std::string_view kFormat = "piikit-tokenizer";
constexpr int kFormatVersion = 1;
constexpr std::string_view kSpecialPieces[kNumSpecialIds] = {"[PAD]", "[UNK]", "[CLS]", "[SEP]"};

// Longer training texts are cut at a word boundary into sentences of about this many bytes.
constexpr std::size_t kMaxSentenceBytes = 4096;

void check_utf8(std::string_view text, const std::string& what) {
  std::size_t bad = 0;
  if (!is_valid_utf8(text, &bad)) {
    throw std::invalid_argument(what + ": invalid UTF-8 at byte " + std::to_string(bad));
  }
}

// Code point index of every byte of a chunk, relative to the chunk start.
void chunk_byte_to_cp(std::string_view text, const Chunk& chunk, std::vector<int32_t>& out) {
  out.assign(chunk.byte_end - chunk.byte_begin + 1, 0);
  int32_t cp = 0;
  for (std::size_t i = chunk.byte_begin; i < chunk.byte_end; ++cp) {
    const std::size_t from = i;
    detail::next_codepoint(text, i);
    for (std::size_t b = from; b < i; ++b) out[b - chunk.byte_begin] = cp;
  }
  out.back() = cp;
}

// Per-thread memo of chunk -> pieces for one sentencepiece tokenizer (see encode_spm_chunk).
struct CachedPiece {
  int32_t id;
  int32_t start;  // code points relative to the chunk start; a bare "▁" has [-1, 0)
  int32_t end;
};
struct ChunkCache {
  uint64_t generation = 0;
  std::unordered_map<std::string, std::vector<CachedPiece>> map;
};
constexpr std::size_t kMaxCachedChunkBytes = 64;
constexpr std::size_t kMaxCachedChunks = 1 << 17;

uint64_t next_generation() {
  static std::atomic<uint64_t> counter{0};
  return ++counter;
}

}  // namespace

struct Tokenizer::Impl {
  enum class Kind { kSentencePiece, kWordPiece };
  uint64_t generation = 0;  // identifies the loaded sentencepiece model for the chunk caches
  Kind kind = Kind::kSentencePiece;
  std::string spm_model;  // serialized sentencepiece ModelProto
  detail::SpmModel spm;
  std::unique_ptr<detail::WordPiece> wordpiece;
  // Id of the line-break token ("<0x0A>", the byte piece of '\n'), or -1 when line breaks are
  // dropped with the other white space (tokenizers saved before line-break tokens existed).
  int32_t line_break_id = -1;

  void load_spm(const std::string& model, const std::string& source, bool line_breaks);
  void encode_line_break(std::string_view text, const Chunk& prev, const Chunk& next, Encoding& out) const;
  void encode_spm_chunk(std::string_view text, const Chunk& chunk, Encoding& out,
                        std::string& buffer, std::vector<int32_t>& cps) const;
};

void Tokenizer::Impl::load_spm(const std::string& model, const std::string& source, bool line_breaks) {
  try {
    spm.load(model);
  } catch (const std::invalid_argument& e) {
    throw DataError(source, 0, std::string("not a sentencepiece model: ") + e.what());
  }
  for (int32_t id = 0; id < kNumSpecialIds; ++id) {
    if (id >= spm.piece_size() || spm.id_to_piece(id) != kSpecialPieces[id]) {
      throw DataError(source, 0,
                      "not a piikit sentencepiece model: id " + std::to_string(id) + " is \"" +
                          (id < spm.piece_size() ? spm.id_to_piece(id) : std::string()) +
                          "\", expected \"" + std::string(kSpecialPieces[id]) +
                          "\" (hint: train one with `piikit tokenizer train`)");
    }
  }
  line_break_id = -1;
  if (line_breaks) {
    for (int32_t id = kNumSpecialIds; id < spm.piece_size(); ++id) {
      if (spm.id_to_piece(id) == "<0x0A>") {
        line_break_id = id;
        break;
      }
    }
    if (line_break_id < 0) {
      throw DataError(source, 0, "tokenizer.json asks for line-break tokens but the model has no \"<0x0A>\" piece");
    }
  }
  spm_model = model;
  kind = Kind::kSentencePiece;
  generation = next_generation();
}

// Line structure carries meaning ("Name: Anna\nCity: Brno" is two fields, not the name "Anna
// City"), so a gap between two chunks that holds a line break becomes one line-break token on its
// first '\n'. Other white space stays implicit in the "▁" of the next piece.
void Tokenizer::Impl::encode_line_break(std::string_view text, const Chunk& prev, const Chunk& next,
                                        Encoding& out) const {
  int64_t cp = prev.cp_end;
  for (std::size_t i = prev.byte_end; i < next.byte_begin; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\n') {
      out.ids.push_back(line_break_id);
      out.offsets.emplace_back(cp, cp + 1);
      return;
    }
    if ((byte & 0xC0) != 0x80) ++cp;  // each code point starts with a non-continuation byte
  }
}

void Tokenizer::Impl::encode_spm_chunk(std::string_view text, const Chunk& chunk, Encoding& out,
                                       std::string& buffer, std::vector<int32_t>& cps) const {
  const std::size_t prefix = chunk.space_before ? 1 : 0;
  buffer.clear();
  if (prefix) buffer.push_back(' ');
  buffer.append(text.substr(chunk.byte_begin, chunk.byte_end - chunk.byte_begin));

  // Most chunks of a corpus repeat ("▁the", "@", "com"), and sentencepiece's per-call cost is
  // about 1 µs, so each thread keeps the pieces of the chunks it has seen, with offsets relative
  // to the chunk. The cache belongs to one tokenizer at a time (a generation number, not an
  // address, identifies it), so encode() stays const and thread-safe without a lock.
  thread_local ChunkCache cache;
  if (cache.generation != generation) {
    cache.map.clear();
    cache.generation = generation;
  }
  const bool cacheable = buffer.size() <= kMaxCachedChunkBytes;
  if (cacheable) {
    const auto it = cache.map.find(buffer);
    if (it != cache.map.end()) {
      for (const CachedPiece& p : it->second) {
        out.ids.push_back(p.id);
        out.offsets.emplace_back(chunk.cp_begin + p.start, chunk.cp_begin + p.end);
      }
      return;
    }
  }

  thread_local std::vector<detail::SpmPiece> spm_pieces;
  spm.encode(buffer, spm_pieces);
  chunk_byte_to_cp(text, chunk, cps);
  const auto chunk_len = static_cast<int32_t>(chunk.cp_end - chunk.cp_begin);
  std::vector<CachedPiece> pieces;
  pieces.reserve(spm_pieces.size());
  for (const auto& piece : spm_pieces) {
    const std::size_t b = piece.begin;
    const std::size_t e = piece.end;
    int32_t start, end;  // relative to chunk.cp_begin
    if (prefix && b == 0 && e == prefix) {
      // A bare "▁": it stands for the white space before the chunk; give it that character.
      start = -1;
      end = 0;
    } else {
      const std::size_t lb = b < prefix ? 0 : b - prefix;
      const std::size_t le = e - prefix;
      // Floor the start and ceil the end to whole code points. A byte-fallback piece in the
      // middle of a character has an empty byte span (sentencepiece gives the character's bytes
      // to its last byte piece): it still gets the character it belongs to.
      const bool le_on_boundary =
          le == cps.size() - 1 ||
          (static_cast<unsigned char>(text[chunk.byte_begin + le]) & 0xC0) != 0x80;
      start = cps[lb];
      end = cps[le] + (le_on_boundary ? 0 : 1);
      end = std::min(std::max(end, start + 1), chunk_len);
    }
    pieces.push_back({piece.id, start, end});
    out.ids.push_back(piece.id);
    out.offsets.emplace_back(chunk.cp_begin + start, chunk.cp_begin + end);
  }
  if (cacheable) {
    if (cache.map.size() >= kMaxCachedChunks) cache.map.clear();
    cache.map.emplace(buffer, std::move(pieces));
  }
}

Tokenizer::Tokenizer() : impl_(std::make_unique<Impl>()) {}
Tokenizer::~Tokenizer() = default;
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;

Tokenizer Tokenizer::train(const std::vector<std::string>& texts,
                           const TokenizerTrainOptions& options) {
  if (options.model_type != "unigram" && options.model_type != "bpe") {
    throw std::invalid_argument("tokenizer model_type must be \"unigram\" or \"bpe\", got \"" +
                                options.model_type + "\"");
  }
  if (options.vocab_size < 300) {
    throw std::invalid_argument(
        "tokenizer vocab_size must be >= 300 (256 byte pieces, specials "
        "and the corpus' characters), got " +
        std::to_string(options.vocab_size));
  }
  if (options.num_threads < 1) {
    throw std::invalid_argument("tokenizer num_threads must be >= 1, got " +
                                std::to_string(options.num_threads));
  }
  // One training sentence per text: its chunks, each chunk that follows white space behind one
  // " ", as encode() feeds them. Pieces cannot cross the chunk cuts the encoder makes: the
  // cuts are at white space (a word boundary for sentencepiece), at punctuation (another Unicode
  // script than letters; split_by_unicode_script) or between letters and digits (split_by_number).
  // Chunks are not deduplicated into single sentences: sentencepiece seeds its pieces from
  // substrings that repeat across distinct sentences, so a frequent word must stay in context.
  std::vector<std::string> sentences;
  sentences.reserve(texts.size());
  for (std::size_t t = 0; t < texts.size(); ++t) {
    check_utf8(texts[t], "training text " + std::to_string(t));
    std::string sentence;
    for (const Chunk& c : detail::pretokenize(texts[t])) {
      if (c.space_before && sentence.size() >= kMaxSentenceBytes) {
        sentences.push_back(std::move(sentence));
        sentence.clear();
      }
      if (c.space_before) sentence.push_back(' ');
      sentence.append(texts[t], c.byte_begin, c.byte_end - c.byte_begin);
    }
    if (!sentence.empty()) sentences.push_back(std::move(sentence));
  }
  if (sentences.empty()) throw std::invalid_argument("cannot train a tokenizer on an empty corpus");
  if (options.max_sentences > 0 && sentences.size() > options.max_sentences) {
    // A seeded partial Fisher-Yates picks the subset; the kept sentences stay in corpus order.
    std::vector<std::size_t> index(sentences.size());
    std::iota(index.begin(), index.end(), 0);
    std::mt19937_64 rng(options.seed);
    for (std::size_t k = 0; k < options.max_sentences; ++k) {
      std::uniform_int_distribution<std::size_t> pick(k, index.size() - 1);
      std::swap(index[k], index[pick(rng)]);
    }
    index.resize(options.max_sentences);
    std::sort(index.begin(), index.end());
    std::vector<std::string> kept;
    kept.reserve(index.size());
    for (std::size_t k : index) kept.push_back(std::move(sentences[k]));
    sentences = std::move(kept);
  }
  const std::vector<std::pair<std::string, std::string>> args = {
      {"model_type", options.model_type},
      {"vocab_size", std::to_string(options.vocab_size)},
      {"hard_vocab_limit", "false"},
      {"character_coverage", std::to_string(options.character_coverage)},
      {"max_sentence_length", std::to_string(2 * kMaxSentenceBytes)},
      {"input_sentence_size", "0"},  // all of them: subsampled above, deterministically
      {"shuffle_input_sentence", "false"},
      {"normalization_rule_name", "identity"},
      {"add_dummy_prefix", "false"},
      {"remove_extra_whitespaces", "false"},
      {"split_by_whitespace", "true"},
      {"split_by_number", "true"},
      {"split_by_unicode_script", "true"},
      {"byte_fallback", "true"},
      {"pad_id", "0"},
      {"unk_id", "1"},
      {"bos_id", "2"},
      {"eos_id", "3"},
      {"pad_piece", "[PAD]"},
      {"unk_piece", "[UNK]"},
      {"bos_piece", "[CLS]"},
      {"eos_piece", "[SEP]"},
      {"num_threads", std::to_string(options.num_threads)},
      {"minloglevel", "2"},
  };
  const std::string model =
      detail::spm_train(args, sentences, static_cast<unsigned int>(options.seed));
  Tokenizer tokenizer;
  tokenizer.impl_->load_spm(model, "<trained model>", /*line_breaks=*/true);
  return tokenizer;
}

Tokenizer Tokenizer::load(const std::string& path) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    const fs::path file(path);
    // The files of a saved tokenizer stand for their directory.
    if (file.filename() == "tokenizer.json") return load(file.parent_path().string());
    if (file.extension() == ".model") {
      throw DataError(path, 0,
                      "a sentencepiece model file: pass its directory (with tokenizer.json), "
                      "as written by `piikit tokenizer train`");
    }
    return load_wordpiece(path, WordPieceOptions{});
  }
  if (!fs::is_directory(path, ec)) {
    throw DataError(path, 0,
                    "no such tokenizer: expected a directory written by `piikit "
                    "tokenizer train` or a WordPiece vocab.txt");
  }
  const std::string meta_path = (fs::path(path) / "tokenizer.json").string();
  if (!fs::exists(meta_path, ec)) {
    throw DataError(meta_path, 0, "missing: not a piikit tokenizer directory");
  }
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(read_file(meta_path));
  } catch (const nlohmann::json::exception& e) {
    throw DataError(meta_path, 0, std::string("malformed JSON: ") + e.what());
  }
  auto field = [&](const char* name) -> const nlohmann::json& {
    if (!meta.is_object() || !meta.contains(name)) {
      throw DataError(meta_path, 0, std::string("missing field \"") + name + "\"");
    }
    return meta.at(name);
  };
  try {
    if (field("format").get<std::string>() != kFormat) {
      throw DataError(meta_path, 0,
                      "format: expected \"piikit-tokenizer\", got " + field("format").dump());
    }
    if (field("version").get<int>() != kFormatVersion) {
      throw DataError(meta_path, 0, "version: expected 1, got " + field("version").dump());
    }
    const std::string kind = field("kind").get<std::string>();
    if (kind == "sentencepiece") {
      const std::string model_path = (fs::path(path) / field("model").get<std::string>()).string();
      Tokenizer tokenizer;
      // Absent in tokenizers saved before line-break tokens existed: they keep their encoding.
      bool line_breaks = false;
      if (meta.contains("line_breaks")) {
        if (!meta["line_breaks"].is_boolean()) {
          throw DataError(meta_path, 0, "line_breaks: expected true or false, got " + meta["line_breaks"].dump());
        }
        line_breaks = meta["line_breaks"].get<bool>();
      }
      tokenizer.impl_->load_spm(read_file(model_path), model_path, line_breaks);
      return tokenizer;
    }
    if (kind == "wordpiece") {
      WordPieceOptions options;
      options.lowercase = field("lowercase").get<bool>();
      options.strip_accents = field("strip_accents").get<bool>();
      options.max_chars_per_word = field("max_chars_per_word").get<int>();
      return load_wordpiece((fs::path(path) / field("vocab").get<std::string>()).string(), options);
    }
    throw DataError(meta_path, 0,
                    "kind: expected \"sentencepiece\" or \"wordpiece\", got \"" + kind + "\"");
  } catch (const nlohmann::json::exception& e) {
    throw DataError(meta_path, 0, std::string("bad field type: ") + e.what());
  }
}

Tokenizer Tokenizer::load_wordpiece(const std::string& vocab_path,
                                    const WordPieceOptions& options) {
  Tokenizer tokenizer;
  tokenizer.impl_->wordpiece = std::make_unique<detail::WordPiece>(vocab_path, options);
  tokenizer.impl_->kind = Impl::Kind::kWordPiece;
  return tokenizer;
}

void Tokenizer::save(const std::string& dir) const {
  fs::create_directories(dir);
  nlohmann::json meta = {{"format", kFormat}, {"version", kFormatVersion}};
  if (impl_->kind == Impl::Kind::kSentencePiece) {
    if (impl_->spm_model.empty()) throw std::logic_error("Tokenizer::save: empty tokenizer");
    meta["kind"] = "sentencepiece";
    meta["model"] = "spm.model";
    meta["line_breaks"] = impl_->line_break_id >= 0;
    write_file_atomic((fs::path(dir) / "spm.model").string(), impl_->spm_model);
  } else {
    const auto& wp = *impl_->wordpiece;
    meta["kind"] = "wordpiece";
    meta["vocab"] = "vocab.txt";
    meta["lowercase"] = wp.lowercase();
    meta["strip_accents"] = wp.options().strip_accents;
    meta["max_chars_per_word"] = wp.options().max_chars_per_word;
    write_file_atomic((fs::path(dir) / "vocab.txt").string(), wp.vocab_text());
  }
  meta["vocab_size"] = vocab_size();
  write_file_atomic((fs::path(dir) / "tokenizer.json").string(), meta.dump(2) + "\n");
}

Encoding Tokenizer::encode(std::string_view text) const {
  check_utf8(text, "Tokenizer::encode");
  Encoding out;
  const std::vector<Chunk> chunks = detail::pretokenize(text);
  out.ids.reserve(chunks.size() * 3 / 2);
  out.offsets.reserve(chunks.size() * 3 / 2);
  if (impl_->kind == Impl::Kind::kWordPiece) {
    for (const Chunk& c : chunks) impl_->wordpiece->encode_chunk(text, c, out);
    return out;
  }
  if (impl_->spm_model.empty()) throw std::logic_error("Tokenizer::encode: empty tokenizer");
  std::string buffer;
  std::vector<int32_t> cps;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    if (i > 0 && impl_->line_break_id >= 0) impl_->encode_line_break(text, chunks[i - 1], chunks[i], out);
    impl_->encode_spm_chunk(text, chunks[i], out, buffer, cps);
  }
  return out;
}

Encoding Tokenizer::encode_for_model(std::string_view text, int max_length) const {
  if (max_length < 3) {
    throw std::invalid_argument("max_length must be >= 3 ([CLS], one token, [SEP]), got " +
                                std::to_string(max_length));
  }
  Encoding tokens = encode(text);
  const std::size_t keep = std::min<std::size_t>(tokens.size(), max_length - 2);
  return window_encoding(tokens, Window{0, keep});
}

int32_t Tokenizer::vocab_size() const {
  if (impl_->kind == Impl::Kind::kWordPiece) return impl_->wordpiece->vocab_size();
  return impl_->spm.piece_size();
}

std::string Tokenizer::id_to_piece(int32_t id) const {
  if (id < 0 || id >= vocab_size()) {
    throw std::out_of_range("token id " + std::to_string(id) + " outside [0, " +
                            std::to_string(vocab_size()) + ")");
  }
  if (impl_->kind == Impl::Kind::kWordPiece) return impl_->wordpiece->piece(id);
  return impl_->spm.id_to_piece(id);
}

std::string format_tokens(const Tokenizer& tokenizer, const Encoding& encoding,
                          std::string_view text) {
  const std::u32string cps = utf8_decode(text);
  std::string out;
  for (std::size_t t = 0; t < encoding.size(); ++t) {
    const auto [start, end] = encoding.offsets[t];
    out.append(std::to_string(encoding.ids[t])).push_back('\t');
    out.append(tokenizer.id_to_piece(encoding.ids[t])).push_back('\t');
    out.append(std::to_string(start)).push_back('\t');
    out.append(std::to_string(end)).push_back('\t');
    for (int64_t i = std::max<int64_t>(start, 0); i < end && i < static_cast<int64_t>(cps.size());
         ++i) {
      const char32_t c = cps[static_cast<std::size_t>(i)];
      if (c == '\\') {
        out.append("\\\\");
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c < 0x20 || c == 0x7F) {
        static constexpr char kHex[] = "0123456789ABCDEF";
        out.append("\\x").push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
      } else {
        append_utf8(out, c);
      }
    }
    out.push_back('\n');
  }
  return out;
}

std::string Tokenizer::kind() const {
  return impl_->kind == Impl::Kind::kWordPiece ? "wordpiece" : "sentencepiece";
}

}  // namespace piikit
