# Metrics, constrained decoding, detection and evaluation (issue: detect and eval).
list(APPEND PIIKIT_DATA_SOURCES src/metrics.cc src/viterbi.cc src/mask.cc src/detect_stream.cc)
list(APPEND PIIKIT_CORE_SOURCES src/detector.cc src/evaluate.cc)
list(APPEND PIIKIT_CLI_SOURCES tools/cmd_detect.cc tools/cmd_eval.cc)
piikit_add_test(NAME metrics_test SOURCES tests/metrics_test.cc)
piikit_add_test(NAME viterbi_test SOURCES tests/viterbi_test.cc)
piikit_add_test(NAME mask_test SOURCES tests/mask_test.cc)
piikit_add_test(NAME detect_stream_test SOURCES tests/detect_stream_test.cc)
piikit_add_test(NAME detector_test SOURCES tests/detector_test.cc TORCH)
