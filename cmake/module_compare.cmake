# Scheme comparison with SVG plots (issue: piikit compare).
list(APPEND PIIKIT_CLI_SOURCES tools/cmd_compare.cc)
