// Test helpers for SVG output: a minimal XML well-formedness check (no external parser needed)
// and, when the tools are installed, validation with xmllint and rendering with rsvg-convert.
#pragma once

#include <cctype>
#include <cstdlib>
#include <string>
#include <vector>

namespace piikit::testing {

// Returns "" when `xml` is well formed in the subset piikit writes (declaration, elements,
// quoted attributes, text with the five predefined entities), else what is wrong and where.
// Checks: every tag closes in order, exactly one root element, attributes are name="value" with
// no raw '<' or '&' in values, no raw '<' in text, '&' only starts &amp; &lt; &gt; &quot; &apos;.
inline std::string xml_problem(const std::string& xml) {
  std::vector<std::string> stack;
  std::size_t i = 0, roots = 0;
  auto where = [&](std::size_t at) { return " at byte " + std::to_string(at); };
  auto check_entity = [&](std::size_t at) -> bool {
    for (const char* e : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"}) {
      if (xml.compare(at, std::string(e).size(), e) == 0) return true;
    }
    return false;
  };
  auto is_name_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' ||
           c == '.';
  };
  if (xml.rfind("<?xml", 0) == 0) {
    i = xml.find("?>");
    if (i == std::string::npos) return "unterminated XML declaration";
    i += 2;
  }
  while (i < xml.size()) {
    char c = xml[i];
    if (c == '&') {
      if (!check_entity(i)) return "bare '&' in text" + where(i);
      ++i;
      continue;
    }
    if (c == '>') return "stray '>' in text" + where(i);
    if (c != '<') {
      if (stack.empty() && !std::isspace(static_cast<unsigned char>(c))) {
        return "text outside the root element" + where(i);
      }
      ++i;
      continue;
    }
    if (xml.compare(i, 4, "<!--") == 0) {
      std::size_t end = xml.find("-->", i);
      if (end == std::string::npos) return "unterminated comment" + where(i);
      i = end + 3;
      continue;
    }
    bool closing = i + 1 < xml.size() && xml[i + 1] == '/';
    std::size_t j = i + (closing ? 2 : 1);
    std::size_t name_start = j;
    while (j < xml.size() && is_name_char(xml[j])) ++j;
    std::string name = xml.substr(name_start, j - name_start);
    if (name.empty()) return "tag without a name" + where(i);
    if (closing) {
      while (j < xml.size() && std::isspace(static_cast<unsigned char>(xml[j]))) ++j;
      if (j >= xml.size() || xml[j] != '>') return "malformed closing tag </" + name + where(i);
      if (stack.empty() || stack.back() != name) {
        return "closing </" + name + "> does not match <" + (stack.empty() ? "" : stack.back()) +
               ">" + where(i);
      }
      stack.pop_back();
      i = j + 1;
      continue;
    }
    // Attributes.
    while (true) {
      while (j < xml.size() && std::isspace(static_cast<unsigned char>(xml[j]))) ++j;
      if (j >= xml.size()) return "unterminated tag <" + name + where(i);
      if (xml[j] == '>' || xml.compare(j, 2, "/>") == 0) break;
      std::size_t a = j;
      while (j < xml.size() && is_name_char(xml[j])) ++j;
      if (j == a) return "bad attribute in <" + name + where(j);
      if (j >= xml.size() || xml[j] != '=') return "attribute without '=' in <" + name + where(j);
      ++j;
      if (j >= xml.size() || (xml[j] != '"' && xml[j] != '\'')) {
        return "unquoted attribute value in <" + name + where(j);
      }
      char quote = xml[j++];
      while (j < xml.size() && xml[j] != quote) {
        if (xml[j] == '<') return "'<' in attribute value of <" + name + where(j);
        if (xml[j] == '&' && !check_entity(j))
          return "bare '&' in attribute of <" + name + where(j);
        ++j;
      }
      if (j >= xml.size()) return "unterminated attribute value in <" + name + where(a);
      ++j;
    }
    bool self_closing = xml[j] == '/';
    if (stack.empty()) {
      if (++roots > 1) return "second root element <" + name + where(i);
    }
    if (!self_closing) stack.push_back(name);
    i = j + (self_closing ? 2 : 1);
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + "> at end of document";
  if (roots != 1) return "no root element";
  return "";
}

inline bool have_tool(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

inline std::size_t count_occurrences(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1))
    ++n;
  return n;
}

}  // namespace piikit::testing
