#include <learndyn/common/arrays.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include <learndyn/common/input_error.hpp>
#include <learndyn/common/text_file.hpp>

namespace learndyn {

namespace fs = std::filesystem;

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string without_trailing_slashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// Whether `dir` holds nothing but .npy files and folders of them: the only kind of folder
// write_arrays replaces.
bool is_array_folder(const fs::path& dir) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::file_status status = it->symlink_status(ec);
    if (ec) return false;
    if (fs::is_directory(status)) continue;
    if (!fs::is_regular_file(status) || it->path().extension() != ".npy") return false;
  }
  return !ec;
}

ArraySet read_folder(const std::string& path) {
  ArraySet set{path, {}};
  std::vector<std::pair<std::string, fs::path>> files;
  std::uintmax_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code status_error;
    if (!it->is_regular_file(status_error) || it->path().extension() != ".npy") continue;
    std::string name = it->path().lexically_relative(path).generic_string();
    name.resize(name.size() - 4);
    if (!valid_array_name(name))
      throw InputError(it->path().string(), "", "is not a valid array name (empty, '.' or '..' parts, '\\' or NUL)");
    const std::uintmax_t size = it->file_size(status_error);
    if (!status_error) total += size;
    if (total > kMaxArrayBytes)
      throw InputError(path, "", "its .npy files hold more than the " + std::to_string(kMaxArrayBytes) + " bytes accepted");
    files.emplace_back(std::move(name), it->path());
  }
  if (ec) throw InputError(path, "", "cannot be listed: " + ec.message());
  for (const auto& [name, file] : files) set.arrays.emplace(name, read_npy(file.string()));
  if (set.arrays.empty()) throw InputError(path, "", "holds no .npy array");
  return set;
}

void check_writable(const std::string& path, const std::map<std::string, NpyArray>& arrays) {
  if (arrays.empty()) throw InputError(path, "", "no arrays to write");
  for (const auto& [name, a] : arrays) {
    const std::string where = "array '" + name + "'";
    if (!valid_array_name(name))
      throw InputError(path, where, "is not a valid array name (empty, '.' or '..' parts, '\\' or NUL)");
    if (a.shape.size() > 32) throw InputError(path, where, "has more than 32 dimensions");
    std::size_t n = 1;
    for (const std::size_t d : a.shape) {
      if (d != 0 && n > kMaxNpyElements / d) throw InputError(path, where, "has more than " + std::to_string(kMaxNpyElements) + " elements");
      n *= d;
    }
    if (n != a.data.size())
      throw InputError(path, where, "shape " + shape_text(a.shape) + " needs " + std::to_string(n) + " values; it has " +
                                        std::to_string(a.data.size()));
    for (std::size_t i = 0; i < n; ++i)
      if (!std::isfinite(a.data[i]))
        throw InputError(path, where + ", flat element " + std::to_string(i),
                         std::string("is ") + (std::isnan(a.data[i]) ? "NaN" : "infinite") + "; not written");
  }
}

void write_file(const fs::path& file, const std::string& bytes, const std::string& named) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + named);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write " + named);
}

void refuse_npz_destination(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(fs::status(path, ec))) throw InputError(path, "", "is a folder; an .npz path must name a file");
}

void refuse_folder_destination(const std::string& path) {
  const auto refuse_unless_array_folder = [](const fs::path& dir, const std::string& role) {
    std::error_code e;
    const fs::file_status status = fs::symlink_status(dir, e);
    if (!fs::exists(status)) return;
    if (!fs::is_directory(status))
      throw InputError(dir.string(), "", "exists and is not a folder; " + role + " is not replaced");
    if (!is_array_folder(dir))
      throw InputError(dir.string(), "", "holds files other than .npy arrays; " + role + " is not replaced");
  };
  refuse_unless_array_folder(fs::path(path), "an array folder");
  refuse_unless_array_folder(fs::path(path + ".partial"), "a partial write");
  refuse_unless_array_folder(fs::path(path + ".previous.partial"), "a partial write");
}

void write_npz_file(const std::string& path, const std::map<std::string, NpyArray>& arrays) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  refuse_npz_destination(path);
  const std::string bytes = serialize_npz(arrays);
  if (fs::exists(status) && !fs::is_regular_file(status)) {
    // A device or FIFO (/dev/null, /dev/stdout) is written in place: a rename would replace
    // the node itself.
    write_file(path, bytes, path);
    return;
  }
  const std::string temporary = path + ".partial";
  try {
    write_file(temporary, bytes, path);
  } catch (...) {
    fs::remove(temporary, ec);
    throw;
  }
  fs::rename(temporary, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw std::runtime_error("cannot write " + path + ": " + ec.message());
  }
}

void write_folder(const std::string& path, const std::map<std::string, NpyArray>& arrays) {
  std::error_code ec;
  const fs::path target(path), temporary(path + ".partial"), previous(path + ".previous.partial");
  refuse_folder_destination(path);
  fs::remove_all(temporary, ec);
  fs::remove_all(previous, ec);
  try {
    for (const auto& [name, a] : arrays) {
      const fs::path file = temporary / (name + ".npy");
      fs::create_directories(file.parent_path());
      write_file(file, serialize_npy(a), path);
    }
  } catch (const std::exception& e) {
    fs::remove_all(temporary, ec);
    throw std::runtime_error("cannot write " + path + ": " + e.what());
  }
  // Readers see the old folder or the new one, never a half-written one.
  const bool replacing = fs::exists(fs::symlink_status(target, ec));
  if (replacing) {
    fs::rename(target, previous, ec);
    if (ec) {
      std::error_code ignored;
      fs::remove_all(temporary, ignored);
      throw std::runtime_error("cannot replace " + path + ": " + ec.message());
    }
  }
  fs::rename(temporary, target, ec);
  if (ec) {
    std::error_code ignored;
    if (replacing) fs::rename(previous, target, ignored);
    fs::remove_all(temporary, ignored);
    throw std::runtime_error("cannot write " + path + ": " + ec.message());
  }
  if (replacing) fs::remove_all(previous, ec);
}

}  // namespace

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t k = 0; k < shape.size(); ++k)
    s += (k ? ", " : "") + (shape[k] == kAnyDimension ? std::string("any") : std::to_string(shape[k]));
  return s + (shape.size() == 1 ? ",)" : ")");
}

ArraySet read_arrays(const std::string& path) {
  if (path.empty()) throw InputError("(empty path)", "", "an array file or folder must be named");
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) throw InputError(path, "", "does not exist");
  if (fs::is_directory(status)) return read_folder(path);
  if (ends_with(path, ".npy"))
    throw InputError(path, "", "is a single .npy file; give an .npz archive or a folder of .npy files");
  ArraySet set{path, parse_npz(read_text_file(path, kMaxArrayBytes), path)};
  if (set.arrays.empty()) throw InputError(path, "", "holds no .npy array");
  return set;
}

void check_array_destination(const std::string& path_in) {
  if (path_in.empty()) throw InputError("(empty path)", "", "an array file or folder must be named");
  const std::string path = without_trailing_slashes(path_in);
  if (ends_with(path, ".npz")) refuse_npz_destination(path);
  else refuse_folder_destination(path);
}

void write_arrays(const std::string& path_in, const std::map<std::string, NpyArray>& arrays) {
  if (path_in.empty()) throw InputError("(empty path)", "", "an array file or folder must be named");
  const std::string path = without_trailing_slashes(path_in);
  check_writable(path, arrays);
  if (ends_with(path, ".npz")) write_npz_file(path, arrays);
  else write_folder(path, arrays);
}

const NpyArray& require_array(const ArraySet& set, const std::string& name, const std::vector<std::size_t>& shape) {
  const auto it = set.arrays.find(name);
  const std::string where = "array '" + name + "'";
  if (it == set.arrays.end()) {
    std::string names;
    for (const auto& [held, a] : set.arrays) names += (names.empty() ? "" : ", ") + held;
    throw InputError(set.file, where, "is missing (the file holds: " + names + ")");
  }
  const std::vector<std::size_t>& found = it->second.shape;
  bool match = found.size() == shape.size();
  for (std::size_t k = 0; match && k < shape.size(); ++k) match = shape[k] == kAnyDimension || shape[k] == found[k];
  if (!match) throw InputError(set.file, where, "has shape " + shape_text(found) + "; expected " + shape_text(shape));
  return it->second;
}

}  // namespace learndyn
