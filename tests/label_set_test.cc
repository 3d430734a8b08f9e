#include "piikit/label_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "piikit/error.h"
#include "piikit/file_util.h"

namespace piikit {
namespace {

using ::testing::StartsWith;

TEST(LabelSetTest, TypesInFixedOrder) {
  ASSERT_EQ(pii_types().size(), 26u);
  const char* expected[] = {
      "SURNAME",     "FIRSTNAME",  "BUILDINGNUM", "DATEOFBIRTH",   "EMAIL",
      "PHONENUMBER", "CITY",       "URL",         "COMPANYNAME",   "STATE",
      "ZIP",         "STREET",     "COUNTRY",     "SSN",           "DRIVERLICENSENUM",
      "PASSPORTID",  "NATIONALID", "IDCARDNUM",   "TAXNUM",        "LICENSEPLATENUM",
      "PASSWORD",    "IBAN",       "AGE",         "SECURITYTOKEN", "CREDITCARDNUMBER",
      "USERNAME"};
  for (int i = 0; i < kNumTypes; ++i) {
    EXPECT_EQ(type_name(i), expected[i]) << i;
    EXPECT_EQ(type_from_name(expected[i]), i) << expected[i];
  }
  EXPECT_EQ(type_info(0).chance, 0.5);  // names are drawn more often
  EXPECT_EQ(type_info(4).chance, 0.1);
  EXPECT_TRUE(type_info(type_from_name("ZIP").value()).address);
  EXPECT_FALSE(type_info(type_from_name("EMAIL").value()).address);
  EXPECT_FALSE(type_from_name("email"));  // case-sensitive
  EXPECT_FALSE(type_from_name("B-EMAIL"));
  EXPECT_FALSE(type_from_name(""));
}

TEST(LabelSetTest, BioIdsFollowTheFixedScheme) {
  EXPECT_EQ(kNumLabels, 53);
  EXPECT_EQ(label_name(0), "O");
  EXPECT_EQ(label_name(1), "B-SURNAME");
  EXPECT_EQ(label_name(2), "I-SURNAME");
  EXPECT_EQ(label_name(3), "B-FIRSTNAME");
  EXPECT_EQ(label_name(9), "B-EMAIL");  // EMAIL is type 4: B = 2*4+1
  EXPECT_EQ(label_name(10), "I-EMAIL");
  EXPECT_EQ(label_name(51), "B-USERNAME");
  EXPECT_EQ(label_name(52), "I-USERNAME");
  for (int t = 0; t < kNumTypes; ++t) {
    EXPECT_EQ(begin_label(t), 2 * t + 1);
    EXPECT_EQ(inside_label(t), 2 * t + 2);
    EXPECT_EQ(label_type(begin_label(t)), t);
    EXPECT_EQ(label_type(inside_label(t)), t);
    EXPECT_TRUE(is_begin_label(begin_label(t)));
    EXPECT_FALSE(is_inside_label(begin_label(t)));
    EXPECT_TRUE(is_inside_label(inside_label(t)));
    EXPECT_FALSE(is_begin_label(inside_label(t)));
  }
  EXPECT_EQ(label_type(0), -1);
  EXPECT_FALSE(is_begin_label(0));
  EXPECT_FALSE(is_inside_label(0));
}

TEST(LabelSetTest, NamesRoundTripAndRejectJunk) {
  std::set<std::string> names;
  for (int id = 0; id < kNumLabels; ++id) {
    std::string name = label_name(id);
    names.insert(name);
    EXPECT_EQ(label_from_name(name), id) << name;
  }
  EXPECT_EQ(names.size(), 53u);
  for (const char* bad :
       {"", "B-", "I-", "X-EMAIL", "BEMAIL", "B_EMAIL", "b-EMAIL", "B-email", "EMAIL", "o"}) {
    EXPECT_FALSE(label_from_name(bad)) << bad;
  }
  EXPECT_THROW(label_name(-1), std::out_of_range);
  EXPECT_THROW(label_name(53), std::out_of_range);
  try {
    label_name(53);
  } catch (const std::out_of_range& e) {
    EXPECT_STREQ(e.what(), "label id 53 outside [0, 53)");
  }
}

class LabelMappingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("piikit_labels_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "label_mappings.json").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes the canonical mapping after `edit` and returns what check_label_mappings throws.
  template <class F>
  std::string check_after(F&& edit) {
    auto root = nlohmann::ordered_json::parse(label_mappings_json());
    edit(root);
    write_file_atomic(path_, root.dump(2));
    try {
      check_label_mappings(path_);
    } catch (const DataError& e) {
      EXPECT_EQ(e.source(), path_);
      return e.what();
    }
    return "no error";
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(LabelMappingsTest, RoundTrip) {
  write_label_mappings(path_);
  EXPECT_NO_THROW(check_label_mappings(path_));
  auto root = nlohmann::json::parse(read_file(path_));
  const auto& pii = root.at("pii");
  EXPECT_EQ(pii.at("label2id").size(), 53u);
  EXPECT_EQ(pii.at("id2label").size(), 53u);
  EXPECT_EQ(pii.at("label2id").at("O"), 0);
  EXPECT_EQ(pii.at("label2id").at("B-SURNAME"), 1);
  EXPECT_EQ(pii.at("label2id").at("I-USERNAME"), 52);
  EXPECT_EQ(pii.at("id2label").at("9"), "B-EMAIL");
  for (int id = 0; id < kNumLabels; ++id) {
    std::string name = pii.at("id2label").at(std::to_string(id));
    EXPECT_EQ(pii.at("label2id").at(name), id);
  }
  // The written text is stable (other tools diff it).
  EXPECT_EQ(read_file(path_), label_mappings_json());
  EXPECT_EQ(
      label_mappings_json().rfind("{\n  \"pii\": {\n    \"label2id\": {\n      \"O\": 0,\n", 0),
      0u);
}

TEST_F(LabelMappingsTest, Errors) {
  using J = nlohmann::ordered_json;
  EXPECT_EQ(check_after([](J& r) { r["pii"]["label2id"]["B-SURNAME"] = 2; }),
            path_ + ": pii.label2id[\"B-SURNAME\"]: expected 1, found 2");
  EXPECT_EQ(check_after([](J& r) { r["pii"]["label2id"]["B-SURNAME"] = "1"; }),
            path_ + ": pii.label2id[\"B-SURNAME\"]: expected 1, found \"1\"");
  EXPECT_EQ(check_after([](J& r) { r["pii"]["label2id"]["B-SURNAME"] = 4294967297ULL; }),
            path_ + ": pii.label2id[\"B-SURNAME\"]: expected 1, found 4294967297");
  EXPECT_EQ(check_after([](J& r) { r["pii"]["id2label"]["3"] = "B-SURNAME"; }),
            path_ + ": pii.id2label[\"3\"]: expected \"B-FIRSTNAME\", found \"B-SURNAME\"");
  EXPECT_EQ(check_after([](J& r) { r["pii"]["label2id"].erase("I-AGE"); }),
            path_ + ": pii.label2id: expected 53 labels, found 52");
  EXPECT_EQ(check_after([](J& r) { r["pii"]["id2label"]["53"] = "B-X"; }),
            path_ + ": pii.id2label: expected 53 labels, found 54");
  EXPECT_EQ(check_after([](J& r) {
              r["pii"]["label2id"].erase("I-AGE");
              r["pii"]["label2id"]["I-HAIRCOLOUR"] = 46;
            }),
            path_ + ": pii.label2id: unknown label \"I-HAIRCOLOUR\"");
  // Non-canonical id keys ("01" for "1") are rejected.
  EXPECT_EQ(check_after([](J& r) {
              r["pii"]["id2label"].erase("1");
              r["pii"]["id2label"]["01"] = "B-SURNAME";
            }),
            path_ + ": pii.id2label: bad id \"01\"");
  EXPECT_EQ(check_after([](J& r) { r["pii"].erase("id2label"); }),
            path_ + ": missing object \"pii.id2label\"");
  EXPECT_EQ(check_after([](J& r) { r = J::array(); }), path_ + ": missing object \"pii\"");
}

TEST_F(LabelMappingsTest, InvalidJsonAndMissingFile) {
  write_file_atomic(path_, "{\"pii\": ");
  try {
    check_label_mappings(path_);
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), StartsWith(path_ + ": invalid JSON: "));
  }
  std::string missing = (dir_ / "nope.json").string();
  try {
    check_label_mappings(missing);
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()), missing + ": cannot read the file");
  }
}

}  // namespace
}  // namespace piikit
