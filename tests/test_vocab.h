// Test helper: a WordPiece vocab.txt built from sample texts, for tests that train models and want
// a tokenizer without training one (it loads instantly and keeps the tests fast).
#pragma once

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "piikit/sample.h"

namespace piikit::testing {

// Contents of a vocab.txt: [PAD] [UNK] [CLS] [SEP], every printable ASCII character alone and as
// "##c", then the `top_words` most frequent alphanumeric words of the samples (ties by word).
inline std::string word_piece_vocab(const std::vector<Sample>& samples, std::size_t top_words) {
  std::map<std::string, int> freq;
  for (const Sample& s : samples) {
    std::string word;
    for (char ch : s.text + " ") {
      if (std::isalnum(static_cast<unsigned char>(ch))) {
        word += ch;
      } else {
        if (!word.empty()) ++freq[word];
        word.clear();
      }
    }
  }
  std::vector<std::pair<int, std::string>> by_count;
  for (const auto& [w, n] : freq) by_count.emplace_back(-n, w);
  std::sort(by_count.begin(), by_count.end());
  std::string vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n";
  std::set<std::string> seen;
  auto add = [&](const std::string& piece) {
    if (seen.insert(piece).second) vocab += piece + "\n";
  };
  for (char c = 33; c < 127; ++c) {
    add(std::string(1, c));
    add("##" + std::string(1, c));
  }
  for (std::size_t i = 0; i < std::min(top_words, by_count.size()); ++i) add(by_count[i].second);
  return vocab;
}

}  // namespace piikit::testing
