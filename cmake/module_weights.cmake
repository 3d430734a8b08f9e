# Class weights from label frequency (issue: class weights).
list(APPEND PIIKIT_DATA_SOURCES src/class_weights.cc)
list(APPEND PIIKIT_CLI_SOURCES tools/cmd_weights.cc)
piikit_add_test(NAME class_weights_test SOURCES tests/class_weights_test.cc)
