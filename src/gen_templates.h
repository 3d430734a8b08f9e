// The generator's template texts, grouped by role, in two disjoint sets: train and eval.
//
// The eval set is written separately (not paraphrases of train texts), so a model scored on
// --split eval meets sentences, headers and field names it never saw in training.
// Groups: "<genre>.header"/"<genre>.footer", "body.<TYPE>", "body.PERSON", "body.ADDRESS",
// "combo" (several types in one sentence), "ref" (re-mentions), "filler" (no PII),
// "key.<TYPE>"/"key.PERSON"/"key.ADDRESS" (field names), "negkey" ("field name=filler kind"),
// "log.message".
#pragma once

#include <string_view>
#include <vector>

#include "gen_template.h"
#include "piikit/generator.h"

namespace piikit::gen {

class TemplateSet {
 public:
  // Parsed once per split (thread-safe static initialization).
  static const TemplateSet& get(Split split);
  // Templates of a group; throws std::out_of_range naming the group if it has none.
  const std::vector<Template>& group(std::string_view name) const;
  bool has_group(std::string_view name) const;
  std::vector<std::string_view> group_names() const;

 private:
  std::vector<std::pair<std::string_view, std::vector<Template>>> groups_;
};

// Every (group, text) of a split, in table order.
std::vector<std::pair<std::string_view, std::string_view>> template_table(Split split);

}  // namespace piikit::gen
