#include "common/text_file.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "common/input_error.hpp"

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

}  // namespace learndyn
