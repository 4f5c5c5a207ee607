// Certified digits: every reference result is computed at the working precision (`real`,
// 50 digits) and again at `real_hi` (100 digits), from inputs parsed separately at each
// precision; the number of leading digits on which the two agree is reported with the
// value (proofs/common.md §1 says what this certifies and what it does not).
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include <learndyn/common/error_measures.hpp>
#include <learndyn/common/scalar.hpp>

namespace learndyn {

struct CertifiedValue {
  real value;        // at the working precision
  real_hi value_hi;  // the certifying computation
  int certified_digits = 0;
};

// `compute` is a generic callable: compute.template operator()<Real>() returns a
// std::vector<Real> of results, the same quantities in the same order at every precision.
template <class Compute>
std::vector<CertifiedValue> certify(Compute&& compute) {
  const std::vector<real> working = compute.template operator()<real>();
  const std::vector<real_hi> high = compute.template operator()<real_hi>();
  std::vector<CertifiedValue> out(working.size());
  for (std::size_t i = 0; i < working.size(); ++i) {
    out[i].value = working[i];
    out[i].value_hi = high[i];
    out[i].certified_digits =
        agreeing_digits(convert<real_hi>(working[i]), high[i], decimal_digits<real>);
  }
  return out;
}

}  // namespace learndyn
