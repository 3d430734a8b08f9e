#include "gen_templates.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace piikit::gen {

extern const std::pair<std::string_view, std::string_view> kTrainTemplates[];
extern const std::size_t kNumTrainTemplates;
extern const std::pair<std::string_view, std::string_view> kEvalTemplates[];
extern const std::size_t kNumEvalTemplates;

std::vector<std::pair<std::string_view, std::string_view>> template_table(Split split) {
  const auto* table = split == Split::kTrain ? kTrainTemplates : kEvalTemplates;
  const std::size_t n = split == Split::kTrain ? kNumTrainTemplates : kNumEvalTemplates;
  return {table, table + n};
}

const TemplateSet& TemplateSet::get(Split split) {
  auto load = [](Split s) {
    TemplateSet set;
    for (const auto& [group, text] : template_table(s)) {
      auto it = std::find_if(set.groups_.begin(), set.groups_.end(),
                             [&](const auto& g) { return g.first == group; });
      if (it == set.groups_.end()) {
        set.groups_.push_back({group, {}});
        it = set.groups_.end() - 1;
      }
      it->second.push_back(parse_template(text));
    }
    return set;
  };
  static const TemplateSet kTrain = load(Split::kTrain);
  static const TemplateSet kEval = load(Split::kEval);
  return split == Split::kTrain ? kTrain : kEval;
}

const std::vector<Template>& TemplateSet::group(std::string_view name) const {
  for (const auto& g : groups_) {
    if (g.first == name) return g.second;
  }
  throw std::out_of_range("generator: no templates in group \"" + std::string(name) + "\"");
}

bool TemplateSet::has_group(std::string_view name) const {
  for (const auto& g : groups_) {
    if (g.first == name) return true;
  }
  return false;
}

std::vector<std::string_view> TemplateSet::group_names() const {
  std::vector<std::string_view> names;
  for (const auto& g : groups_) names.push_back(g.first);
  return names;
}

}  // namespace piikit::gen
