// Ordinary English text without PII: the context a detector must learn to leave alone.
//
// Template words are a closed set: a model trained on templates alone learns "a word I have not
// seen in the templates is a PII value", and tags every unfamiliar word of real text. Sentences
// drawn here from large word lexicons (english_words/nouns/verbs/adjectives.txt, partitioned
// between train and eval like every lexicon) teach it that unfamiliar words are usually just words.
#pragma once

#include <string>

#include "gen_lexicon.h"
#include "gen_random.h"

namespace piikit::gen {

// One sentence with its end punctuation, from a small grammar over the word lexicons (or, now and
// then, loose word salad). Mostly capitalized and grammatical-looking; sometimes chat-style lower case.
std::string make_sentence(Rng& rng, const Lexicons& lex);
// A short title-case phrase ("Quarterly Kitchen Schedule"): capitalized words that are not names.
std::string make_title(Rng& rng, const Lexicons& lex);
// One to `max_sentences` sentences joined by spaces.
std::string make_paragraph(Rng& rng, const Lexicons& lex, int max_sentences);

}  // namespace piikit::gen
