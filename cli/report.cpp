#include "cli/report.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <stdexcept>

namespace learndyn::cli {
namespace {

void print_text(std::ostream& out, const Json& value, const std::string& indent) {
  for (const auto& [key, item] : value.items()) {
    if (item.is_object()) {
      out << indent << key << ":\n";
      print_text(out, item, indent + "  ");
    } else if (item.is_string()) {
      out << indent << key << ": " << item.get<std::string>() << "\n";
    } else {
      out << indent << key << ": " << item.dump() << "\n";
    }
  }
}

}  // namespace

void print_report(std::ostream& out, const Json& report, bool json) {
  if (json) {
    out << report.dump(2) << "\n";
  } else {
    print_text(out, report, "");
  }
}

void write_file_atomically(const std::string& path, const std::string& text) {
  // A device, FIFO or terminal (-o /dev/null, /dev/stdout) is written in place: renaming a
  // file over it would replace the device node itself (as root, /dev/null became a file).
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec)) {
    std::ofstream device(path, std::ios::binary);
    device << text;
    if (!device.flush()) throw std::runtime_error("cannot write " + path);
    return;
  }
  const std::string temporary = path + ".partial";
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    if (!file) throw std::runtime_error("cannot write " + path);
    file << text;
    file.close();
    if (!file) {
      std::remove(temporary.c_str());
      throw std::runtime_error("cannot write " + path);
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    throw std::runtime_error("cannot write " + path);
  }
}

}  // namespace learndyn::cli
