#include "piikit/error.h"

#include <utility>

namespace piikit {
namespace {
std::string format(const std::string& source, std::size_t line, const std::string& message) {
  std::string out;
  out.reserve(source.size() + message.size() + 24);
  out.append(source);
  if (line > 0) out.append(":").append(std::to_string(line));
  out.append(": ").append(message);
  return out;
}
}  // namespace

DataError::DataError(std::string source, std::size_t line, std::string message)
    : std::runtime_error(format(source, line, message)),
      source_(std::move(source)),
      line_(line),
      message_(std::move(message)) {}

}  // namespace piikit
