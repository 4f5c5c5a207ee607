// Branches of the reference on scalars that may not decide a comparison (the interval scalar,
// common/interval.hpp; proofs/common.md C17). A mathematical case split compares with the
// ordinary operators, which on intervals decide or throw; this header is for the other kind.
#pragma once

namespace learndyn {

// a < b for a branch between two formulas that are both valid on either side (a numerical
// choice, such as tan(s t) against cot(s (t* - t)), not a mathematical case split). A scalar
// with possibly_less (learndyn::interval: some points of the balls are so ordered) takes the
// first formula when the comparison is undecidable instead of refusing; for the others it is
// a < b.
template <class Real>
bool numerically_less(const Real& a, const Real& b) {
  if constexpr (requires { possibly_less(a, b); })
    return possibly_less(a, b);
  else
    return a < b;
}

}  // namespace learndyn
