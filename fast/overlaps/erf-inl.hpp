// Per-target SIMD erf(x) in double and the Gaussian exp(-x^2) it shares (proofs/overlaps_fast.md
// §1, identities OF1-OF4). Included inside HWY_NAMESPACE by every fast/overlaps translation
// unit that needs it (Highway's "-inl" convention: the include guard toggles per target).
//
//   |x| < 1      erf(x) = x P1(x^2)                              (OF1; P1 degree 12)
//   1 <= |x|     erf(x) = 1 - exp(-x^2) P2(min(|x|, 6)) / Q2(...)  (OF2; type (5, 6))
//
// P1 is the Chebyshev interpolant of erf(sqrt s)/sqrt s on s in [0, 1]; P2/Q2 a weighted
// rational fit of erfcx = exp(x^2) erfc(x) on [1, 6] minimising the absolute error of
// exp(-x^2) P2/Q2 against erfc (the generator is in proofs/overlaps_fast.md, appendix A).
// P2 and Q2 have positive coefficients and are evaluated at x >= 1, so their Horner sums
// never cancel. Error bound (OF4): 2.0 ulp on FMA targets (3.5 without); measured 1.25 ulp
// (tests/overlaps/test_fast_erf.cpp).
#if defined(LEARNDYN_FAST_OVERLAPS_ERF_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef LEARNDYN_FAST_OVERLAPS_ERF_INL_H_
#undef LEARNDYN_FAST_OVERLAPS_ERF_INL_H_
#else
#define LEARNDYN_FAST_OVERLAPS_ERF_INL_H_
#endif

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace learndyn::fast::overlaps {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// x P1(x^2) for |x| < 1 (OF1), on |x|; coefficients c_12..c_1 of P1 in s = x^2, then c_0.
template <class D, class V>
HWY_INLINE V ErfSmallAbs(D d, V ax, V s) {
  V p = hn::Set(d, 5.957176147748911e-11);
  p = hn::MulAdd(p, s, hn::Set(d, -1.1372848856791674e-09));
  p = hn::MulAdd(p, s, hn::Set(d, 1.4659775274047436e-08));
  p = hn::MulAdd(p, s, hn::Set(d, -1.6350312701054695e-07));
  p = hn::MulAdd(p, s, hn::Set(d, 1.6461000484121368e-06));
  p = hn::MulAdd(p, s, hn::Set(d, -1.4925595266831182e-05));
  p = hn::MulAdd(p, s, hn::Set(d, 0.0001205533111164271));
  p = hn::MulAdd(p, s, hn::Set(d, -0.000854832698083379));
  p = hn::MulAdd(p, s, hn::Set(d, 0.0052239776248180145));
  p = hn::MulAdd(p, s, hn::Set(d, -0.026866170645076792));
  p = hn::MulAdd(p, s, hn::Set(d, 0.11283791670954879));
  p = hn::MulAdd(p, s, hn::Set(d, -0.3761263890318375));
  // c_0 = 2/sqrt(pi) = c0_hi + c0_lo: |x| c0_hi is exact inside the last FMA, so only the
  // correction |x| (s Q(s) + c0_lo), at most 0.34 of the result, carries earlier roundings.
  const V correction = hn::Mul(ax, hn::MulAdd(p, s, hn::Set(d, 1.533545961316588e-17)));
  return hn::MulAdd(ax, hn::Set(d, 1.1283791670955126), correction);
}

// P2(x)/Q2(x) ~ erfcx(x) for x in [1, 6] (OF2): every coefficient positive.
template <class D, class V>
HWY_INLINE V ScaledErfcRational(D d, V x) {
  V p = hn::Set(d, 0.008930702702740588);
  p = hn::MulAdd(p, x, hn::Set(d, 0.0843515668875001));
  p = hn::MulAdd(p, x, hn::Set(d, 0.37360789718075144));
  p = hn::MulAdd(p, x, hn::Set(d, 0.94953555112402));
  p = hn::MulAdd(p, x, hn::Set(d, 1.3905896084054687));
  p = hn::MulAdd(p, x, hn::Set(d, 0.9999998869887575));
  V q = hn::Set(d, 0.015829380857904637);
  q = hn::MulAdd(q, x, hn::Set(d, 0.14950535434882609));
  q = hn::MulAdd(q, x, hn::Set(d, 0.670176902237213));
  q = hn::MulAdd(q, x, hn::Set(d, 1.757186800990909));
  q = hn::MulAdd(q, x, hn::Set(d, 2.791892077504136));
  q = hn::MulAdd(q, x, hn::Set(d, 2.518967584950279));
  q = hn::MulAdd(q, x, hn::Set(d, 1.0));
  return hn::Div(p, q);
}

// 1 - gauss * erfcx(min(|x|, 6)) for |x| >= 1 (OF2). Beyond 6, gauss * erfcx(6) < 2^-54
// and the result rounds to 1 exactly as erf(x) does (OF3).
template <class D, class V>
HWY_INLINE V ErfLargeAbs(D d, V ax, V gauss) {
  const V clamped = hn::Min(ax, hn::Set(d, 6.0));
  return hn::NegMulAdd(gauss, ScaledErfcRational(d, clamped), hn::Set(d, 1.0));
}

// erf(x) with the sign of x; NaN stays NaN, erf(+-inf) = +-1, erf(-0) = -0. `gauss` must be
// exp(-x^2) in the lanes with |x| >= 1 (and is ignored elsewhere).
template <class D, class V>
HWY_INLINE V ErfFromGauss(D d, V x, V ax, V s, V gauss) {
  const auto small = hn::Lt(ax, hn::Set(d, 1.0));
  V y;
  // Each lane is computed by its own range's formula whichever branch runs, so skipping the
  // other range when no lane needs it changes the speed, never the result.
  if (hn::AllTrue(d, small)) {
    y = ErfSmallAbs(d, ax, s);
  } else if (hn::AllFalse(d, small)) {
    y = ErfLargeAbs(d, ax, gauss);
  } else {
    y = hn::IfThenElse(small, ErfSmallAbs(d, ax, s), ErfLargeAbs(d, ax, gauss));
  }
  y = hn::CopySignToAbs(y, x);
  return hn::IfThenElse(hn::IsNaN(x), x, y);
}

// erf(x) for every lane (OF1-OF4).
template <class D, class V>
HWY_INLINE V Erf(D d, V x) {
  const V ax = hn::Abs(x);
  const V s = hn::Mul(ax, ax);
  // exp(-x^2) only where the large range needs it (Highway's Exp: <= 1 ulp, documented).
  if (hn::AllTrue(d, hn::Lt(ax, hn::Set(d, 1.0)))) {
    return hn::IfThenElse(hn::IsNaN(x), x, hn::CopySignToAbs(ErfSmallAbs(d, ax, s), x));
  }
  return ErfFromGauss(d, x, ax, s, hn::Exp(d, hn::Neg(s)));
}

// erf(x) and exp(-x^2) for every lane: phi(h) = erf(x) and phi'(h) = exp(-x^2) at
// x = sqrt(pi) h / 2 share the exponential (OF5).
template <class D, class V>
HWY_INLINE void ErfAndGauss(D d, V x, V& erf, V& gauss) {
  const V ax = hn::Abs(x);
  const V s = hn::Mul(ax, ax);
  gauss = hn::Exp(d, hn::Neg(s));
  erf = ErfFromGauss(d, x, ax, s, gauss);
}

}  // namespace HWY_NAMESPACE
}  // namespace learndyn::fast::overlaps
HWY_AFTER_NAMESPACE();

#endif  // include guard toggle
