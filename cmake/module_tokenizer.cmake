# Subword tokenizer with offsets, label alignment and decoding (issue: tokenizer).
list(APPEND PIIKIT_DATA_SOURCES src/tokenizer.cc)
list(APPEND PIIKIT_CLI_SOURCES tools/cmd_tokenizer.cc)
piikit_add_test(NAME tokenizer_test SOURCES tests/tokenizer_test.cc)
