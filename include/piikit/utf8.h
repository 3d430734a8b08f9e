// UTF-8 helpers: validation and code-point <-> byte offset conversion.
//
// Spans are stored in code points (what users and other tools count); std::string holds UTF-8
// bytes, so every module that slices text goes through these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace piikit {

// True if `s` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
// On failure, *bad_byte (if given) receives the byte offset of the first bad sequence.
bool is_valid_utf8(std::string_view s, std::size_t* bad_byte = nullptr);

// Number of code points. Precondition: valid UTF-8.
std::size_t codepoint_count(std::string_view s);

// Byte offset of every code point, plus s.size() at the end: result.size() == count + 1.
// Precondition: valid UTF-8.
std::vector<std::size_t> codepoint_byte_offsets(std::string_view s);

// Decodes to code points / encodes back. Precondition for decode: valid UTF-8.
std::u32string utf8_decode(std::string_view s);
std::string utf8_encode(std::u32string_view s);
void append_utf8(std::string& out, char32_t cp);

// Substring by code-point range [start, end). Precondition: valid range, valid UTF-8.
std::string codepoint_substr(std::string_view s, std::size_t start, std::size_t end);

}  // namespace piikit
