# Model, weighted loss, configuration and trainer (issue: piikit train).
list(APPEND PIIKIT_DATA_SOURCES src/config.cc)
list(APPEND PIIKIT_CORE_SOURCES src/model.cc src/loss.cc src/trainer.cc)
list(APPEND PIIKIT_CLI_SOURCES tools/cmd_train.cc)
piikit_add_test(NAME config_test SOURCES tests/config_test.cc)
piikit_add_test(NAME loss_test SOURCES tests/loss_test.cc TORCH)
piikit_add_test(NAME trainer_test SOURCES tests/trainer_test.cc TORCH)
# helper "model": model config presets (torch-free), model tests, training-throughput benchmark.
list(APPEND PIIKIT_DATA_SOURCES src/model_config.cc)
list(APPEND PIIKIT_CORE_SOURCES src/dropout.cc src/optimizer.cc)
piikit_add_test(NAME model_test SOURCES tests/model_test.cc TORCH)
# helper "trainer": split, schedule and checkpoint state (torch-free), batching, validation, loop.
list(APPEND PIIKIT_DATA_SOURCES src/data_split.cc src/lr_schedule.cc src/checkpoint.cc src/progress.cc)
list(APPEND PIIKIT_CORE_SOURCES src/batching.cc src/validation.cc)
piikit_add_test(NAME data_split_test SOURCES tests/data_split_test.cc)
piikit_add_test(NAME lr_schedule_test SOURCES tests/lr_schedule_test.cc)
piikit_add_test(NAME checkpoint_test SOURCES tests/checkpoint_test.cc)
piikit_add_test(NAME progress_test SOURCES tests/progress_test.cc)
piikit_add_test(NAME batching_test SOURCES tests/batching_test.cc TORCH)
piikit_add_benchmark(NAME train_step_bench SOURCES bench/train_step_bench.cc TORCH)
# Start-up crash fix (helper "model"; belongs next to piikit_core in CMakeLists.txt): Debian's
# libsentencepiece exports its own instantiations of protobuf templates (MergeFromImpl). When it
# precedes libprotobuf in the dynamic lookup order, libprotobuf's static initialisers (pulled in
# by libtorch) bind to those copies and every program linking both segfaults before main().
# Linking libprotobuf first, as a direct dependency, makes its own definitions win.
find_library(PIIKIT_PROTOBUF_LIBRARY NAMES libprotobuf.so.32 protobuf)
function(piikit_link_protobuf_first)
  if(TARGET piikit_core AND PIIKIT_PROTOBUF_LIBRARY)
    get_target_property(_libs piikit_core INTERFACE_LINK_LIBRARIES)
    set_property(TARGET piikit_core PROPERTY INTERFACE_LINK_LIBRARIES
                 "-Wl,--no-as-needed,${PIIKIT_PROTOBUF_LIBRARY},--as-needed;${_libs}")
  endif()
endfunction()
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL piikit_link_protobuf_first)
piikit_add_test(NAME optimizer_test SOURCES tests/optimizer_test.cc TORCH)
