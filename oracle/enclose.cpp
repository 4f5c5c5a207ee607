#include <learndyn/oracle/enclose.hpp>

#include <atomic>

#include <boost/math/special_functions/fpclassify.hpp>

#include <learndyn/common/decimal.hpp>

namespace learndyn::oracle {

namespace {
std::atomic<bool> enabled{true};
}  // namespace

void set_enclosures_enabled(bool on) { enabled = on; }
bool enclosures_enabled() { return enabled; }

#ifdef LEARNDYN_HAS_ENCLOSURES
std::optional<EnclosureText> enclosure_text(const interval& x) {
  // A ball whose bounds leave real_hi's range (an enclosure blown up over a long recursion, e.g.
  // the full suite's long runs) proves nothing and has no decimal bounds: no enclosure.
  if (!isfinite(x) || !(boost::math::isfinite)(x.lo()) || !(boost::math::isfinite)(x.hi())) return std::nullopt;
  EnclosureText out{x.lo_string(kEnclosureDigits), x.hi_string(kEnclosureDigits), 0};
  // Bounds beyond the decimal renderer's exponent range print as MPFR's "@Inf@": no enclosure.
  if (!is_decimal_literal(out.lo) || !is_decimal_literal(out.hi)) return std::nullopt;
  // The written bounds are decimals that a binary ball may not hold exactly: enclose each and
  // take the hull, so the digits stated are those of what the file says.
  const interval lo = interval::from_decimal(out.lo, "enclosure");
  const interval hi = interval::from_decimal(out.hi, "enclosure");
  out.proved_digits = interval::hull(lo.lo(), hi.hi()).proved_digits();
  return out;
}
#endif

void note_unenclosed(std::vector<NamedValue>& values, const std::string& note) {
  for (NamedValue& v : values)
    if (!v.enclosure && v.enclosure_note.empty()) v.enclosure_note = note;
}

}  // namespace learndyn::oracle
