// The PII label schema: 26 entity types and their 53 BIO labels.
//
// Label ids are fixed and shared with existing tooling: O = 0, then for type index i
// (0-based, in the order of kTypeInfos) B-X = 2i+1 and I-X = 2i+2.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace piikit {

inline constexpr int kNumTypes = 26;
inline constexpr int kNumLabels = 2 * kNumTypes + 1;  // 53
inline constexpr int kOutsideLabel = 0;                // "O"
inline constexpr int kIgnoreLabel = -100;              // special tokens, padding: no loss, no count

struct PiiTypeInfo {
  std::string_view name;   // "SURNAME": the label suffix
  std::string_view human;  // "surname": for reports
  double chance;           // default generation chance of the type (0.5 names, 0.1 others)
  bool address;            // member of the address group (pulled in together by the generator)
};

// The 26 types in label-id order.
const std::array<PiiTypeInfo, kNumTypes>& pii_types();

// Type index for a bare type name ("SSN" -> 13); nullopt if unknown. Case-sensitive.
std::optional<int> type_from_name(std::string_view name);
inline const PiiTypeInfo& type_info(int type) { return pii_types().at(type); }
inline std::string_view type_name(int type) { return pii_types().at(type).name; }

constexpr int begin_label(int type) { return 2 * type + 1; }
constexpr int inside_label(int type) { return 2 * type + 2; }
// Type index of a B-/I- label, -1 for O. Precondition: 0 <= label < kNumLabels.
constexpr int label_type(int label) { return label == 0 ? -1 : (label - 1) / 2; }
constexpr bool is_begin_label(int label) { return label > 0 && label % 2 == 1; }
constexpr bool is_inside_label(int label) { return label > 0 && label % 2 == 0; }

// "O", "B-SURNAME", ... Throws std::out_of_range for an id outside [0, 53).
std::string label_name(int label);
// Inverse of label_name; nullopt if unknown.
std::optional<int> label_from_name(std::string_view name);

// label_mappings.json in the layout existing tooling uses:
//   {"pii": {"label2id": {"O": 0, "B-SURNAME": 1, ...}, "id2label": {"0": "O", ...}}}
std::string label_mappings_json();
// Writes label_mappings.json atomically.
void write_label_mappings(const std::string& path);
// Reads and checks a label_mappings.json: it must describe exactly piikit's 53 labels with the
// fixed ids (both maps, consistent). Throws DataError naming the file and the offending entry.
void check_label_mappings(const std::string& path);

}  // namespace piikit
