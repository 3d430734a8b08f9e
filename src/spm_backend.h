// sentencepiece, reached through libpiikit_spm.so loaded in isolation (see src/spm_shim.cc).
// Internal header of the tokenizer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace piikit::detail {

struct SpmPiece {
  int32_t id;
  std::size_t begin;  // byte offsets into the encoded text
  std::size_t end;
};

// A loaded sentencepiece model. Thread-safe for concurrent encode().
class SpmModel {
 public:
  SpmModel() = default;
  ~SpmModel();
  SpmModel(SpmModel&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  SpmModel& operator=(SpmModel&& other) noexcept;
  SpmModel(const SpmModel&) = delete;
  SpmModel& operator=(const SpmModel&) = delete;

  // Parses a serialized ModelProto; throws std::invalid_argument with sentencepiece's message.
  void load(const std::string& serialized);
  bool loaded() const { return handle_ != nullptr; }
  int piece_size() const;
  std::string id_to_piece(int id) const;
  void encode(std::string_view text, std::vector<SpmPiece>& out) const;

 private:
  void* handle_ = nullptr;
};

// Trains a model on the sentences with sentencepiece trainer arguments; returns the serialized
// ModelProto. Throws std::invalid_argument with sentencepiece's message.
std::string spm_train(const std::vector<std::pair<std::string, std::string>>& args,
                      const std::vector<std::string>& sentences, unsigned seed);

}  // namespace piikit::detail
