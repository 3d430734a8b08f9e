// compute_data_weights: the trainer's path from data to class weights (src/trainer.cc, "Data and
// the validation split", "Tokenizer", "Class weights"), minus the model. Keep the two in step.
#include "piikit/data_weights.h"

#include <utility>

#include "piikit/config.h"
#include "piikit/data_split.h"
#include "piikit/error.h"
#include "piikit/generator.h"
#include "piikit/sample_io.h"
#include "piikit/tokenizer.h"

namespace piikit {
namespace {

// The training data as the trainer finds it: the given files, else the config's train_files,
// else samples generated the way `piikit train` generates them.
std::vector<Sample> read_data(const DataWeightsOptions& options, const TrainConfig& config,
                              std::vector<std::string>& notes) {
  const std::vector<std::string>& files =
      options.data_files.empty() ? config.data.train_files : options.data_files;
  if (files.empty()) {
    const DataConfig& d = config.data;
    if (d.generate_train_samples < 2) {
      throw ConfigError("data.generate_train_samples: must be >= 2, got " +
                        std::to_string(d.generate_train_samples));
    }
    notes.push_back("no --data and no data.train_files: counting " +
                    std::to_string(d.generate_train_samples) +
                    " generated samples, as `piikit train` would train on (seed " +
                    std::to_string(d.generate_seed) + ")");
    const GeneratorConfig gen = d.generator_config.empty()
                                    ? GeneratorConfig()
                                    : GeneratorConfig::from_toml_file(d.generator_config);
    return generate_samples(gen, Split::kTrain, d.generate_seed,
                            static_cast<std::size_t>(d.generate_train_samples));
  }
  SkipReport report;
  std::vector<Sample> samples = load_samples(files, ReadOptions{}, &report);
  if (!report.empty()) notes.push_back("while reading the data:\n" + format_skip_report(report));
  return samples;
}

}  // namespace

DataWeights compute_data_weights(const DataWeightsOptions& options) {
  TrainConfig config = TrainConfig::load(options.config_file);
  TrainingConfig& tc = config.training;
  if (options.scheme) tc.class_weight_scheme = *options.scheme;
  if (options.beta) tc.class_weight_beta = *options.beta;
  if (options.granularity) tc.class_weight_granularity = *options.granularity;
  // Validate the options before the (possibly long) tokenizer training.
  const ClassWeightOptions weight_options = tc.class_weight_options();
  check_class_weight_options(weight_options);

  DataWeights result;
  if (config.class_weights && (options.scheme || options.beta || options.granularity)) {
    result.notes.push_back("--scheme/--beta/--granularity have no effect: the [class_weights] table of " +
                           options.config_file + " replaces the computation");
  }
  std::vector<Sample> samples = read_data(options, config, result.notes);
  result.num_samples = samples.size();
  if (samples.empty()) throw ConfigError("no samples to count: the data is empty");

  std::vector<Sample> counted;
  if (options.whole_data) {
    counted = std::move(samples);
  } else {
    DataSplit split = split_train_validation(std::move(samples), tc.eval_size_ratio, tc.seed);
    for (std::string& w : split.warnings) result.notes.push_back(std::move(w));
    counted = std::move(split.train);
  }
  result.counted_samples = counted.size();

  Tokenizer tokenizer;
  const std::string& tokenizer_path =
      options.tokenizer.empty() ? config.paths.tokenizer : options.tokenizer;
  if (!tokenizer_path.empty()) {
    tokenizer = Tokenizer::load(tokenizer_path);
    result.tokenizer = tokenizer_path;
  } else {
    std::vector<std::string> texts;
    texts.reserve(counted.size());
    for (const Sample& s : counted) texts.push_back(s.text);
    TokenizerTrainOptions topt;
    topt.vocab_size = config.data.tokenizer_vocab_size;
    topt.seed = tc.seed;
    tokenizer = Tokenizer::train(texts, topt);
    result.tokenizer = "trained on the counted samples (vocabulary " +
                       std::to_string(tokenizer.vocab_size()) + ")";
  }

  const LabelCounts counts = count_sample_labels(counted, tokenizer, tc.max_sequence_length);
  result.weights = resolve_class_weights(counts, weight_options, config.class_weights);
  return result;
}

}  // namespace piikit
