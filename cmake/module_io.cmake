# Labeled-sample readers/writers and dataset statistics (issue: foundation).
list(APPEND PIIKIT_DATA_SOURCES src/sample_io.cc src/sample_records.cc src/label_studio_reader.cc
                                src/stats.cc src/crash_report.cc)
list(APPEND PIIKIT_CLI_SOURCES tools/cmd_convert.cc tools/cmd_stats.cc)
piikit_add_test(NAME label_set_test SOURCES tests/label_set_test.cc)
piikit_add_test(NAME utf8_test SOURCES tests/utf8_test.cc)
piikit_add_test(NAME sample_io_test SOURCES tests/sample_io_test.cc)
piikit_add_test(NAME stats_test SOURCES tests/stats_test.cc)
piikit_add_benchmark(NAME sample_io_bench SOURCES bench/sample_io_bench.cc)
