#include "piikit/mask.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>

#include "piikit/label_set.h"
#include "piikit/utf8.h"

namespace piikit {

std::optional<MaskStyle> mask_style_from_name(std::string_view name) {
  if (name == "label") return MaskStyle::kLabel;
  if (name == "numbered") return MaskStyle::kNumbered;
  return std::nullopt;
}

std::string mask_text(std::string_view text, const std::vector<Entity>& entities, MaskStyle style) {
  const std::vector<std::size_t> bytes = codepoint_byte_offsets(text);
  const int64_t length = static_cast<int64_t>(bytes.size()) - 1;  // code points
  std::vector<Entity> sorted = entities;
  std::sort(sorted.begin(), sorted.end(), [](const Entity& a, const Entity& b) {
    return a.start != b.start ? a.start < b.start : a.end < b.end;
  });

  // Numbered style: per type, value -> number in order of first appearance.
  std::array<std::map<std::string, int>, kNumTypes> numbers;
  std::string out;
  out.reserve(text.size());
  int64_t cursor = 0;  // code points of `text` already copied or replaced
  for (const Entity& e : sorted) {
    if (e.start < 0 || e.end <= e.start || e.end > length || e.type < 0 || e.type >= kNumTypes) {
      throw std::invalid_argument(
          fmt::format("mask_text: entity [{},{}) type {} is outside a text of {} code points",
                      e.start, e.end, e.type, length));
    }
    if (e.start < cursor) {
      throw std::invalid_argument(
          fmt::format("mask_text: entity [{},{}) overlaps the previous entity", e.start, e.end));
    }
    out.append(text.substr(bytes[cursor], bytes[e.start] - bytes[cursor]));
    if (style == MaskStyle::kLabel) {
      out += fmt::format("[{}]", type_name(e.type));
    } else {
      std::string value(text.substr(bytes[e.start], bytes[e.end] - bytes[e.start]));
      auto& by_value = numbers[e.type];
      auto [it, inserted] = by_value.emplace(std::move(value), int(by_value.size()) + 1);
      out += fmt::format("[{}_{}]", type_name(e.type), it->second);
    }
    cursor = e.end;
  }
  out.append(text.substr(bytes[cursor]));
  return out;
}

}  // namespace piikit
