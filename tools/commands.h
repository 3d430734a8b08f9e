// Subcommand registration: each tools/cmd_<name>.cc adds its subcommand to the app.
// A subcommand parses flags into a typed options struct and calls the library; nothing more.
#pragma once

#include <CLI/CLI.hpp>

namespace piikit::cli {

void register_convert(CLI::App& app);
void register_stats(CLI::App& app);
void register_generate(CLI::App& app);
void register_tokenizer(CLI::App& app);
void register_weights(CLI::App& app);
void register_train(CLI::App& app);
void register_detect(CLI::App& app);
void register_eval(CLI::App& app);
void register_compare(CLI::App& app);

}  // namespace piikit::cli
