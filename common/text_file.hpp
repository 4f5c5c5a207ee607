// Reading a whole input file, with the errors a user can act on.
#pragma once

#include <cstddef>
#include <string>

namespace learndyn {

// Inputs larger than this are refused: no golden suite or candidate file comes near it, and a
// runaway file must fail with a message, not exhaust memory.
inline constexpr std::size_t kMaxInputBytes = std::size_t{1} << 28;  // 256 MiB

// The bytes of `path`. Throws InputError naming the file when it cannot be opened, is a
// directory, or is larger than `max_bytes`.
std::string read_text_file(const std::string& path, std::size_t max_bytes = kMaxInputBytes);

// The file a path names after following symbolic links (up to 40 of them, as the kernel
// does); a dangling link names the file it would create. Paths without links come back as
// given.
std::string resolve_symlinks(const std::string& path);

// An output file written atomically: the constructor opens a temporary file beside the file
// `path` names (through symbolic links: the link stays, its target is replaced), so that an
// unwritable destination fails before any work; commit() writes the text and renames the
// temporary over the target. A device, FIFO or terminal (/dev/null, /dev/stdout) is written
// in place, never replaced. Destroyed without commit(), it removes the temporary. Errors are
// std::runtime_error "cannot write PATH: reason".
class AtomicFile {
 public:
  explicit AtomicFile(const std::string& path);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();
  void commit(const std::string& text);

 private:
  std::string path_;       // as the user gave it, for messages
  std::string target_;     // after following links
  std::string temporary_;  // empty when written in place
  int fd_ = -1;
  bool committed_ = false;
};

// AtomicFile(path).commit(text).
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace learndyn
