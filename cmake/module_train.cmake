# Model, weighted loss, configuration and trainer (issue: piikit train).
list(APPEND PIIKIT_DATA_SOURCES src/config.cc)
list(APPEND PIIKIT_CORE_SOURCES src/model.cc src/loss.cc src/data_parallel.cc src/trainer.cc)
list(APPEND PIIKIT_CLI_SOURCES tools/cmd_train.cc)
piikit_add_test(NAME config_test SOURCES tests/config_test.cc)
piikit_add_test(NAME loss_test SOURCES tests/loss_test.cc TORCH)
piikit_add_test(NAME trainer_test SOURCES tests/trainer_test.cc TORCH)
piikit_add_test(NAME data_parallel_test SOURCES tests/data_parallel_test.cc TORCH)
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
piikit_add_test(NAME optimizer_test SOURCES tests/optimizer_test.cc TORCH)
# The GPU tests: built and registered only against a CUDA-enabled libtorch (Torch's CMake package
# then defines torch_cuda), where they need a visible GPU. scripts/cuda_check.sh runs them.
if(TARGET torch_cuda)
  piikit_add_test(NAME cuda_test SOURCES tests/cuda_test.cc TORCH)
endif()
