# Subword tokenizer with offsets, label alignment and decoding (issue: tokenizer).
list(APPEND PIIKIT_DATA_SOURCES src/pretokenizer.cc src/wordpiece.cc src/tokenizer.cc
                                src/token_alignment.cc src/spm_backend.cc)
list(APPEND PIIKIT_CLI_SOURCES tools/cmd_tokenizer.cc)
piikit_add_test(NAME tokenizer_test SOURCES tests/tokenizer_test.cc)
piikit_add_benchmark(NAME tokenizer_bench SOURCES bench/tokenizer_bench.cc)
