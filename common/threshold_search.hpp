// Locating the threshold of a monotone yes/no outcome in a positive parameter, by a decade
// scan followed by bisection in log space. Used wherever a rate is found by simulation
// (the ghost model's numerical critical rate, proofs/ghost.md §5, G28).
#pragma once

#include <cmath>

#include <learndyn/common/argument_error.hpp>

namespace learndyn {

struct Bracket {
  double lower;  // the largest value found with outcome false
  double upper;  // the smallest value found with outcome true
};

// Brackets the smallest x > 0 with is_above(x) true, assuming is_above is false below it
// and true above. Scans down from 1e300 decade by decade (outcomes above the threshold are
// typically cheap to decide, those below expensive, so few are evaluated), then bisects in
// log(x) until upper / lower - 1 <= rel_tol.
template <class IsAbove>
Bracket bracket_threshold(IsAbove&& is_above, double rel_tol) {
  require(rel_tol > 0 && rel_tol < 1, "rel_tol", rel_tol, "0 < rel_tol < 1");
  double upper = 1e300;
  double lower = upper / 10;
  while (is_above(lower)) {
    upper = lower;
    lower /= 10;
    require(lower > 1e-300, "threshold", "(below 1e-300)", "an outcome that is false for some x >= 1e-300");
  }
  while (upper / lower - 1 > rel_tol) {
    const double mid = std::sqrt(lower * upper);
    (is_above(mid) ? upper : lower) = mid;
  }
  return {lower, upper};
}

}  // namespace learndyn
