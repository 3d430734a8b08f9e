// Sample composition: picks a genre (e-mail, ticket, chat, letter, note, HR/medical/bank/
// shipping/invoice/web forms, JSON, YAML, .env, INI, CSV, log lines) and lays out the drawn
// types in it: header, body (sentences or fields), footer.
#pragma once

#include <string_view>

#include "gen_render.h"
#include "gen_templates.h"

namespace piikit::gen {

// Number of genres and their names (for docs and tests).
std::size_t genre_count();
std::string_view genre_name(std::size_t index);

// Renders one whole sample into `r`. Every type in r.drawn() is emitted at least once and no
// other type is. Returns the genre index used.
std::size_t compose_sample(Renderer& r, const TemplateSet& templates);

}  // namespace piikit::gen
