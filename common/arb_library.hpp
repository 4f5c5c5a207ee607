// Arb, loaded on demand: the table of the Arb, FLINT and MPFR functions learndyn calls, filled
// from the library opened with dlopen the first time an enclosure is computed (proofs/common.md
// C27, C30). Private to the three translation units that compute with Arb (common/interval.cpp,
// reference/ghost/finite_confidence_enclosure.cpp, reference/overlaps/tanh_gain_enclosure.cpp);
// not installed.
//
// Why: linking libflint-arb (and with it libflint, NTL, gf2x, MPFR, GMP) cost every learndyn
// process ~4 ms of dynamic linking at start (C27), also the commands that never compute an
// enclosure (ntk, ghost, overlaps). With the table, a process loads Arb when it first needs it.
//
// How: include this header after every other header (it includes Arb's own). Each function the
// three files call is then a macro naming the table's pointer to the library's definition of that
// same function: `arb_add(z, x, y, prec)` calls libflint-arb's arb_add, so every result is the
// one the linked library gave. Arb's header inline functions (arb_init, fmpz_clear, ...) are
// called through the table too: the libraries export each as a symbol of its own, and no inline
// definition is ever emitted into learndyn (the targets link without -lflint-arb: a function
// missing from the table fails the link). Arb's macros (arb_midref, acb_realref, mpfr_zero_p)
// are field accesses and stay as they are.
//
// If the library cannot be opened or lacks a function, the first call throws std::runtime_error,
// one line naming the library and the Debian package to install; nothing is half-computed, since
// it is thrown before the first Arb operation of the process.
#pragma once

#include <acb.h>
#include <acb_calc.h>
#include <arb.h>
#include <arb_hypgeom.h>
#include <flint/fmpz.h>
#include <mpfr.h>

// Every Arb, FLINT and MPFR function the three files call (sorted). A new call needs a new entry
// here and a redirect below; without both the link fails.
#define LEARNDYN_ARB_FUNCTIONS(X) \
  X(acb_add) X(acb_add_arb) X(acb_add_ui) X(acb_calc_integrate) X(acb_calc_integrate_opt_init) \
  X(acb_clear) X(acb_cosh) X(acb_div) X(acb_div_arb) X(acb_exp) X(acb_init) X(acb_inv) X(acb_mul) \
  X(acb_mul_2exp_si) X(acb_mul_arb) X(acb_mul_si) X(acb_mul_ui) X(acb_neg) X(acb_set) \
  X(acb_set_arb) X(acb_set_si) X(acb_sqr) X(acb_sub_arb) X(acb_sub_ui) X(acb_tan) X(acb_tanh) \
  X(acb_zero) X(arb_abs) X(arb_add) X(arb_atan) X(arb_atanh) X(arb_clear) X(arb_const_pi) \
  X(arb_contains) X(arb_contains_zero) X(arb_cos) X(arb_cosh) X(arb_div) X(arb_eq) X(arb_exp) \
  X(arb_expm1) X(arb_ge) X(arb_get_abs_ubound_arf) X(arb_get_lbound_arf) X(arb_get_ubound_arf) \
  X(arb_gt) X(arb_hypgeom_erf) X(arb_hypgeom_erfc) X(arb_indeterminate) X(arb_init) \
  X(arb_is_exact) X(arb_is_finite) X(arb_le) X(arb_log) X(arb_log1p) X(arb_lt) X(arb_max) \
  X(arb_min) X(arb_mul) X(arb_mul_2exp_si) X(arb_ne) X(arb_neg) X(arb_neg_inf) X(arb_pos_inf) \
  X(arb_pow) X(arb_pow_fmpz) X(arb_rsqrt) X(arb_set) X(arb_set_arf) X(arb_set_d) \
  X(arb_set_fmpz_2exp) X(arb_set_interval_arf) X(arb_set_si) X(arb_set_str) X(arb_sin) X(arb_sinh) \
  X(arb_sqrt) X(arb_sub) X(arb_swap) X(arb_tan) X(arb_tanh) X(arb_union) X(arb_zero) X(arf_abs) \
  X(arf_clear) X(arf_cmp) X(arf_get_fmpz_2exp) X(arf_get_mpfr) X(arf_init) X(arf_is_nan) \
  X(arf_is_neg_inf) X(arf_is_pos_inf) X(arf_is_zero) X(arf_min) X(arf_mul_fmpz) X(arf_sub) \
  X(flint_abort) X(flint_free) X(fmpz_clear) X(fmpz_get_si) X(fmpz_get_str) X(fmpz_init) \
  X(fmpz_pow_ui) X(fmpz_set_si) X(fmpz_set_str) X(fmpz_set_ui) X(mag_clear) X(mag_init) \
  X(mag_set_ui_2exp_si) X(mpfr_clear) X(mpfr_free_str) X(mpfr_get_str) X(mpfr_init2)

namespace learndyn::detail {

struct ArbLibrary {
#define LEARNDYN_ARB_MEMBER(name) decltype(&::name) name;
  LEARNDYN_ARB_FUNCTIONS(LEARNDYN_ARB_MEMBER)
#undef LEARNDYN_ARB_MEMBER
};

// The table of the library `file` (a soname or a path), opened now; std::runtime_error, one
// line naming the file and the package to install, if it cannot serve every function.
ArbLibrary load_arb_library(const char* file);

// load_arb_library of the file named by the environment variable LEARNDYN_ARB_LIBRARY when it
// is set (the tests name a missing one), else of the library named at configure time
// (LEARNDYN_ARB_SONAME, from the Arb CMake found; Debian 12: libflint-arb.so.2).
ArbLibrary load_configured_arb_library();

// The table, loaded on the first call (thread-safe); if that throws, the next call tries again.
// Inline, so that each call of an Arb function costs a check of the static's guard and an
// indirect call, not a function call more.
inline const ArbLibrary& arb_library() {
  static const ArbLibrary table = load_configured_arb_library();
  return table;
}

}  // namespace learndyn::detail

#ifndef LEARNDYN_ARB_LIBRARY_NO_REDIRECT  // arb_library.cpp names the functions themselves
#define acb_add (::learndyn::detail::arb_library().acb_add)
#define acb_add_arb (::learndyn::detail::arb_library().acb_add_arb)
#define acb_add_ui (::learndyn::detail::arb_library().acb_add_ui)
#define acb_calc_integrate (::learndyn::detail::arb_library().acb_calc_integrate)
#define acb_calc_integrate_opt_init (::learndyn::detail::arb_library().acb_calc_integrate_opt_init)
#define acb_clear (::learndyn::detail::arb_library().acb_clear)
#define acb_cosh (::learndyn::detail::arb_library().acb_cosh)
#define acb_div (::learndyn::detail::arb_library().acb_div)
#define acb_div_arb (::learndyn::detail::arb_library().acb_div_arb)
#define acb_exp (::learndyn::detail::arb_library().acb_exp)
#define acb_init (::learndyn::detail::arb_library().acb_init)
#define acb_inv (::learndyn::detail::arb_library().acb_inv)
#define acb_mul (::learndyn::detail::arb_library().acb_mul)
#define acb_mul_2exp_si (::learndyn::detail::arb_library().acb_mul_2exp_si)
#define acb_mul_arb (::learndyn::detail::arb_library().acb_mul_arb)
#define acb_mul_si (::learndyn::detail::arb_library().acb_mul_si)
#define acb_mul_ui (::learndyn::detail::arb_library().acb_mul_ui)
#define acb_neg (::learndyn::detail::arb_library().acb_neg)
#define acb_set (::learndyn::detail::arb_library().acb_set)
#define acb_set_arb (::learndyn::detail::arb_library().acb_set_arb)
#define acb_set_si (::learndyn::detail::arb_library().acb_set_si)
#define acb_sqr (::learndyn::detail::arb_library().acb_sqr)
#define acb_sub_arb (::learndyn::detail::arb_library().acb_sub_arb)
#define acb_sub_ui (::learndyn::detail::arb_library().acb_sub_ui)
#define acb_tan (::learndyn::detail::arb_library().acb_tan)
#define acb_tanh (::learndyn::detail::arb_library().acb_tanh)
#define acb_zero (::learndyn::detail::arb_library().acb_zero)
#define arb_abs (::learndyn::detail::arb_library().arb_abs)
#define arb_add (::learndyn::detail::arb_library().arb_add)
#define arb_atan (::learndyn::detail::arb_library().arb_atan)
#define arb_atanh (::learndyn::detail::arb_library().arb_atanh)
#define arb_clear (::learndyn::detail::arb_library().arb_clear)
#define arb_const_pi (::learndyn::detail::arb_library().arb_const_pi)
#define arb_contains (::learndyn::detail::arb_library().arb_contains)
#define arb_contains_zero (::learndyn::detail::arb_library().arb_contains_zero)
#define arb_cos (::learndyn::detail::arb_library().arb_cos)
#define arb_cosh (::learndyn::detail::arb_library().arb_cosh)
#define arb_div (::learndyn::detail::arb_library().arb_div)
#define arb_eq (::learndyn::detail::arb_library().arb_eq)
#define arb_exp (::learndyn::detail::arb_library().arb_exp)
#define arb_expm1 (::learndyn::detail::arb_library().arb_expm1)
#define arb_ge (::learndyn::detail::arb_library().arb_ge)
#define arb_get_abs_ubound_arf (::learndyn::detail::arb_library().arb_get_abs_ubound_arf)
#define arb_get_lbound_arf (::learndyn::detail::arb_library().arb_get_lbound_arf)
#define arb_get_ubound_arf (::learndyn::detail::arb_library().arb_get_ubound_arf)
#define arb_gt (::learndyn::detail::arb_library().arb_gt)
#define arb_hypgeom_erf (::learndyn::detail::arb_library().arb_hypgeom_erf)
#define arb_hypgeom_erfc (::learndyn::detail::arb_library().arb_hypgeom_erfc)
#define arb_indeterminate (::learndyn::detail::arb_library().arb_indeterminate)
#define arb_init (::learndyn::detail::arb_library().arb_init)
#define arb_is_exact (::learndyn::detail::arb_library().arb_is_exact)
#define arb_is_finite (::learndyn::detail::arb_library().arb_is_finite)
#define arb_le (::learndyn::detail::arb_library().arb_le)
#define arb_log (::learndyn::detail::arb_library().arb_log)
#define arb_log1p (::learndyn::detail::arb_library().arb_log1p)
#define arb_lt (::learndyn::detail::arb_library().arb_lt)
#define arb_max (::learndyn::detail::arb_library().arb_max)
#define arb_min (::learndyn::detail::arb_library().arb_min)
#define arb_mul (::learndyn::detail::arb_library().arb_mul)
#define arb_mul_2exp_si (::learndyn::detail::arb_library().arb_mul_2exp_si)
#define arb_ne (::learndyn::detail::arb_library().arb_ne)
#define arb_neg (::learndyn::detail::arb_library().arb_neg)
#define arb_neg_inf (::learndyn::detail::arb_library().arb_neg_inf)
#define arb_pos_inf (::learndyn::detail::arb_library().arb_pos_inf)
#define arb_pow (::learndyn::detail::arb_library().arb_pow)
#define arb_pow_fmpz (::learndyn::detail::arb_library().arb_pow_fmpz)
#define arb_rsqrt (::learndyn::detail::arb_library().arb_rsqrt)
#define arb_set (::learndyn::detail::arb_library().arb_set)
#define arb_set_arf (::learndyn::detail::arb_library().arb_set_arf)
#define arb_set_d (::learndyn::detail::arb_library().arb_set_d)
#define arb_set_fmpz_2exp (::learndyn::detail::arb_library().arb_set_fmpz_2exp)
#define arb_set_interval_arf (::learndyn::detail::arb_library().arb_set_interval_arf)
#define arb_set_si (::learndyn::detail::arb_library().arb_set_si)
#define arb_set_str (::learndyn::detail::arb_library().arb_set_str)
#define arb_sin (::learndyn::detail::arb_library().arb_sin)
#define arb_sinh (::learndyn::detail::arb_library().arb_sinh)
#define arb_sqrt (::learndyn::detail::arb_library().arb_sqrt)
#define arb_sub (::learndyn::detail::arb_library().arb_sub)
#define arb_swap (::learndyn::detail::arb_library().arb_swap)
#define arb_tan (::learndyn::detail::arb_library().arb_tan)
#define arb_tanh (::learndyn::detail::arb_library().arb_tanh)
#define arb_union (::learndyn::detail::arb_library().arb_union)
#define arb_zero (::learndyn::detail::arb_library().arb_zero)
#define arf_abs (::learndyn::detail::arb_library().arf_abs)
#define arf_clear (::learndyn::detail::arb_library().arf_clear)
#define arf_cmp (::learndyn::detail::arb_library().arf_cmp)
#define arf_get_fmpz_2exp (::learndyn::detail::arb_library().arf_get_fmpz_2exp)
#define arf_get_mpfr (::learndyn::detail::arb_library().arf_get_mpfr)
#define arf_init (::learndyn::detail::arb_library().arf_init)
#define arf_is_nan (::learndyn::detail::arb_library().arf_is_nan)
#define arf_is_neg_inf (::learndyn::detail::arb_library().arf_is_neg_inf)
#define arf_is_pos_inf (::learndyn::detail::arb_library().arf_is_pos_inf)
#define arf_is_zero (::learndyn::detail::arb_library().arf_is_zero)
#define arf_min (::learndyn::detail::arb_library().arf_min)
#define arf_mul_fmpz (::learndyn::detail::arb_library().arf_mul_fmpz)
#define arf_sub (::learndyn::detail::arb_library().arf_sub)
#define flint_abort (::learndyn::detail::arb_library().flint_abort)
#define flint_free (::learndyn::detail::arb_library().flint_free)
#define fmpz_clear (::learndyn::detail::arb_library().fmpz_clear)
#define fmpz_get_si (::learndyn::detail::arb_library().fmpz_get_si)
#define fmpz_get_str (::learndyn::detail::arb_library().fmpz_get_str)
#define fmpz_init (::learndyn::detail::arb_library().fmpz_init)
#define fmpz_pow_ui (::learndyn::detail::arb_library().fmpz_pow_ui)
#define fmpz_set_si (::learndyn::detail::arb_library().fmpz_set_si)
#define fmpz_set_str (::learndyn::detail::arb_library().fmpz_set_str)
#define fmpz_set_ui (::learndyn::detail::arb_library().fmpz_set_ui)
#define mag_clear (::learndyn::detail::arb_library().mag_clear)
#define mag_init (::learndyn::detail::arb_library().mag_init)
#define mag_set_ui_2exp_si (::learndyn::detail::arb_library().mag_set_ui_2exp_si)
#define mpfr_clear (::learndyn::detail::arb_library().mpfr_clear)
#define mpfr_free_str (::learndyn::detail::arb_library().mpfr_free_str)
#define mpfr_get_str (::learndyn::detail::arb_library().mpfr_get_str)
#define mpfr_init2 (::learndyn::detail::arb_library().mpfr_init2)
#endif
