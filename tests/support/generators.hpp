// RapidCheck generators for valid inputs. rc::gen::inRange is integer-only and the default
// arbitrary<double> is unsuitable (proofs/common.md C9), so doubles are built from integer
// grids with ldexp: log-uniform over a range of binades, 20 bits of mantissa.
#pragma once

#include <cmath>

#include <rapidcheck.h>

namespace learndyn::testing {

// x in [2^lo, 2^hi), log-uniformly.
inline rc::Gen<double> log_uniform(int lo_binade, int hi_binade) {
  return rc::gen::map(
      rc::gen::pair(rc::gen::inRange(lo_binade, hi_binade), rc::gen::inRange(0, 1 << 20)),
      [](const std::pair<int, int>& p) {
        return std::ldexp(1.0 + p.second / double(1 << 20), p.first);
      });
}

// x in [lo, hi), uniformly on a grid of 2^20 points.
inline rc::Gen<double> uniform(double lo, double hi) {
  return rc::gen::map(rc::gen::inRange(0, 1 << 20),
                      [lo, hi](int k) { return lo + (hi - lo) * (k / double(1 << 20)); });
}

}  // namespace learndyn::testing
