# Model, weighted loss, configuration and trainer (issue: piikit train).
list(APPEND PIIKIT_DATA_SOURCES src/config.cc)
list(APPEND PIIKIT_CORE_SOURCES src/model.cc src/loss.cc src/trainer.cc)
list(APPEND PIIKIT_CLI_SOURCES tools/cmd_train.cc)
piikit_add_test(NAME config_test SOURCES tests/config_test.cc)
piikit_add_test(NAME loss_test SOURCES tests/loss_test.cc TORCH)
piikit_add_test(NAME trainer_test SOURCES tests/trainer_test.cc TORCH)
