# Synthetic labeled data (issue: piikit generate).
#
# The lexicons in data/lexicon/ are embedded into the library at build time
# (cmake/embed_lexicons.cmake writes ${PROJECT_BINARY_DIR}/generated/gen_lexicon_data.cc), so the
# piikit binary works from any directory without the source tree.
set(PIIKIT_LEXICON_FILES
  first_names.txt surnames.txt cities.txt streets.txt states.txt countries.txt
  company_words.txt company_suffixes.txt mail_domains.txt common_words.txt products.txt
  job_titles.txt english_words.txt english_nouns.txt english_verbs.txt english_adjectives.txt)
set(_piikit_lexicon_paths)
foreach(_f IN LISTS PIIKIT_LEXICON_FILES)
  list(APPEND _piikit_lexicon_paths ${PROJECT_SOURCE_DIR}/data/lexicon/${_f})
endforeach()
string(REPLACE ";" "," _piikit_lexicon_arg "${PIIKIT_LEXICON_FILES}")
set(PIIKIT_LEXICON_SOURCE ${PROJECT_BINARY_DIR}/generated/gen_lexicon_data.cc)
add_custom_command(
  OUTPUT ${PIIKIT_LEXICON_SOURCE}
  COMMAND ${CMAKE_COMMAND} -DBASE=${PROJECT_SOURCE_DIR}/data/lexicon -DFILES=${_piikit_lexicon_arg}
          -DOUT=${PIIKIT_LEXICON_SOURCE} -P ${PROJECT_SOURCE_DIR}/cmake/embed_lexicons.cmake
  DEPENDS ${_piikit_lexicon_paths} ${PROJECT_SOURCE_DIR}/cmake/embed_lexicons.cmake
  COMMENT "Embedding generator lexicons"
  VERBATIM)

list(APPEND PIIKIT_DATA_SOURCES
  src/generator.cc src/gen_compose.cc src/gen_render.cc src/gen_template.cc src/gen_templates.cc
  src/gen_templates_train.cc src/gen_templates_eval.cc src/gen_values.cc src/gen_ids.cc
  src/gen_lexicon.cc src/gen_names.cc src/gen_prose.cc ${PIIKIT_LEXICON_SOURCE})
list(APPEND PIIKIT_CLI_SOURCES tools/cmd_generate.cc)
piikit_add_test(NAME generator_test SOURCES tests/generator_test.cc)
piikit_add_benchmark(NAME generator_bench SOURCES bench/generator_bench.cc)
