// piikit tokenizer train | encode: build a subword tokenizer and look at what it does to a text.
#include <chrono>
#include <fstream>
#include <iostream>

#include "commands.h"
#include "piikit/error.h"
#include "piikit/sample_io.h"
#include "piikit/tokenizer.h"

namespace piikit::cli {
namespace {

struct TokenizerTrainCliOptions {
  std::vector<std::string> data;  // labeled sample files (any format load_samples reads)
  std::vector<std::string> text;  // plain text files, one training text per line
  std::string format = "auto";    // sample format of --data
  std::string out;                // output directory
  TokenizerTrainOptions train;    // vocab size, model type, seed
};

struct TokenizerEncodeCliOptions {
  std::string tokenizer;           // tokenizer directory or WordPiece vocab.txt
  std::vector<std::string> texts;  // texts given on the command line
  std::string input;               // file with one text per line ("-" = stdin)
  int max_length = 0;              // > 0: model input ([CLS] ... [SEP], truncated)
};

// One text per line; a final line without "\n" counts, "\r\n" endings are accepted.
std::vector<std::string> read_lines(std::istream& in, const std::string& source) {
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  if (in.bad()) throw DataError(source, 0, "read error");
  return lines;
}

std::vector<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path, 0, "cannot open file");
  return read_lines(in, path);
}

void run_train(const TokenizerTrainCliOptions& o) {
  if (o.data.empty() && o.text.empty()) {
    throw std::invalid_argument(
        "tokenizer train: give --data (labeled samples) or --text (plain text)");
  }
  std::vector<std::string> texts;
  if (!o.data.empty()) {
    ReadOptions read;
    read.format = *parse_sample_format(o.format);
    for (Sample& s : load_samples(o.data, read)) texts.push_back(std::move(s.text));
  }
  for (const std::string& path : o.text) {
    for (std::string& line : read_text_file(path)) texts.push_back(std::move(line));
  }
  const auto t0 = std::chrono::steady_clock::now();
  const Tokenizer tokenizer = Tokenizer::train(texts, o.train);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  tokenizer.save(o.out);
  std::cout << "trained " << o.train.model_type << " tokenizer: " << tokenizer.vocab_size()
            << " pieces from " << texts.size() << " texts"
            << (o.train.max_sentences > 0 && texts.size() > o.train.max_sentences
                    ? " (subsampled to " + std::to_string(o.train.max_sentences) + ")"
                    : std::string())
            << " in " << seconds << " s -> " << o.out << '\n';
}

void run_encode(const TokenizerEncodeCliOptions& o) {
  const Tokenizer tokenizer = Tokenizer::load(o.tokenizer);
  std::vector<std::string> texts = o.texts;
  if (!o.input.empty()) {
    std::vector<std::string> lines =
        o.input == "-" ? read_lines(std::cin, "<stdin>") : read_text_file(o.input);
    texts.insert(texts.end(), lines.begin(), lines.end());
  }
  if (texts.empty()) throw std::invalid_argument("tokenizer encode: give --text or --input");
  for (const std::string& text : texts) {
    const Encoding enc =
        o.max_length > 0 ? tokenizer.encode_for_model(text, o.max_length) : tokenizer.encode(text);
    std::cout << "> " << text << '\n' << format_tokens(tokenizer, enc, text);
  }
}

}  // namespace

void register_tokenizer(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("tokenizer", "Train a subword tokenizer, or show how one splits text");
  cmd->require_subcommand(1);

  auto train = std::make_shared<TokenizerTrainCliOptions>();
  auto* t =
      cmd->add_subcommand("train", "Train a sentencepiece tokenizer and save it in a directory");
  t->add_option("--data", train->data, "Labeled sample files (JSONL, Label Studio, privacy-mask)");
  t->add_option("--text", train->text, "Plain text files, one training text per line");
  t->add_option("--format", train->format, "Record format of --data (default: auto)")
      ->check(CLI::IsMember({"auto", "jsonl", "label-studio", "privacy-mask"}));
  t->add_option("--out", train->out, "Output directory (tokenizer.json + spm.model)")->required();
  t->add_option("--vocab-size", train->train.vocab_size,
                "Upper bound on the vocabulary (default: 8000)")
      ->check(CLI::Range(300, 1 << 20));
  t->add_option("--model-type", train->train.model_type, "sentencepiece model (default: bpe)")
      ->check(CLI::IsMember({"bpe", "unigram"}));
  t->add_option("--seed", train->train.seed, "Random seed (default: 1)");
  t->add_option("--max-sentences", train->train.max_sentences,
                "Subsample the corpus to this many texts, seeded (default: 30000; 0 = all)");
  t->add_option("--threads", train->train.num_threads, "Trainer threads (default: 1)")
      ->check(CLI::Range(1, 64));
  t->callback([train] { run_train(*train); });

  auto encode = std::make_shared<TokenizerEncodeCliOptions>();
  auto* e = cmd->add_subcommand("encode",
                                "Print the tokens of texts: id, piece, code-point span, surface");
  e->add_option("--tokenizer", encode->tokenizer, "Tokenizer directory or WordPiece vocab.txt")
      ->required();
  e->add_option("--text", encode->texts, "Text to encode (repeatable)");
  e->add_option("--input", encode->input, "File with one text per line, - for stdin");
  e->add_option("--max-length", encode->max_length,
                "Encode as model input: [CLS] tokens [SEP], at most this many (default: off)")
      ->check(CLI::Range(0, 1 << 20));
  e->callback([encode] { run_encode(*encode); });
}

}  // namespace piikit::cli
