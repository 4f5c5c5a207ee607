#include "cli/report.hpp"

#include <ostream>

#include "common/text_file.hpp"

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
  learndyn::write_file_atomically(path, text);
}

}  // namespace learndyn::cli
