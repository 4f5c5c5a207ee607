#include <learndyn/common/interval.hpp>

#include <cstdio>
#include <ios>
#include <ostream>
#include <string>
#include <utility>

#include <boost/multiprecision/cpp_int.hpp>

#include <learndyn/common/decimal.hpp>
// Last: Arb's functions become calls through the table of the library loaded on demand (C30).
#include <learndyn/common/arb_library.hpp>

namespace learndyn {
namespace {

static_assert(sizeof(arb_struct) == 48, "interval's storage holds one arb_struct");
static_assert(alignof(arb_struct) <= alignof(std::max_align_t));

constexpr slong prec = interval::precision_bits;
// real_hi's significand: every bound rounded to `prec` bits, and every real, fits exactly.
constexpr int hi_bits = std::numeric_limits<real_hi>::digits;
static_assert(hi_bits > 2 * interval::precision_bits - 64, "real_hi holds the bounds exactly");

arb_ptr a(interval& x) { return static_cast<arb_ptr>(x.raw()); }
arb_srcptr a(const interval& x) { return static_cast<arb_srcptr>(x.raw()); }

// RAII for the temporaries.
struct Arf {
  arf_t v;
  Arf() { arf_init(v); }
  ~Arf() { arf_clear(v); }
  Arf(const Arf&) = delete;
  Arf& operator=(const Arf&) = delete;
};
struct Fmpz {
  fmpz_t v;
  Fmpz() { fmpz_init(v); }
  ~Fmpz() { fmpz_clear(v); }
  Fmpz(const Fmpz&) = delete;
  Fmpz& operator=(const Fmpz&) = delete;
};
struct Mpfr {
  mpfr_t v;
  explicit Mpfr(mpfr_prec_t bits) { mpfr_init2(v, bits); }
  ~Mpfr() { mpfr_clear(v); }
  Mpfr(const Mpfr&) = delete;
  Mpfr& operator=(const Mpfr&) = delete;
};

// A binary float (real or real_hi) exactly as mantissa * 2^exponent, into an arb point.
template <class Float>
void set_exact(arb_ptr out, const Float& value) {
  using boost::multiprecision::isfinite;
  using boost::multiprecision::isnan;
  if (isnan(value)) {
    arb_indeterminate(out);
    return;
  }
  if (!isfinite(value)) {
    value > 0 ? arb_pos_inf(out) : arb_neg_inf(out);
    return;
  }
  if (value == 0) {
    arb_zero(out);
    return;
  }
  constexpr int bits = std::numeric_limits<Float>::digits;
  int exponent = 0;
  const Float fraction = frexp(value, &exponent);  // |fraction| in [1/2, 1)
  const Float mantissa = ldexp(fraction, bits);    // an integer of at most `bits` bits
  Fmpz m;
  const std::string digits = static_cast<boost::multiprecision::cpp_int>(mantissa).str();
  if (fmpz_set_str(m.v, digits.c_str(), 10) != 0) throw std::logic_error("interval: mantissa " + digits);
  arb_set_fmpz_2exp(out, m.v, Fmpz().v);
  arb_mul_2exp_si(out, out, static_cast<slong>(exponent) - bits);
}

// An arf exactly as a real_hi (exact when it has at most hi_bits significant bits).
real_hi to_real_hi(const arf_t x) {
  if (arf_is_nan(x)) return std::numeric_limits<real_hi>::quiet_NaN();
  if (arf_is_pos_inf(x)) return std::numeric_limits<real_hi>::infinity();
  if (arf_is_neg_inf(x)) return -std::numeric_limits<real_hi>::infinity();
  if (arf_is_zero(x)) return real_hi(0);
  Fmpz m, e;
  arf_get_fmpz_2exp(m.v, e.v, x);
  char* text = fmpz_get_str(nullptr, 10, m.v);
  real_hi mantissa(text);
  flint_free(text);
  return ldexp(mantissa, static_cast<int>(fmpz_get_si(e.v)));
}

// `x` rendered with `significant` digits, rounded down (`up` false) or up, "d.ddde+XX".
std::string render_directed(const arf_t x, int significant, bool up) {
  if (arf_is_nan(x)) return "nan";
  if (arf_is_pos_inf(x)) return "inf";
  if (arf_is_neg_inf(x)) return "-inf";
  if (significant < 1) significant = 1;
  Mpfr m(2 * hi_bits);
  arf_get_mpfr(m.v, x, MPFR_RNDN);  // exact: the bounds carry <= prec bits
  if (mpfr_zero_p(m.v)) {
    std::string zero = "0";
    if (significant > 1) zero += "." + std::string(significant - 1, '0');
    return zero + "e+00";
  }
  mpfr_exp_t exponent = 0;
  char* digits = mpfr_get_str(nullptr, &exponent, 10, static_cast<std::size_t>(significant), m.v,
                              up ? MPFR_RNDU : MPFR_RNDD);
  std::string d(digits);
  mpfr_free_str(digits);
  std::string sign;
  if (d[0] == '-') {
    sign = "-";
    d.erase(0, 1);
  }
  std::string out = sign + d.substr(0, 1);
  if (d.size() > 1) out += "." + d.substr(1);
  const long e = static_cast<long>(exponent) - 1;  // value = 0.d1d2... 10^exponent
  char tail[32];
  std::snprintf(tail, sizeof tail, "e%c%02ld", e < 0 ? '-' : '+', e < 0 ? -e : e);
  return out + tail;
}

std::string describe(const interval& x) { return x.to_string(20); }

template <class F>
interval apply(const interval& x, F f) {
  interval out;
  f(a(out), a(x), prec);
  return out;
}

}  // namespace

UndecidableComparison::UndecidableComparison(const std::string& left, std::string_view op,
                                             const std::string& right)
    : ArgumentError("comparison", left + " " + std::string(op) + " " + right,
                    "operands whose enclosures do not overlap (an input at, or within the "
                    "rounding of, a branch point of the formula cannot be decided; proofs/common.md C17)") {}

interval::interval() { arb_init(a(*this)); }
interval::interval(int value) : interval() { arb_set_si(a(*this), value); }
interval::interval(long value) : interval() { arb_set_si(a(*this), value); }
interval::interval(double value) : interval() {
  if (value != value) {
    arb_indeterminate(a(*this));
    return;
  }
  arb_set_d(a(*this), value);  // exact: a double has 53 bits
}
interval::interval(const real& value) : interval() { set_exact(a(*this), value); }
interval::interval(const real_hi& value) : interval() { set_exact(a(*this), value); }

interval interval::from_decimal(std::string_view text, const std::string& parameter) {
  if (!is_decimal_literal(text))
    throw ArgumentError(parameter, "'" + std::string(text) + "'", "a finite decimal number");
  interval out;
  const std::string s(text.front() == '+' ? text.substr(1) : text);
  // arb_set_str encloses the decimal: the ball holds the exact value of the literal.
  if (arb_set_str(a(out), s.c_str(), prec) != 0 || !arb_is_finite(a(out)))
    throw ArgumentError(parameter, "'" + std::string(text) + "'", "a finite decimal number");
  return out;
}

interval interval::hull(const real_hi& lo, const real_hi& hi) {
  interval l(lo), h(hi);
  interval out;
  arb_union(a(out), a(l), a(h), prec);
  return out;
}

interval interval::pi() {
  interval out;
  arb_const_pi(a(out), prec);
  return out;
}

interval interval::positive_infinity() {
  interval out;
  arb_pos_inf(a(out));
  return out;
}

interval interval::indeterminate() {
  interval out;
  arb_indeterminate(a(out));
  return out;
}

interval::interval(const interval& other) : interval() { arb_set(a(*this), a(other)); }
interval::interval(interval&& other) noexcept : interval() { arb_swap(a(*this), a(other)); }
interval& interval::operator=(const interval& other) {
  arb_set(a(*this), a(other));
  return *this;
}
interval& interval::operator=(interval&& other) noexcept {
  arb_swap(a(*this), a(other));
  return *this;
}
interval::~interval() { arb_clear(a(*this)); }

real_hi interval::lo() const {
  if (isnan(*this)) return std::numeric_limits<real_hi>::quiet_NaN();
  Arf bound;
  arb_get_lbound_arf(bound.v, a(*this), prec);
  return to_real_hi(bound.v);
}

real_hi interval::hi() const {
  if (isnan(*this)) return std::numeric_limits<real_hi>::quiet_NaN();
  Arf bound;
  arb_get_ubound_arf(bound.v, a(*this), prec);
  return to_real_hi(bound.v);
}

real_hi interval::mid() const { return to_real_hi(arb_midref(a(*this))); }

real_hi interval::width() const {
  if (isnan(*this)) return std::numeric_limits<real_hi>::quiet_NaN();
  Arf l, h, w;
  arb_get_lbound_arf(l.v, a(*this), prec);
  arb_get_ubound_arf(h.v, a(*this), prec);
  arf_sub(w.v, h.v, l.v, hi_bits, ARF_RND_UP);
  return to_real_hi(w.v);
}

bool interval::contains(const real_hi& x) const {
  const interval point(x);
  return arb_contains(a(*this), a(point)) != 0;
}

bool interval::contains(const interval& other) const {
  return arb_contains(a(*this), a(other)) != 0;
}

bool interval::is_point() const { return arb_is_exact(a(*this)) != 0; }

int interval::proved_digits() const {
  if (!arb_is_finite(a(*this))) return 0;
  if (arb_is_exact(a(*this))) return precision_digits;
  if (arb_contains_zero(a(*this))) return 0;
  Arf l, h, w, smallest;
  arb_get_lbound_arf(l.v, a(*this), prec);
  arb_get_ubound_arf(h.v, a(*this), prec);
  arf_sub(w.v, h.v, l.v, ARF_PREC_EXACT, ARF_RND_UP);
  arf_abs(l.v, l.v);
  arf_abs(h.v, h.v);
  arf_min(smallest.v, l.v, h.v);
  Fmpz ten_d;
  Arf scaled;
  for (int d = precision_digits; d > 0; --d) {
    // 10^d (fmpz_ui_pow_ui is a header inline no library exports: its two calls, d >= 1).
    fmpz_set_ui(ten_d.v, 10);
    fmpz_pow_ui(ten_d.v, ten_d.v, static_cast<ulong>(d));
    arf_mul_fmpz(scaled.v, w.v, ten_d.v, ARF_PREC_EXACT, ARF_RND_UP);  // exact
    if (arf_cmp(scaled.v, smallest.v) <= 0) return d;
  }
  return 0;
}

std::string interval::lo_string(int significant) const {
  if (isnan(*this)) return "nan";
  Arf bound;
  arb_get_lbound_arf(bound.v, a(*this), prec);
  return render_directed(bound.v, significant, false);
}

std::string interval::hi_string(int significant) const {
  if (isnan(*this)) return "nan";
  Arf bound;
  arb_get_ubound_arf(bound.v, a(*this), prec);
  return render_directed(bound.v, significant, true);
}

std::string interval::to_string(int significant) const {
  return "[" + lo_string(significant) + ", " + hi_string(significant) + "]";
}

std::ostream& operator<<(std::ostream& out, const interval& x) {
  const auto p = out.precision();
  return out << x.to_string(p > 0 ? static_cast<int>(p) : 20);
}

interval& interval::operator+=(const interval& other) {
  arb_add(a(*this), a(*this), a(other), prec);
  return *this;
}
interval& interval::operator-=(const interval& other) {
  arb_sub(a(*this), a(*this), a(other), prec);
  return *this;
}
interval& interval::operator*=(const interval& other) {
  arb_mul(a(*this), a(*this), a(other), prec);
  return *this;
}
interval& interval::operator/=(const interval& other) {
  arb_div(a(*this), a(*this), a(other), prec);
  return *this;
}

interval operator-(const interval& x) {
  interval out;
  arb_neg(a(out), a(x));
  return out;
}

// arb_lt(x, y) is nonzero iff every point of x is below every point of y; arb_ge(x, y) iff
// every point of x is >= every point of y. Neither: the balls overlap, nothing is proved.
bool operator<(const interval& x, const interval& y) {
  if (arb_lt(a(x), a(y))) return true;
  if (arb_ge(a(x), a(y))) return false;
  throw UndecidableComparison(describe(x), "<", describe(y));
}

bool operator<=(const interval& x, const interval& y) {
  if (arb_le(a(x), a(y))) return true;
  if (arb_gt(a(x), a(y))) return false;
  throw UndecidableComparison(describe(x), "<=", describe(y));
}

bool operator==(const interval& x, const interval& y) {
  if (arb_eq(a(x), a(y))) return true;  // both exact and equal
  if (arb_ne(a(x), a(y))) return false;  // disjoint
  throw UndecidableComparison(describe(x), "==", describe(y));
}

interval sqrt(const interval& x) { return apply(x, arb_sqrt); }
interval exp(const interval& x) { return apply(x, arb_exp); }
interval expm1(const interval& x) { return apply(x, arb_expm1); }
interval log(const interval& x) { return apply(x, arb_log); }
interval log1p(const interval& x) { return apply(x, arb_log1p); }
interval log10(const interval& x) { return log(x) / log(interval(10)); }
interval pow(const interval& x, const interval& y) {
  interval out;
  arb_pow(a(out), a(x), a(y), prec);
  return out;
}
interval pow(const interval& x, int n) {
  interval out;
  Fmpz e;
  fmpz_set_si(e.v, n);
  arb_pow_fmpz(a(out), a(x), e.v, prec);  // n < 0 on a ball holding 0: not finite
  return out;
}
interval sin(const interval& x) { return apply(x, arb_sin); }
interval cos(const interval& x) { return apply(x, arb_cos); }
interval tan(const interval& x) { return apply(x, arb_tan); }
interval atan(const interval& x) { return apply(x, arb_atan); }
interval sinh(const interval& x) { return apply(x, arb_sinh); }
interval cosh(const interval& x) { return apply(x, arb_cosh); }
interval tanh(const interval& x) { return apply(x, arb_tanh); }
interval atanh(const interval& x) { return apply(x, arb_atanh); }
interval erf(const interval& x) { return apply(x, arb_hypgeom_erf); }
interval erfc(const interval& x) { return apply(x, arb_hypgeom_erfc); }
interval abs(const interval& x) {
  interval out;
  if (!arb_contains_zero(a(x)) || isnan(x)) {
    arb_abs(a(out), a(x));
    return out;
  }
  Arf upper, zero;  // x holds 0: [0, max|x|] (arb_abs would reach below 0)
  arb_get_abs_ubound_arf(upper.v, a(x), prec);
  arb_set_interval_arf(a(out), zero.v, upper.v, prec);
  return out;
}
interval fabs(const interval& x) { return abs(x); }
interval min(const interval& x, const interval& y) {
  interval out;
  arb_min(a(out), a(x), a(y), prec);
  return out;
}
interval max(const interval& x, const interval& y) {
  interval out;
  arb_max(a(out), a(x), a(y), prec);
  return out;
}
bool possibly_less(const interval& x, const interval& y) { return !arb_ge(a(x), a(y)); }
bool isnan(const interval& x) { return arf_is_nan(arb_midref(a(x))) != 0; }
bool isinf(const interval& x) { return !isnan(x) && !arb_is_finite(a(x)); }
bool isfinite(const interval& x) { return arb_is_finite(a(x)) != 0; }

}  // namespace learndyn
