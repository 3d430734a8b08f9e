#include "piikit/mask.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "piikit/label_set.h"

namespace piikit {
namespace {

int type(const char* name) { return *type_from_name(name); }

TEST(MaskTest, ReplacesEachEntityByItsLabel) {
  const std::string text = "Call Anna at 555-0100.";
  const std::vector<Entity> ents = {{13, 21, type("PHONENUMBER")}, {5, 9, type("FIRSTNAME")}};
  EXPECT_EQ(mask_text(text, ents, MaskStyle::kLabel), "Call [FIRSTNAME] at [PHONENUMBER].");
}

TEST(MaskTest, NumberedPlaceholdersAreConsistentWithinAText) {
  const std::string text = "Anna met Bo; Anna left. Bo stayed in Graz.";
  const int fn = type("FIRSTNAME"), city = type("CITY");
  const std::vector<Entity> ents = {
      {0, 4, fn}, {9, 11, fn}, {13, 17, fn}, {24, 26, fn}, {37, 41, city}};
  EXPECT_EQ(mask_text(text, ents, MaskStyle::kNumbered),
            "[FIRSTNAME_1] met [FIRSTNAME_2]; [FIRSTNAME_1] left. [FIRSTNAME_2] stayed in "
            "[CITY_1].");
}

TEST(MaskTest, SameValueOfDifferentTypesGetsSeparateNumbers) {
  const std::string text = "Jordan from Jordan";
  const std::vector<Entity> ents = {{0, 6, type("FIRSTNAME")}, {12, 18, type("COUNTRY")}};
  EXPECT_EQ(mask_text(text, ents, MaskStyle::kNumbered), "[FIRSTNAME_1] from [COUNTRY_1]");
}

TEST(MaskTest, OffsetsAreCodePoints) {
  const std::string text = "Zoë Müller, 東京";  // multi-byte characters before and inside spans
  const std::vector<Entity> ents = {
      {0, 3, type("FIRSTNAME")}, {4, 10, type("SURNAME")}, {12, 14, type("CITY")}};
  EXPECT_EQ(mask_text(text, ents, MaskStyle::kLabel), "[FIRSTNAME] [SURNAME], [CITY]");
}

TEST(MaskTest, NoEntitiesLeavesTextUnchanged) {
  EXPECT_EQ(mask_text("nothing here", {}, MaskStyle::kNumbered), "nothing here");
  EXPECT_EQ(mask_text("", {}, MaskStyle::kLabel), "");
}

TEST(MaskTest, RejectsBadEntities) {
  const int fn = type("FIRSTNAME");
  EXPECT_THROW(mask_text("abc", {{0, 4, fn}}, MaskStyle::kLabel), std::invalid_argument);
  EXPECT_THROW(mask_text("abcdef", {{0, 3, fn}, {2, 5, fn}}, MaskStyle::kLabel),
               std::invalid_argument);
  try {
    mask_text("abc", {{2, 2, fn}}, MaskStyle::kLabel);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), testing::HasSubstr("[2,2)"));
  }
}

TEST(MaskTest, StyleNames) {
  EXPECT_EQ(mask_style_from_name("label"), MaskStyle::kLabel);
  EXPECT_EQ(mask_style_from_name("numbered"), MaskStyle::kNumbered);
  EXPECT_EQ(mask_style_from_name("Numbered"), std::nullopt);
}

}  // namespace
}  // namespace piikit
