// A certified value with its quantity name: what every area's golden cases return.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <learndyn/common/certify.hpp>

namespace learndyn::oracle {

// A proved enclosure as the JSON documents write it: decimal bounds rounded outward (the exact
// value lies in [lo, hi]) and the significant digits they determine (interval::proved_digits
// of the written bounds). Strings, so that the readers and writers need no Arb.
struct EnclosureText {
  std::string lo, hi;
  int proved_digits = 0;
};

struct NamedValue {
  std::string name;
  CertifiedValue value;
  std::optional<EnclosureText> enclosure;  // where the value is enclosed (oracle/enclose.hpp)
  std::string enclosure_note;              // otherwise why not, when known
};

// certify(compute) (common/certify.hpp) with the i-th value named names[i].
template <class Compute>
std::vector<NamedValue> certify_named(const std::vector<std::string>& names, Compute&& compute) {
  const std::vector<CertifiedValue> values = certify(std::forward<Compute>(compute));
  if (values.size() != names.size()) throw std::logic_error("certify_named: one name per value");
  std::vector<NamedValue> out;
  for (std::size_t i = 0; i < names.size(); ++i) out.push_back({names[i], values[i], std::nullopt, {}});
  return out;
}

}  // namespace learndyn::oracle
