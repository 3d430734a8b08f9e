# Synthetic labeled data (issue: piikit generate).
list(APPEND PIIKIT_DATA_SOURCES src/generator.cc)
list(APPEND PIIKIT_CLI_SOURCES tools/cmd_generate.cc)
piikit_add_test(NAME generator_test SOURCES tests/generator_test.cc)
