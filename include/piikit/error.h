// One error type for bad input data, so messages read like compiler diagnostics:
//   train.jsonl:17: entities[2].end: span [30,45) ends past text length 40 (label "EMAIL")
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace piikit {

class DataError : public std::runtime_error {
 public:
  // line is 1-based; 0 means "the file as a whole" and is left out of what().
  DataError(std::string source, std::size_t line, std::string message);

  const std::string& source() const { return source_; }
  std::size_t line() const { return line_; }
  const std::string& message() const { return message_; }

 private:
  std::string source_;
  std::size_t line_;
  std::string message_;
};

// Error in a configuration value (TOML file or --set override).
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace piikit
