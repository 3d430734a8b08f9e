#include "gen_prose.h"

#include <string>
#include <string_view>

namespace piikit::gen {
namespace {

// Grammar words are the language itself, not lexicon entries: both splits share them.
constexpr std::string_view kDet[] = {"the", "the", "the", "a", "this", "that", "our", "your", "my", "every", "each",
                                     "another", "some", "no", "their", "its"};
constexpr std::string_view kPron[] = {"we", "I", "you", "they", "someone", "nobody", "everyone", "he", "she", "it"};
constexpr std::string_view kModal[] = {"will", "can", "could", "should", "would", "might", "must", "may", "need to",
                                       "want to", "have to", "plan to", "forgot to", "tried to", "did not",
                                       "cannot", "won't", "don't"};
constexpr std::string_view kPrep[] = {"in", "on", "at", "for", "with", "from", "about", "after", "before", "under",
                                      "over", "near", "without", "during", "behind", "into", "through", "by",
                                      "between", "across", "of"};
constexpr std::string_view kBe[] = {"is", "was", "seems", "looks", "is still", "was not", "became", "is now",
                                    "remains", "felt"};
constexpr std::string_view kAdv[] = {"quickly", "again", "today", "tomorrow", "yesterday", "soon", "later", "now",
                                     "already", "probably", "really", "carefully", "together", "first", "at once",
                                     "next week", "this morning", "as usual", "by Friday", "again later"};
constexpr std::string_view kConj[] = {"and", "but", "so", "because", "while", "although", "or", "since", "unless",
                                      "when", "if"};
constexpr std::string_view kOpen[] = {"Also", "However", "Anyway", "By the way", "In any case", "Honestly", "Meanwhile",
                                      "Unfortunately", "Luckily", "Otherwise", "For now", "Just so you know", "FYI",
                                      "Btw", "Well", "OK", "Sure", "Actually"};
constexpr std::string_view kQuestion[] = {"Could you", "Can we", "Should I", "Would you", "Did you", "Do we", "Why did they",
                                          "When will you", "Who can", "How do I", "Is it possible to", "Any chance to"};
constexpr std::string_view kEnd[] = {".", ".", ".", ".", ".", "!", "...", ""};
// Train split: the share of title-case words that are made up (Lexicons::synth_words), so the
// model meets capitalised words it has never seen that are not PII ("Quarterly Brindon Review").
constexpr double kMadeUpTitleWordChance = 0.25;

class Builder {
 public:
  Builder(Rng& rng, const Lexicons& lex) : rng_(rng), lex_(lex) {}

  void w(std::string_view word) {
    if (!out_.empty()) out_ += ' ';
    out_ += word;
  }
  template <std::size_t N>
  void any(const std::string_view (&words)[N]) { w(rng_.pick(words)); }
  void noun() { w(lex_.english_nouns.pick(rng_)); }
  void verb() { w(lex_.english_verbs.pick(rng_)); }
  void adj() { w(lex_.english_adjectives.pick(rng_)); }
  void word() { w(lex_.english_words.pick(rng_)); }
  void content() {  // any content word, often from the large mixed list
    const double u = rng_.uniform();
    if (u < 0.45) word();
    else if (u < 0.75) noun();
    else if (u < 0.9) adj();
    else verb();
  }
  void np() {  // noun phrase
    // Train split: now and then a count instead of a determiner ("in 43 hours", "3 boxes"), so
    // that a small number in prose is not taken for an age (the eval split keeps its draws).
    if (lex_.split == Split::kTrain && rng_.chance(0.06)) w(std::to_string(rng_.range(1, 99)));
    else any(kDet);
    if (rng_.chance(0.45)) rng_.chance(0.7) ? adj() : word();
    noun();
    if (rng_.chance(0.15)) {
      any(kPrep);
      any(kDet);
      noun();
    }
  }
  void vp() {  // verb phrase after a subject
    if (rng_.chance(0.35)) {
      any(kBe);
      rng_.chance(0.7) ? adj() : np();
    } else {
      any(kModal);
      verb();
      np();
    }
    if (rng_.chance(0.35)) {
      any(kPrep);
      np();
    }
    if (rng_.chance(0.2)) any(kAdv);
  }
  void clause() {
    rng_.chance(0.5) ? any(kPron) : np();
    vp();
  }

  std::string sentence() {
    const double u = rng_.uniform();
    std::string_view end = rng_.pick(kEnd);
    if (u < 0.4) {
      if (rng_.chance(0.2)) {
        any(kOpen);
        out_ += ',';
      }
      clause();
      if (rng_.chance(0.3)) {
        out_ += rng_.chance(0.5) ? "," : "";
        any(kConj);
        clause();
      }
    } else if (u < 0.55) {
      w(rng_.chance(0.5) ? "please" : "pls");
      verb();
      np();
      if (rng_.chance(0.5)) {
        any(kPrep);
        np();
      }
      if (rng_.chance(0.3)) any(kAdv);
    } else if (u < 0.68) {
      any(kQuestion);
      verb();
      np();
      if (rng_.chance(0.4)) {
        any(kPrep);
        np();
      }
      end = "?";
    } else if (u < 0.8) {
      np();
      any(kBe);
      adj();
      if (rng_.chance(0.4)) {
        any(kConj);
        rng_.chance(0.5) ? adj() : clause();
      }
    } else {  // loose word salad: notes, fragments, keyword lists
      const int n = 2 + static_cast<int>(rng_.below(9));
      for (int i = 0; i < n; ++i) {
        content();
        if (i + 1 < n && rng_.chance(0.12)) out_ += rng_.chance(0.6) ? "," : " -";
      }
    }
    if (!rng_.chance(0.15)) capitalize_first();  // chat-style lower case now and then
    out_ += end;
    return std::move(out_);
  }

  std::string title() {
    const int n = 1 + static_cast<int>(rng_.below(4));
    for (int i = 0; i < n; ++i) {
      const double u = rng_.uniform();
      const std::string_view picked = u < 0.3    ? lex_.english_adjectives.pick(rng_)
                                      : u < 0.75 ? lex_.english_nouns.pick(rng_)
                                                 : lex_.english_words.pick(rng_);
      // Train split: a quarter of title words are made up (unseen capitalised words, not PII).
      w(lex_.synth_words.or_made_up(rng_, kMadeUpTitleWordChance, picked));
      if (rng_.chance(0.9)) capitalize_last_word();
      if (i + 1 < n && rng_.chance(0.1)) w(rng_.chance(0.5) ? "and" : "&");
    }
    return std::move(out_);
  }

 private:
  void capitalize_first() {
    if (!out_.empty() && out_[0] >= 'a' && out_[0] <= 'z') out_[0] = static_cast<char>(out_[0] - 32);
  }
  void capitalize_last_word() {
    const std::size_t p = out_.rfind(' ');
    const std::size_t i = p == std::string::npos ? 0 : p + 1;
    if (i < out_.size() && out_[i] >= 'a' && out_[i] <= 'z') out_[i] = static_cast<char>(out_[i] - 32);
  }

  Rng& rng_;
  const Lexicons& lex_;
  std::string out_;
};

}  // namespace

std::string make_sentence(Rng& rng, const Lexicons& lex) { return Builder(rng, lex).sentence(); }

std::string make_title(Rng& rng, const Lexicons& lex) { return Builder(rng, lex).title(); }

std::string make_paragraph(Rng& rng, const Lexicons& lex, int max_sentences) {
  const int n = 1 + static_cast<int>(rng.below(static_cast<std::size_t>(max_sentences)));
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i) out += ' ';
    out += make_sentence(rng, lex);
  }
  return out;
}

}  // namespace piikit::gen
