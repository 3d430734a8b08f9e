#include "gen_names.h"

#include <algorithm>

#include "piikit/utf8.h"

namespace piikit::gen {

namespace {

constexpr char32_t kStart = 0;
constexpr char32_t kEnd = 1;

uint64_t context(char32_t a, char32_t b) { return (static_cast<uint64_t>(a) << 32) | b; }

}  // namespace

ValueSynth::ValueSynth(const std::vector<std::string_view>& values, const std::vector<std::string_view>& avoid) {
  for (std::string_view v : avoid) avoid_.insert(std::string(v));
  for (std::string_view v : values) {
    fallback_.emplace_back(v);
    std::u32string cps = utf8_decode(v);
    char32_t a = kStart, b = kStart;
    cps.push_back(kEnd);
    for (char32_t c : cps) {
      auto& followers = next_[context(a, b)];
      auto it = std::find_if(followers.begin(), followers.end(), [&](const auto& f) { return f.first == c; });
      if (it == followers.end()) followers.push_back({c, 1});
      else ++it->second;
      a = b;
      b = c;
    }
  }
  for (auto& [ctx, followers] : next_) {  // counts -> cumulative counts
    uint32_t total = 0;
    for (auto& f : followers) f.second = total += f.second;
  }
}

std::string ValueSynth::or_made_up(Rng& rng, double chance, std::string_view value) const {
  return !empty() && rng.chance(chance) ? make(rng) : std::string(value);
}

std::string ValueSynth::make(Rng& rng) const {
  constexpr std::size_t kMinLength = 3, kMaxLength = 16;
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::u32string out;
    char32_t a = kStart, b = kStart;
    while (out.size() <= kMaxLength) {
      const auto it = next_.find(context(a, b));
      if (it == next_.end()) break;
      const auto& followers = it->second;
      const uint32_t r = static_cast<uint32_t>(rng.below(followers.back().second));
      const auto pick = std::upper_bound(followers.begin(), followers.end(), r,
                                         [](uint32_t v, const auto& f) { return v < f.second; });
      if (pick->first == kEnd) break;
      out.push_back(pick->first);
      a = b;
      b = pick->first;
    }
    if (out.size() < kMinLength || out.size() > kMaxLength) continue;
    if (out.front() == U' ' || out.back() == U' ') continue;
    std::string value = utf8_encode(out);
    if (!avoid_.count(value)) return value;
  }
  return fallback_[rng.below(fallback_.size())];
}

}  // namespace piikit::gen
