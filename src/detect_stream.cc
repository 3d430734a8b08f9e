// The line pump behind `piikit detect`. A reader thread fills a bounded queue so that reading,
// JSON parsing of the next lines and the model's forward pass overlap, and so that a batch never
// waits for lines that have not arrived yet (interactive use answers each line at once).
#include "piikit/detect_stream.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <istream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <stdexcept>
#include <thread>

#include "piikit/label_set.h"
#include "piikit/utf8.h"

namespace piikit {
namespace {

using nlohmann::json;

struct RawLine {
  uint64_t number = 0;  // 1-based
  std::string content;
};

// Bounded single-producer single-consumer queue of input lines.
class LineQueue {
 public:
  explicit LineQueue(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

  // Reader side: blocks while full; false if the consumer has stopped.
  bool push(RawLine line) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return lines_.size() < capacity_ || stopped_; });
    if (stopped_) return false;
    lines_.push_back(std::move(line));
    not_empty_.notify_one();
    return true;
  }
  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_empty_.notify_one();
  }
  void stop() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    not_full_.notify_one();
  }
  // Consumer side: waits for at least one line (or the end), then takes up to `max` lines.
  // An empty result means the input is exhausted.
  std::vector<RawLine> take(std::size_t max) {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return !lines_.empty() || closed_; });
    std::vector<RawLine> batch;
    while (!lines_.empty() && batch.size() < max) {
      batch.push_back(std::move(lines_.front()));
      lines_.pop_front();
    }
    not_full_.notify_one();
    return batch;
  }

 private:
  std::mutex mu_;
  std::condition_variable not_empty_, not_full_;
  std::deque<RawLine> lines_;
  std::size_t capacity_;
  bool closed_ = false, stopped_ = false;
};

// A parsed input line: either a text to detect, an error, or nothing (blank JSONL line).
struct Item {
  uint64_t line = 0;
  std::string id_json;
  std::string text;
  std::string error;  // non-empty: write an error line
  bool skip = false;
};

Item parse_line(RawLine raw, bool plain_text) {
  Item item;
  item.line = raw.number;
  std::string& s = raw.content;
  if (!s.empty() && s.back() == '\r') s.pop_back();
  if (plain_text) {
    std::size_t bad = 0;
    if (!is_valid_utf8(s, &bad)) {
      item.error = fmt::format("invalid UTF-8 at byte {}", bad);
      return item;
    }
    item.id_json = std::to_string(raw.number);
    item.text = std::move(s);
    return item;
  }
  if (s.find_first_not_of(" \t") == std::string::npos) {
    item.skip = true;
    return item;
  }
  json j;
  try {
    j = json::parse(s);
  } catch (const json::exception& e) {
    item.error = std::string("bad JSON: ") + e.what();
    return item;
  }
  if (!j.is_object()) {
    item.error =
        "expected a JSON object {\"id\": ..., \"text\": ...}, got " + std::string(j.type_name());
    return item;
  }
  auto text = j.find("text");
  if (text == j.end()) {
    item.error = "missing field \"text\"";
    return item;
  }
  if (!text->is_string()) {
    item.error = "field \"text\" must be a string, got " + std::string(text->type_name());
    return item;
  }
  auto id = j.find("id");
  // A line without "id" is answered with its line number, like --text mode.
  item.id_json = id == j.end() ? std::to_string(raw.number) : id->dump();
  item.text = text->get<std::string>();
  return item;
}

std::string error_line(uint64_t line, const std::string& message) {
  // error_handler::replace: never throw while reporting an error about odd input bytes.
  return json{{"line", line}, {"error", message}}.dump(-1, ' ', false,
                                                       json::error_handler_t::replace);
}

std::string masked_line(const Item& item, const std::vector<DetectedEntity>& found, MaskStyle style,
                        bool plain_text) {
  std::vector<Entity> ents;
  ents.reserve(found.size());
  for (const auto& d : found) ents.push_back(d.entity());
  std::string masked = mask_text(item.text, ents, style);
  if (plain_text) return masked;
  return "{\"id\":" + item.id_json + ",\"masked_text\":" + json(masked).dump() + "}";
}

}  // namespace

std::string entities_json_line(const std::string& id_json, const std::string& text,
                               const std::vector<DetectedEntity>& entities) {
  json list = json::array();
  const std::vector<std::size_t> bytes = codepoint_byte_offsets(text);
  for (const DetectedEntity& d : entities) {
    // Four decimals are plenty for a probability and keep lines short.
    const double score = std::round(double(d.score) * 1e4) / 1e4;
    list.push_back({{"start", d.start},
                    {"end", d.end},
                    {"label", std::string(type_name(d.type))},
                    {"text", text.substr(bytes.at(d.start), bytes.at(d.end) - bytes.at(d.start))},
                    {"score", score}});
  }
  return "{\"id\":" + id_json + ",\"entities\":" + list.dump() + "}";
}

StreamStats run_detect_stream(std::istream& in, std::ostream& out, const DetectFn& detect,
                              const StreamOptions& options) {
  const std::size_t batch_size = std::max<std::size_t>(options.batch_size, 1);
  LineQueue queue(std::max(options.read_ahead, batch_size));
  uint64_t lines_read = 0;
  std::thread reader([&] {
    std::string line;
    uint64_t number = 0;
    while (std::getline(in, line)) {
      if (!queue.push({++number, std::move(line)})) break;
      line.clear();
    }
    lines_read = number;
    queue.close();
  });

  StreamStats stats;
  auto process = [&](std::vector<RawLine> batch) {
    std::vector<Item> items;
    items.reserve(batch.size());
    for (RawLine& raw : batch) items.push_back(parse_line(std::move(raw), options.plain_text));
    std::vector<std::string> texts;
    std::vector<std::size_t> owner;  // texts[k] belongs to items[owner[k]]
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (items[i].skip || !items[i].error.empty()) continue;
      texts.push_back(items[i].text);
      owner.push_back(i);
    }
    std::vector<std::vector<DetectedEntity>> found(items.size());
    if (!texts.empty()) {
      try {
        auto result = detect(texts);
        if (result.size() != texts.size()) {
          throw std::runtime_error(fmt::format("detector returned {} results for {} texts",
                                               result.size(), texts.size()));
        }
        for (std::size_t k = 0; k < texts.size(); ++k) found[owner[k]] = std::move(result[k]);
      } catch (const std::exception&) {
        // Retry one by one so that a single bad text does not fail its neighbours.
        for (std::size_t k = 0; k < texts.size(); ++k) {
          try {
            auto one = detect({texts[k]});
            if (one.size() != 1) throw std::runtime_error("detector returned no result");
            found[owner[k]] = std::move(one[0]);
          } catch (const std::exception& e) {
            items[owner[k]].error = std::string("detection failed: ") + e.what();
          }
        }
      }
    }
    std::string block;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Item& item = items[i];
      if (item.skip) continue;
      std::string line;
      if (item.error.empty()) {
        try {
          line = options.mask ? masked_line(item, found[i], *options.mask, options.plain_text)
                              : entities_json_line(item.id_json, item.text, found[i]);
          ++stats.texts;
          stats.entities += found[i].size();
        } catch (const std::exception& e) {
          line = error_line(item.line, std::string("output failed: ") + e.what());
          ++stats.failed;
        }
      } else {
        line = error_line(item.line, item.error);
        ++stats.failed;
      }
      block += line;
      block += '\n';
    }
    out << block;
    if (options.flush_each_batch) out.flush();
    if (!out) throw std::runtime_error("writing the detection output failed");
  };

  try {
    for (;;) {
      std::vector<RawLine> batch = queue.take(batch_size);
      if (batch.empty()) break;
      process(std::move(batch));
    }
  } catch (...) {
    queue.stop();
    reader.join();
    throw;
  }
  reader.join();
  out.flush();
  stats.lines = lines_read;
  return stats;
}

}  // namespace piikit
