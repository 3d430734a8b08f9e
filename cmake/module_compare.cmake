# Scheme comparison with SVG plots (issue: piikit compare).
list(APPEND PIIKIT_DATA_SOURCES src/svg_plot.cc src/compare.cc)
list(APPEND PIIKIT_CORE_SOURCES src/compare_run.cc)
list(APPEND PIIKIT_CLI_SOURCES tools/cmd_compare.cc)
piikit_add_test(NAME svg_plot_test SOURCES tests/svg_plot_test.cc)
piikit_add_test(NAME compare_test SOURCES tests/compare_test.cc)
piikit_add_test(NAME compare_run_test SOURCES tests/compare_run_test.cc TORCH)
