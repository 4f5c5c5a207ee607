// Highway's dynamic dispatch re-includes this file once per SIMD target.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "fast/overlaps/erf.cpp"
#include <hwy/foreach_target.h>  // must come before highway.h

#include <hwy/highway.h>

#include <learndyn/fast/overlaps/erf-inl.hpp>
#include <learndyn/fast/overlaps/erf.hpp>

HWY_BEFORE_NAMESPACE();
namespace learndyn::fast::overlaps {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Applies `kernel` to x[0, n), whole vectors first, then the tail through a padded buffer
// (Highway 1.0.3 has no LoadN/StoreN).
template <class Kernel>
HWY_INLINE void ForEachVector(const double* x, std::size_t n, double* out, Kernel kernel) {
  const hn::ScalableTag<double> d;
  const std::size_t lanes = hn::Lanes(d);
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) hn::StoreU(kernel(d, hn::LoadU(d, x + i)), d, out + i);
  if (i < n) {
    HWY_ALIGN double buffer[HWY_MAX_BYTES / sizeof(double)] = {};
    for (std::size_t j = 0; i + j < n; ++j) buffer[j] = x[i + j];
    hn::Store(kernel(d, hn::Load(d, buffer)), d, buffer);
    for (std::size_t j = 0; i + j < n; ++j) out[i + j] = buffer[j];
  }
}

void ErfArray(const double* x, std::size_t n, double* out) {
  ForEachVector(x, n, out, [](auto d, auto v) { return Erf(d, v); });
}

void ErfAndGaussianArray(const double* HWY_RESTRICT x, std::size_t n, double* HWY_RESTRICT erf_out,
                         double* HWY_RESTRICT gauss_out) {
  const hn::ScalableTag<double> d;
  const std::size_t lanes = hn::Lanes(d);
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    hn::Vec<decltype(d)> e, g;
    ErfAndGauss(d, hn::LoadU(d, x + i), e, g);
    hn::StoreU(e, d, erf_out + i);
    hn::StoreU(g, d, gauss_out + i);
  }
  if (i < n) {
    HWY_ALIGN double in[HWY_MAX_BYTES / sizeof(double)] = {};
    HWY_ALIGN double e_out[HWY_MAX_BYTES / sizeof(double)];
    HWY_ALIGN double g_out[HWY_MAX_BYTES / sizeof(double)];
    for (std::size_t j = 0; i + j < n; ++j) in[j] = x[i + j];
    hn::Vec<decltype(d)> e, g;
    ErfAndGauss(d, hn::Load(d, in), e, g);
    hn::Store(e, d, e_out);
    hn::Store(g, d, g_out);
    for (std::size_t j = 0; i + j < n; ++j) {
      erf_out[i + j] = e_out[j];
      gauss_out[i + j] = g_out[j];
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace learndyn::fast::overlaps
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace learndyn::fast::overlaps {

HWY_EXPORT(ErfArray);
HWY_EXPORT(ErfAndGaussianArray);

void erf(const double* x, std::size_t n, double* out) { HWY_DYNAMIC_DISPATCH(ErfArray)(x, n, out); }

void erf_and_gaussian(const double* x, std::size_t n, double* erf_out, double* gauss_out) {
  HWY_DYNAMIC_DISPATCH(ErfAndGaussianArray)(x, n, erf_out, gauss_out);
}

}  // namespace learndyn::fast::overlaps
#endif  // HWY_ONCE
