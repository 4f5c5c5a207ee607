#include <learndyn/common/text_file.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <learndyn/common/input_error.hpp>

namespace learndyn {

std::string read_text_file(const std::string& path, std::size_t max_bytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw InputError(path, "", "is a directory, expected a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "", "cannot be opened for reading");
  const auto size = fs::file_size(path, ec);
  if (!ec && size > max_bytes)
    throw InputError(path, "", "is " + std::to_string(size) + " bytes; at most " +
                                   std::to_string(max_bytes) + " are accepted");
  std::string text;
  // Read in chunks with the cap enforced as we go: pipes and /proc files report no size.
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes)
      throw InputError(path, "", "is larger than the " + std::to_string(max_bytes) +
                                     " bytes accepted");
  }
  if (in.bad()) throw InputError(path, "", "read error");
  return text;
}

std::string resolve_symlinks(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path current = path;
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(current, ec))) return current.string();
    const fs::path target = fs::read_symlink(current, ec);
    if (ec) return current.string();
    current = target.is_absolute() ? target : current.parent_path() / target;
  }
  throw std::runtime_error("cannot write " + path + ": too many levels of symbolic links");
}

namespace {

[[noreturn]] void cannot_write(const std::string& path, int error) {
  throw std::runtime_error("cannot write " + path + ": " + std::strerror(error));
}

// Writes all of `text` to `fd`; the errno of the failure, or 0.
int write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

}  // namespace

AtomicFile::AtomicFile(const std::string& path) : path_(path), target_(resolve_symlinks(path)) {
  if (path.empty()) throw std::runtime_error("cannot write an empty path");
  struct stat st {};
  if (::stat(target_.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) cannot_write(path_, EISDIR);
  if (::stat(target_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    // A device, FIFO or terminal: renaming a file over it would replace the node itself (as
    // root, -o /dev/null became a file).
    fd_ = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) cannot_write(path_, errno);
    return;
  }
  temporary_ = target_ + ".partial";
  fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) {
    const int error = errno;
    temporary_.clear();
    cannot_write(path_, error);
  }
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temporary_.empty()) std::remove(temporary_.c_str());
}

void AtomicFile::commit(const std::string& text) {
  if (committed_ || fd_ < 0) throw std::logic_error("AtomicFile::commit called twice");
  int error = write_all(fd_, text);
  const int closed = ::close(fd_);
  fd_ = -1;
  if (error == 0 && closed != 0) error = errno;
  if (error != 0) cannot_write(path_, error);
  if (!temporary_.empty() && std::rename(temporary_.c_str(), target_.c_str()) != 0) cannot_write(path_, errno);
  committed_ = true;
}

void write_file_atomically(const std::string& path, const std::string& text) {
  AtomicFile(path).commit(text);
}

}  // namespace learndyn
