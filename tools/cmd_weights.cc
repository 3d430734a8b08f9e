// `piikit weights`: the class weights training would use for some data, as a table, a
// ready-to-paste [class_weights] TOML block or JSON (class_weights.json layout).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "piikit/data_weights.h"

namespace piikit::cli {
namespace {

struct WeightsFlags {
  std::vector<std::string> data;  // --data: sample files (default: the config's data.train_files)
  std::string config_file;        // --config: training config (default: built-in defaults)
  std::string scheme;             // --scheme: none|inverse|inverse_sqrt|effective ("" = config)
  double beta = 0.999;            // --beta: effective-number beta (if given; default: config)
  bool beta_given = false;
  std::string granularity;        // --granularity: label|type ("" = config)
  std::string tokenizer;         // --tokenizer: dir or vocab.txt ("" = config, else train one)
  std::string format = "table";  // --format: table | toml | json
  bool all = false;              // --all: count every sample, not only the training split
};

void run_weights(const WeightsFlags& f) {
  DataWeightsOptions options;
  options.data_files = f.data;
  options.config_file = f.config_file;
  if (!f.scheme.empty()) options.scheme = f.scheme;
  if (f.beta_given) options.beta = f.beta;
  if (!f.granularity.empty()) options.granularity = f.granularity;
  options.tokenizer = f.tokenizer;
  options.whole_data = f.all;
  const DataWeights result = compute_data_weights(options);

  for (const std::string& note : result.notes) std::cerr << "piikit: note: " << note << '\n';
  for (const std::string& w : result.weights.warnings)
    std::cerr << "piikit: warning: " << w << '\n';
  std::cerr << "piikit: counted " << result.counted_samples << " of " << result.num_samples
            << " samples (" << (f.all ? "all data" : "the training split") << "); tokenizer "
            << result.tokenizer << '\n';
  if (f.format == "json") {
    std::cout << result.weights.to_json();
  } else if (f.format == "toml") {
    std::cout << result.weights.to_toml();
  } else {
    std::cout << result.weights.to_table();
  }
}

}  // namespace

void register_weights(CLI::App& app) {
  auto flags = std::make_shared<WeightsFlags>();
  CLI::App* sub =
      app.add_subcommand("weights",
                         "Show the class weights training would use for some data (counts, shares, "
                         "weights)");
  sub->add_option("--data", flags->data,
                  "Sample files (JSONL, Label Studio, privacy-mask); "
                  "default: data.train_files of --config, else generated data as in training");
  sub->add_option("--config", flags->config_file,
                  "Training config (TOML): its [training] "
                  "class-weight settings, [class_weights] table, tokenizer and split settings")
      ->check(CLI::ExistingFile);
  sub->add_option("--scheme", flags->scheme,
                  "Weighting scheme (default: "
                  "training.class_weight_scheme, inverse_sqrt)")
      ->check(CLI::IsMember({"none", "inverse", "inverse_sqrt", "effective"}));
  CLI::Option* beta = sub->add_option("--beta", flags->beta,
                                      "Beta of the effective scheme, in "
                                      "[0, 1) (default: training.class_weight_beta, 0.999)");
  sub->add_option("--granularity", flags->granularity,
                  "Classes: label (the 53 BIO labels) or type (O and the 26 types; B- and I- share "
                  "a weight) (default: training.class_weight_granularity, label)")
      ->check(CLI::IsMember({"label", "type"}));
  sub->add_option("--tokenizer", flags->tokenizer,
                  "Tokenizer directory or WordPiece vocab.txt "
                  "(default: paths.tokenizer, else one trained on the data as training does)");
  sub->add_option("--format", flags->format,
                  "Output: table (id, label, count, share, weight), "
                  "toml (a [class_weights] block) or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "toml", "json"}));
  sub->add_flag("--all", flags->all,
                "Count every sample instead of the training split "
                "(training holds out training.eval_size_ratio for validation)");
  sub->callback([flags, beta] {
    flags->beta_given = beta->count() > 0;
    run_weights(*flags);
  });
}

}  // namespace piikit::cli
