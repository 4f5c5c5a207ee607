// Proved enclosures for the golden values (issue 18; proofs/common.md C17): the same generic
// computation that certify() runs at 50 and 100 digits, run once more on the interval scalar.
//
// Built with LEARNDYN_ENCLOSURES (the default; LEARNDYN_HAS_ENCLOSURES is then defined): each
// value gains its enclosure, the decimal bounds rounded outward. Without it, or where the
// interval computation cannot decide a branch (an input within ~1e-56 of a kink), the value
// keeps its two-precision certificate only and `enclosure_note` says why.
#pragma once

#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <learndyn/oracle/named_value.hpp>

#include <learndyn/common/decimal.hpp>
#ifdef LEARNDYN_HAS_ENCLOSURES
#include <learndyn/common/interval.hpp>
#endif

namespace learndyn::oracle {

// Significant digits of the written bounds: above the interval scalar's 57, so that rounding
// the bounds outward costs no proved digit.
inline constexpr int kEnclosureDigits = 60;

#ifdef LEARNDYN_HAS_ENCLOSURES
// The written form of `x`: bounds to kEnclosureDigits rounded outward and the digits the
// written interval proves (interval::proved_digits of those decimal bounds, themselves
// enclosed). nullopt for a ball that is not finite (it proves nothing).
std::optional<EnclosureText> enclosure_text(const interval& x);
#endif

// A decimal input at precision Real; on the interval scalar the ball around the decimal it
// names (interval::from_decimal, C17), so that the enclosure is of the exact input.
template <class Real>
Real parse_exact(const std::string& text, const std::string& parameter) {
#ifdef LEARNDYN_HAS_ENCLOSURES
  if constexpr (std::is_same_v<Real, interval>)
    return interval::from_decimal(text, parameter);
  else
#endif
    return parse_decimal<Real>(text, parameter);
}

// Whether enclose_named computes enclosures (default true). `oracle generate --enclosures off`
// turns it off for the whole process: the values then say "not computed" (and the run shows
// what the enclosures cost, docs/oracle.md).
void set_enclosures_enabled(bool enabled);
bool enclosures_enabled();

// Attaches to values[i] the enclosure of compute.template operator()<interval>()[i]. An
// undecidable branch leaves every value without one and says so in its note.
template <class Compute>
void enclose_named(std::vector<NamedValue>& values, Compute&& compute) {
#ifdef LEARNDYN_HAS_ENCLOSURES
  if (!enclosures_enabled()) {
    for (NamedValue& v : values)
      v.enclosure_note = "not computed (--enclosures off); two-precision certificate only";
    return;
  }
  std::vector<interval> balls;
  try {
    balls = compute.template operator()<interval>();
  } catch (const UndecidableComparison& e) {
    for (NamedValue& v : values)
      v.enclosure_note = std::string("a branch the enclosure cannot decide: ") + e.what() +
                         "; two-precision certificate only";
    return;
  }
  if (balls.size() != values.size()) throw std::logic_error("enclose_named: one enclosure per value");
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i].enclosure = enclosure_text(balls[i]);
    if (!values[i].enclosure) values[i].enclosure_note = "the enclosure is not finite; two-precision certificate only";
  }
#else
  (void)compute;
  for (NamedValue& v : values)
    v.enclosure_note = "learndyn built without LEARNDYN_ENCLOSURES (Arb); two-precision certificate only";
#endif
}

// Sets `note` on every value of `values` that has neither an enclosure nor a note.
void note_unenclosed(std::vector<NamedValue>& values, const std::string& note);

}  // namespace learndyn::oracle
