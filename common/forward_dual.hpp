// Forward-mode differentiation over any scalar: a value and N directional derivatives, each
// carried by the scalar's own arithmetic (proofs/common.md C28).
//
// Instantiated on the interval scalar (common/interval.hpp), `dual<interval, N>` evaluates a
// templated reference function f and N directional derivatives of it as balls: the value ball
// holds f(x) and the k-th derivative ball holds the exact directional derivative Df(x)[e_k],
// for every point x of the input balls (C28). It is the second, independent route to a
// gradient that the reference otherwise computes by an adjoint (issue 18: the enclosures of
// the two routes must intersect). The chain rule is applied operation by operation; nothing
// is approximated, so the derivative balls are as rigorous as the value ball.
//
//  - Comparisons look at the values only (a branch of f is a branch of f' too); on balls they
//    decide or throw UndecidableComparison as the scalar does.
//  - A function not differentiable at a point the value ball may hold (abs at 0) throws
//    UndecidableComparison through that comparison, or std::domain_error at an exact kink
//    (|x| at an exact 0 is allowed for a constant: every derivative exactly 0).
//  - Header-only and generic: it needs no Arb itself (tests instantiate it on `interval`, and
//    on double for a quick check against a finite difference).
#pragma once

#include <array>
#include <cmath>
#include <limits>
#include <ostream>
#include <stdexcept>
#include <type_traits>

#include <Eigen/Core>

namespace learndyn {

template <class S, int N>
class dual {
 public:
  S v{};                // the value
  std::array<S, N> d{};  // the N directional derivatives

  dual() : v(0) { d.fill(S(0)); }
  dual(const S& value) : v(value) { d.fill(S(0)); }  // NOLINT(google-explicit-constructor): a constant
  template <class T>
    requires std::is_arithmetic_v<T>
  dual(T value) : v(constant(value)) {  // NOLINT(google-explicit-constructor): `2 * x` in the reference
    d.fill(S(0));
  }
  // pi as the scalar holds it, where the scalar has its own (the interval scalar's ball): the
  // reference picks its constants by this member (common/scalar.hpp).
  static dual pi()
    requires requires { S::pi(); }
  {
    return dual(S::pi());
  }
  // The variable x = value along direction k (derivative e_k).
  static dual variable(const S& value, int k) {
    dual x(value);
    x.d[static_cast<std::size_t>(k)] = S(1);
    return x;
  }

  dual& operator+=(const dual& o) {
    v += o.v;
    for (int k = 0; k < N; ++k) d[k] += o.d[k];
    return *this;
  }
  dual& operator-=(const dual& o) {
    v -= o.v;
    for (int k = 0; k < N; ++k) d[k] -= o.d[k];
    return *this;
  }
  dual& operator*=(const dual& o) {
    for (int k = 0; k < N; ++k) d[k] = d[k] * o.v + v * o.d[k];
    v *= o.v;
    return *this;
  }
  dual& operator/=(const dual& o) {
    const S q = v / o.v;
    for (int k = 0; k < N; ++k) d[k] = (d[k] - q * o.d[k]) / o.v;
    v = q;
    return *this;
  }

  friend dual operator-(const dual& x) {
    dual r;
    r.v = -x.v;
    for (int k = 0; k < N; ++k) r.d[k] = -x.d[k];
    return r;
  }
  friend dual operator+(const dual& x) { return x; }
  friend dual operator+(dual a, const dual& b) { return a += b; }
  friend dual operator-(dual a, const dual& b) { return a -= b; }
  friend dual operator*(dual a, const dual& b) { return a *= b; }
  friend dual operator/(dual a, const dual& b) { return a /= b; }

  friend bool operator<(const dual& a, const dual& b) { return a.v < b.v; }
  friend bool operator<=(const dual& a, const dual& b) { return a.v <= b.v; }
  friend bool operator>(const dual& a, const dual& b) { return b.v < a.v; }
  friend bool operator>=(const dual& a, const dual& b) { return b.v <= a.v; }
  friend bool operator==(const dual& a, const dual& b) { return a.v == b.v; }
  friend bool operator!=(const dual& a, const dual& b) { return !(a.v == b.v); }

  // Every point of `other` (value and derivatives) in this one's balls: the interval scalar's
  // contains() lifted (the reference's symmetry check on balls uses it).
  bool contains(const dual& other) const
    requires requires(const S& a) { a.contains(a); }
  {
    if (!v.contains(other.v)) return false;
    for (int k = 0; k < N; ++k)
      if (!d[k].contains(other.d[k])) return false;
    return true;
  }

 private:
  template <class T>
  static S constant(T value) {
    if constexpr (std::is_integral_v<T>)
      return S(static_cast<long>(value));
    else
      return S(static_cast<double>(value));
  }

  friend std::ostream& operator<<(std::ostream& out, const dual& x) {
    out << x.v << " d[";
    for (int k = 0; k < N; ++k) out << (k ? ", " : "") << x.d[k];
    return out << "]";
  }
};

namespace dual_detail {
// pi in the scalar: the interval scalar's own ball, acos(-1) for the real types.
template <class S>
S pi() {
  if constexpr (requires { S::pi(); }) {
    return S::pi();
  } else {
    using std::acos;
    return S(acos(S(-1)));
  }
}

// f(x) with f'(x) = fp: the chain rule along every direction.
template <class S, int N>
dual<S, N> chain(const dual<S, N>& x, const S& f, const S& fp) {
  dual<S, N> r(f);
  for (int k = 0; k < N; ++k) r.d[k] = fp * x.d[k];
  return r;
}
}  // namespace dual_detail

// The elementary functions, found by ADL from the reference's `using std::exp; exp(x)`. Each
// evaluates the scalar's own function and its derivative's closed form on the value.
template <class S, int N>
dual<S, N> sqrt(const dual<S, N>& x) {
  using std::sqrt;
  const S s = sqrt(x.v);
  return dual_detail::chain(x, s, S(1) / (2 * s));
}
template <class S, int N>
dual<S, N> exp(const dual<S, N>& x) {
  using std::exp;
  const S e = exp(x.v);
  return dual_detail::chain(x, e, e);
}
template <class S, int N>
dual<S, N> expm1(const dual<S, N>& x) {
  using std::exp;
  using std::expm1;
  return dual_detail::chain(x, S(expm1(x.v)), S(exp(x.v)));
}
template <class S, int N>
dual<S, N> log(const dual<S, N>& x) {
  using std::log;
  return dual_detail::chain(x, S(log(x.v)), S(1) / x.v);
}
template <class S, int N>
dual<S, N> log1p(const dual<S, N>& x) {
  using std::log1p;
  return dual_detail::chain(x, S(log1p(x.v)), S(1) / (1 + x.v));
}
template <class S, int N>
dual<S, N> tanh(const dual<S, N>& x) {
  using std::tanh;
  const S t = tanh(x.v);
  return dual_detail::chain(x, t, S(1 - t * t));
}
template <class S, int N>
dual<S, N> cosh(const dual<S, N>& x) {
  using std::cosh;
  using std::sinh;
  return dual_detail::chain(x, S(cosh(x.v)), S(sinh(x.v)));
}
template <class S, int N>
dual<S, N> sinh(const dual<S, N>& x) {
  using std::cosh;
  using std::sinh;
  return dual_detail::chain(x, S(sinh(x.v)), S(cosh(x.v)));
}
template <class S, int N>
dual<S, N> sin(const dual<S, N>& x) {
  using std::cos;
  using std::sin;
  return dual_detail::chain(x, S(sin(x.v)), S(cos(x.v)));
}
template <class S, int N>
dual<S, N> cos(const dual<S, N>& x) {
  using std::cos;
  using std::sin;
  return dual_detail::chain(x, S(cos(x.v)), S(-sin(x.v)));
}
template <class S, int N>
dual<S, N> atan(const dual<S, N>& x) {
  using std::atan;
  return dual_detail::chain(x, S(atan(x.v)), S(1) / (1 + x.v * x.v));
}
// erf' = 2/sqrt(pi) exp(-x^2).
template <class S, int N>
dual<S, N> erf(const dual<S, N>& x) {
  using std::erf;
  using std::exp;
  using std::sqrt;
  const S two_over_root_pi = S(2) / sqrt(dual_detail::pi<S>());
  return dual_detail::chain(x, S(erf(x.v)), S(two_over_root_pi * exp(-x.v * x.v)));
}
template <class S, int N>
dual<S, N> erfc(const dual<S, N>& x) {
  const dual<S, N> e = erf(x);
  return 1 - e;
}
// |x|: differentiable where the sign of x is decided (the comparison throws on a ball across 0).
template <class S, int N>
dual<S, N> abs(const dual<S, N>& x) {
  if (x.v > S(0)) return x;
  if (x.v < S(0)) return -x;
  // x = 0 exactly: differentiable only as a constant (every derivative exactly 0), as in the
  // reference's checks on inputs that carry no derivative.
  for (const S& e : x.d)
    if (!(e == S(0))) throw std::domain_error("dual: |x| is not differentiable at x = 0");
  return x;
}
template <class S, int N>
dual<S, N> fabs(const dual<S, N>& x) {
  return abs(x);
}
template <class S, int N>
dual<S, N> pow(const dual<S, N>& x, int n) {
  using std::pow;
  if (n == 0) return dual<S, N>(S(1));
  return dual_detail::chain(x, S(pow(x.v, n)), S(n * pow(x.v, n - 1)));
}
template <class S, int N>
dual<S, N> pow(const dual<S, N>& x, const dual<S, N>& y) {
  return exp(y * log(x));
}
template <class S, int N>
dual<S, N> min(const dual<S, N>& a, const dual<S, N>& b) {
  return b < a ? b : a;
}
template <class S, int N>
dual<S, N> max(const dual<S, N>& a, const dual<S, N>& b) {
  return a < b ? b : a;
}
// The branch between two formulas valid on both sides (common/branch.hpp): decided on the
// values as the scalar decides it. Both formulas are the same function, so are its derivatives.
template <class S, int N>
  requires requires(const S& x) { possibly_less(x, x); }
bool possibly_less(const dual<S, N>& a, const dual<S, N>& b) {
  return possibly_less(a.v, b.v);
}
template <class S, int N>
bool isnan(const dual<S, N>& x) {
  using std::isnan;
  if (isnan(x.v)) return true;
  for (const S& e : x.d)
    if (isnan(e)) return true;
  return false;
}
template <class S, int N>
bool isinf(const dual<S, N>& x) {
  using std::isinf;
  return isinf(x.v);
}
template <class S, int N>
bool isfinite(const dual<S, N>& x) {
  using std::isfinite;
  if (!isfinite(x.v)) return false;
  for (const S& e : x.d)
    if (!isfinite(e)) return false;
  return true;
}

}  // namespace learndyn

template <class S, int N>
class std::numeric_limits<learndyn::dual<S, N>> : public std::numeric_limits<S> {
 public:
  static learndyn::dual<S, N> epsilon() { return std::numeric_limits<S>::epsilon(); }
  static learndyn::dual<S, N> infinity() { return std::numeric_limits<S>::infinity(); }
  static learndyn::dual<S, N> quiet_NaN() { return std::numeric_limits<S>::quiet_NaN(); }
  static learndyn::dual<S, N> max() { return (std::numeric_limits<S>::max)(); }
  static learndyn::dual<S, N> min() { return (std::numeric_limits<S>::min)(); }
  static learndyn::dual<S, N> lowest() { return std::numeric_limits<S>::lowest(); }
};

namespace Eigen {

template <class S, int N>
struct NumTraits<learndyn::dual<S, N>> : GenericNumTraits<learndyn::dual<S, N>> {
  using Real = learndyn::dual<S, N>;
  using NonInteger = learndyn::dual<S, N>;
  using Nested = learndyn::dual<S, N>;
  using Literal = learndyn::dual<S, N>;
  enum {
    IsComplex = 0,
    IsInteger = 0,
    IsSigned = 1,
    RequireInitialization = 1,
    ReadCost = 1,
    AddCost = 8 * (N + 1),
    MulCost = 16 * (2 * N + 1)
  };
  static inline int digits10() { return NumTraits<S>::digits10(); }
  static learndyn::dual<S, N> dummy_precision() { return NumTraits<S>::dummy_precision(); }
  static learndyn::dual<S, N> epsilon() { return std::numeric_limits<S>::epsilon(); }
  static learndyn::dual<S, N> highest() { return std::numeric_limits<S>::max(); }
  static learndyn::dual<S, N> lowest() { return std::numeric_limits<S>::lowest(); }
};

}  // namespace Eigen
