# Class weights from label frequency (issue: class weights).
list(APPEND PIIKIT_DATA_SOURCES src/class_weights.cc src/label_counting.cc src/sample_label_counts.cc
     src/data_weights.cc)
list(APPEND PIIKIT_CLI_SOURCES tools/cmd_weights.cc)
piikit_add_test(NAME class_weights_test SOURCES tests/class_weights_test.cc)
piikit_add_test(NAME label_counting_test SOURCES tests/label_counting_test.cc)
piikit_add_benchmark(NAME class_weights_bench SOURCES bench/class_weights_bench.cc)
piikit_add_test(NAME data_weights_test SOURCES tests/data_weights_test.cc)
