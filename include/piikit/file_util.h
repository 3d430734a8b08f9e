// Small file helpers shared by every module that writes results.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

namespace piikit {

// Writes `content` to `path` atomically: a temporary file in the same directory, fsync, rename.
// A reader sees the old file or the new one, never a partial one. Throws std::runtime_error
// naming the path on failure (the old file is left untouched).
void write_file_atomic(const std::string& path, const std::string& content);
// Same, with a writer callback that fills the stream (for large outputs).
void write_file_atomic(const std::string& path, const std::function<void(std::ostream&)>& writer);

// Reads a whole file; throws std::runtime_error naming the path if it cannot be opened.
std::string read_file(const std::string& path);

// Removes `path` and, for a directory, everything under it (symbolic links are removed, not
// followed); a missing path is not an error. Returns false if anything could not be removed.
// (Not std::filesystem::remove_all: Python's libtorch exports its own copy of that function,
// which crashed when it took the place of the system library's; see scripts/cuda_check.sh.)
bool remove_tree(const std::string& path);

}  // namespace piikit
