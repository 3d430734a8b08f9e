// Masking detected PII in text: each entity is replaced by a placeholder.
//   kLabel     "Call Anna at 555-0100" -> "Call [FIRSTNAME] at [PHONENUMBER]"
//   kNumbered  placeholders numbered per type in order of first appearance, the same number for
//              every mention of the same value within one text:
//              "Anna met Bo; Anna left" -> "[FIRSTNAME_1] met [FIRSTNAME_2]; [FIRSTNAME_1] left"
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "piikit/sample.h"

namespace piikit {

enum class MaskStyle { kLabel, kNumbered };

// "label" -> kLabel, "numbered" -> kNumbered, anything else nullopt.
std::optional<MaskStyle> mask_style_from_name(std::string_view name);

// `text` with every entity replaced by its placeholder. Entities are in code points of `text`
// (valid UTF-8) and may come in any order; an entity overlapping an earlier-starting one (or one
// outside the text) throws std::invalid_argument naming its offsets. Numbered placeholders
// compare values by their exact text.
std::string mask_text(std::string_view text, const std::vector<Entity>& entities, MaskStyle style);

}  // namespace piikit
