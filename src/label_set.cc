#include "piikit/label_set.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "piikit/error.h"
#include "piikit/file_util.h"

namespace piikit {

const std::array<PiiTypeInfo, kNumTypes>& pii_types() {
  static const std::array<PiiTypeInfo, kNumTypes> kTypes = {{
      {"SURNAME", "surname", 0.5, false},
      {"FIRSTNAME", "first name", 0.5, false},
      {"BUILDINGNUM", "building number", 0.1, true},
      {"DATEOFBIRTH", "date of birth", 0.1, false},
      {"EMAIL", "e-mail address", 0.1, false},
      {"PHONENUMBER", "phone number", 0.1, false},
      {"CITY", "city", 0.1, true},
      {"URL", "URL", 0.1, false},
      {"COMPANYNAME", "company name", 0.1, false},
      {"STATE", "state or region", 0.1, true},
      {"ZIP", "ZIP or postal code", 0.1, true},
      {"STREET", "street", 0.1, true},
      {"COUNTRY", "country", 0.1, true},
      {"SSN", "social security number", 0.1, false},
      {"DRIVERLICENSENUM", "driver's licence number", 0.1, false},
      {"PASSPORTID", "passport number", 0.1, false},
      {"NATIONALID", "national ID number", 0.1, false},
      {"IDCARDNUM", "ID card number", 0.1, false},
      {"TAXNUM", "tax number", 0.1, false},
      {"LICENSEPLATENUM", "licence plate number", 0.1, false},
      {"PASSWORD", "password", 0.1, false},
      {"IBAN", "IBAN", 0.1, false},
      {"AGE", "age", 0.1, false},
      {"SECURITYTOKEN", "security token / API key", 0.1, false},
      {"CREDITCARDNUMBER", "credit card number", 0.1, false},
      {"USERNAME", "username", 0.1, false},
  }};
  return kTypes;
}

std::optional<int> type_from_name(std::string_view name) {
  const auto& types = pii_types();
  for (int i = 0; i < kNumTypes; ++i) {
    if (types[i].name == name) return i;
  }
  return std::nullopt;
}

std::string label_name(int label) {
  if (label < 0 || label >= kNumLabels) {
    throw std::out_of_range("label id " + std::to_string(label) + " outside [0, " +
                            std::to_string(kNumLabels) + ")");
  }
  if (label == kOutsideLabel) return "O";
  return std::string(is_begin_label(label) ? "B-" : "I-") +
         std::string(type_name(label_type(label)));
}

std::optional<int> label_from_name(std::string_view name) {
  if (name == "O") return kOutsideLabel;
  if (name.size() < 3 || name[1] != '-' || (name[0] != 'B' && name[0] != 'I')) return std::nullopt;
  auto type = type_from_name(name.substr(2));
  if (!type) return std::nullopt;
  return name[0] == 'B' ? begin_label(*type) : inside_label(*type);
}

std::string label_mappings_json() {
  nlohmann::ordered_json label2id = nlohmann::ordered_json::object();
  nlohmann::ordered_json id2label = nlohmann::ordered_json::object();
  for (int id = 0; id < kNumLabels; ++id) {
    label2id[label_name(id)] = id;
    id2label[std::to_string(id)] = label_name(id);
  }
  nlohmann::ordered_json root;
  root["pii"]["label2id"] = std::move(label2id);
  root["pii"]["id2label"] = std::move(id2label);
  return root.dump(2) + "\n";
}

void write_label_mappings(const std::string& path) {
  write_file_atomic(path, label_mappings_json());
}

void check_label_mappings(const std::string& path) {
  nlohmann::json root;
  std::string text;
  try {
    text = read_file(path);
  } catch (const std::runtime_error& e) {
    throw DataError(path, 0, "cannot read the file");
  }
  try {
    root = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw DataError(path, 0, std::string("invalid JSON: ") + e.what());
  }
  if (!root.is_object() || !root.contains("pii") || !root["pii"].is_object()) {
    throw DataError(path, 0, "missing object \"pii\"");
  }
  const auto& pii = root["pii"];
  for (const char* key : {"label2id", "id2label"}) {
    if (!pii.contains(key) || !pii[key].is_object()) {
      throw DataError(path, 0, std::string("missing object \"pii.") + key + "\"");
    }
    if (pii[key].size() != static_cast<std::size_t>(kNumLabels)) {
      throw DataError(path, 0, std::string("pii.") + key + ": expected " +
                                   std::to_string(kNumLabels) + " labels, found " +
                                   std::to_string(pii[key].size()));
    }
  }
  for (const auto& [name, id] : pii["label2id"].items()) {
    auto expected = label_from_name(name);
    if (!expected) throw DataError(path, 0, "pii.label2id: unknown label \"" + name + "\"");
    // Compared as int64: get<int>() would truncate 4294967297 to 1 and accept it.
    if (!id.is_number_integer() || id.get<int64_t>() != *expected) {
      throw DataError(path, 0, "pii.label2id[\"" + name + "\"]: expected " +
                                   std::to_string(*expected) + ", found " + id.dump());
    }
  }
  for (const auto& [key, name] : pii["id2label"].items()) {
    // Canonical decimal keys only: std::stoi alone would accept " 1", "+1" and "01", so a file
    // with "01" in place of "1" would pass with label 1 listed under a key tooling never looks up.
    int id = -1;
    for (int candidate = 0; candidate < kNumLabels; ++candidate) {
      if (key == std::to_string(candidate)) id = candidate;
    }
    if (id < 0) {
      throw DataError(path, 0, "pii.id2label: bad id \"" + key + "\"");
    }
    if (!name.is_string() || name.get<std::string>() != label_name(id)) {
      throw DataError(path, 0, "pii.id2label[\"" + key + "\"]: expected \"" + label_name(id) +
                                   "\", found " + name.dump());
    }
  }
}

}  // namespace piikit
