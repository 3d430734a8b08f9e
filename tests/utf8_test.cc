#include "piikit/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace piikit {
namespace {

struct Invalid {
  const char* name;
  std::string bytes;
  std::size_t bad_byte;
};

TEST(Utf8Test, AcceptsWellFormedText) {
  for (const std::string& s :
       std::vector<std::string>{"", "plain ASCII", "Šárka Ottová", "Straße 5", "東京都",
                                "😀 emoji 🎉", "\xF4\x8F\xBF\xBF" /* U+10FFFF */,
                                "\xEF\xBF\xBD" /* U+FFFD */, std::string("nul\0inside", 10)}) {
    std::size_t bad = 12345;
    EXPECT_TRUE(is_valid_utf8(s, &bad)) << s;
    EXPECT_EQ(bad, 12345u) << "bad_byte must be untouched on success";
  }
}

TEST(Utf8Test, RejectsMalformedSequencesAtTheRightByte) {
  const Invalid cases[] = {
      {"stray continuation", "ab\x80", 2},        {"overlong 2-byte slash", "x\xC0\xAF", 1},
      {"overlong 2-byte C1", "\xC1\xBF", 0},      {"overlong 3-byte", "ok\xE0\x80\xAF", 2},
      {"overlong 4-byte", "\xF0\x80\x80\xAF", 0}, {"high surrogate", "a\xED\xA0\x80", 1},
      {"low surrogate", "\xED\xBF\xBF", 0},       {"past U+10FFFF", "\xF4\x90\x80\x80", 0},
      {"F5 lead", "\xF5\x80\x80\x80", 0},         {"FF byte", "abc\xFF", 3},
      {"5-byte lead", "\xF8\x88\x80\x80\x80", 0}, {"truncated 2-byte at end", "abc\xC3", 3},
      {"truncated 3-byte at end", "\xE2\x82", 0}, {"truncated 4-byte at end", "😀\xF0\x9F\x98", 4},
      {"bad continuation", "\xC3\x28", 0},        {"3-byte with ASCII inside", "\xE2\x28\xA1", 0},
  };
  for (const auto& c : cases) {
    std::size_t bad = 999;
    EXPECT_FALSE(is_valid_utf8(c.bytes, &bad)) << c.name;
    EXPECT_EQ(bad, c.bad_byte) << c.name;
    EXPECT_FALSE(is_valid_utf8(c.bytes)) << c.name << " (no bad_byte pointer)";
  }
}

TEST(Utf8Test, CodePointCountAndOffsets) {
  EXPECT_EQ(codepoint_count(""), 0u);
  EXPECT_EQ(codepoint_count("Šárka Ottová"), 12u);  // 15 bytes
  EXPECT_EQ(std::string("Šárka Ottová").size(), 15u);
  EXPECT_EQ(codepoint_count("😀a"), 2u);  // astral = one code point (two UTF-16 units)
  EXPECT_EQ(codepoint_byte_offsets("aŠ😀b"), (std::vector<std::size_t>{0, 1, 3, 7, 8}));
  EXPECT_EQ(codepoint_byte_offsets(""), (std::vector<std::size_t>{0}));
}

TEST(Utf8Test, DecodeEncodeRoundTrip) {
  for (const std::string& s :
       std::vector<std::string>{"", "abc", "Šárka Ottová", "東京", "😀🎉", "\xF4\x8F\xBF\xBF"}) {
    std::u32string cps = utf8_decode(s);
    EXPECT_EQ(cps.size(), codepoint_count(s)) << s;
    EXPECT_EQ(utf8_encode(cps), s);
  }
  EXPECT_EQ(utf8_decode("aŠ😀"), (std::u32string{U'a', U'\u0160', U'\U0001F600'}));
  std::string out;
  append_utf8(out, U'\u20AC');
  EXPECT_EQ(out, "\xE2\x82\xAC");
  append_utf8(out, U'\u007F');
  append_utf8(out, U'\u0080');
  append_utf8(out, U'\u07FF');
  append_utf8(out, U'\u0800');
  append_utf8(out, U'\U00010000');
  EXPECT_EQ(out, "\xE2\x82\xAC\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xF0\x90\x80\x80");
  EXPECT_TRUE(is_valid_utf8(out));
}

TEST(Utf8Test, CodePointSubstring) {
  const std::string s = "Šárka 😀 Ottová";
  EXPECT_EQ(codepoint_substr(s, 0, 5), "Šárka");
  EXPECT_EQ(codepoint_substr(s, 6, 7), "😀");
  EXPECT_EQ(codepoint_substr(s, 8, 14), "Ottová");  // runs to the end
  EXPECT_EQ(codepoint_substr(s, 0, 14), s);
  EXPECT_EQ(codepoint_substr(s, 13, 14), "á");
  EXPECT_EQ(codepoint_substr(s, 3, 3), "");
  EXPECT_EQ(codepoint_substr(s, 14, 14), "");
  EXPECT_EQ(codepoint_substr("", 0, 0), "");
}

}  // namespace
}  // namespace piikit
