// Highway's dynamic dispatch re-includes this file once per SIMD target.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "fast/ghost/rnn_kernels.cpp"
#include <hwy/foreach_target.h>  // must come before highway.h

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

#include <learndyn/fast/ghost/rnn_kernels.hpp>

HWY_BEFORE_NAMESPACE();
namespace learndyn::fast::ghost {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void TanhInPlace(double* HWY_RESTRICT x, const std::size_t n) {
  const hn::ScalableTag<double> d;
  const std::size_t lanes = hn::Lanes(d);
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) hn::StoreU(hn::Tanh(d, hn::LoadU(d, x + i)), d, x + i);
  if (i < n) {  // the tail through a padded buffer (Highway 1.0.3 has no LoadN/StoreN)
    HWY_ALIGN double buffer[HWY_MAX_BYTES / sizeof(double)] = {};
    for (std::size_t j = 0; i + j < n; ++j) buffer[j] = x[i + j];
    hn::Store(hn::Tanh(d, hn::Load(d, buffer)), d, buffer);
    for (std::size_t j = 0; i + j < n; ++j) x[i + j] = buffer[j];
  }
}

// One sweep: h = m kappa + b, p = tanh h, r' = (1-a) r + a p, sum n r' (R2, R3).
double RankOneForwardStep(const double* HWY_RESTRICT m, const double* HWY_RESTRICT b,
                          const double* HWY_RESTRICT nv, const double* HWY_RESTRICT r,
                          const double kappa, const double alpha, double* HWY_RESTRICT p,
                          double* HWY_RESTRICT r_next, const std::size_t size) {
  const hn::ScalableTag<double> d;
  const auto vk = hn::Set(d, kappa), va = hn::Set(d, alpha), vka = hn::Set(d, 1.0 - alpha);
  auto sum = hn::Zero(d);
  for (std::size_t i = 0; i < size; i += hn::Lanes(d)) {
    const auto h = hn::MulAdd(hn::LoadU(d, m + i), vk, hn::LoadU(d, b + i));
    const auto t = hn::Tanh(d, h);
    const auto next = hn::MulAdd(vka, hn::LoadU(d, r + i), hn::Mul(va, t));
    hn::StoreU(t, d, p + i);
    hn::StoreU(next, d, r_next + i);
    sum = hn::MulAdd(hn::LoadU(d, nv + i), next, sum);
  }
  return hn::GetLane(hn::SumOfLanes(d, sum));
}

// delta = a (1 - p^2) lambda; db += delta; dm += kappa delta; returns m . delta (R17, R18).
double RankOneBackwardDelta(const double* HWY_RESTRICT m, const double* HWY_RESTRICT p,
                            const double* HWY_RESTRICT lambda, const double kappa,
                            const double alpha, double* HWY_RESTRICT delta,
                            double* HWY_RESTRICT db, double* HWY_RESTRICT dm,
                            const std::size_t size) {
  const hn::ScalableTag<double> d;
  const auto va = hn::Set(d, alpha), vk = hn::Set(d, kappa), one = hn::Set(d, 1.0);
  auto sum = hn::Zero(d);
  for (std::size_t i = 0; i < size; i += hn::Lanes(d)) {
    const auto pi = hn::LoadU(d, p + i);
    const auto slope = hn::NegMulAdd(pi, pi, one);
    const auto dl = hn::Mul(hn::Mul(va, slope), hn::LoadU(d, lambda + i));
    hn::StoreU(dl, d, delta + i);
    hn::StoreU(hn::Add(hn::LoadU(d, db + i), dl), d, db + i);
    hn::StoreU(hn::MulAdd(vk, dl, hn::LoadU(d, dm + i)), d, dm + i);
    sum = hn::MulAdd(hn::LoadU(d, m + i), dl, sum);
  }
  return hn::GetLane(hn::SumOfLanes(d, sum));
}

// dn += c r; lambda = (1-a) lambda + c n (R17, R18).
void RankOneBackwardLambda(const double* HWY_RESTRICT nv, const double* HWY_RESTRICT r,
                           const double c, const double alpha, double* HWY_RESTRICT dn,
                           double* HWY_RESTRICT lambda, const std::size_t size) {
  const hn::ScalableTag<double> d;
  const auto vc = hn::Set(d, c), vka = hn::Set(d, 1.0 - alpha);
  for (std::size_t i = 0; i < size; i += hn::Lanes(d)) {
    hn::StoreU(hn::MulAdd(vc, hn::LoadU(d, r + i), hn::LoadU(d, dn + i)), d, dn + i);
    hn::StoreU(hn::MulAdd(vc, hn::LoadU(d, nv + i), hn::Mul(vka, hn::LoadU(d, lambda + i))), d,
               lambda + i);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace learndyn::fast::ghost
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace learndyn::fast::ghost {

HWY_EXPORT(TanhInPlace);
HWY_EXPORT(RankOneForwardStep);
HWY_EXPORT(RankOneBackwardDelta);
HWY_EXPORT(RankOneBackwardLambda);

void tanh_in_place(double* x, std::size_t n) { HWY_DYNAMIC_DISPATCH(TanhInPlace)(x, n); }

double rank_one_forward_step(const double* m, const double* b, const double* n, const double* r,
                             double kappa, double alpha, double* p, double* r_next,
                             std::size_t size) {
  return HWY_DYNAMIC_DISPATCH(RankOneForwardStep)(m, b, n, r, kappa, alpha, p, r_next, size);
}

double rank_one_backward_delta(const double* m, const double* p, const double* lambda,
                               double kappa, double alpha, double* delta, double* db, double* dm,
                               std::size_t size) {
  return HWY_DYNAMIC_DISPATCH(RankOneBackwardDelta)(m, p, lambda, kappa, alpha, delta, db, dm,
                                                     size);
}

void rank_one_backward_lambda(const double* n, const double* r, double c, double alpha,
                              double* dn, double* lambda, std::size_t size) {
  HWY_DYNAMIC_DISPATCH(RankOneBackwardLambda)(n, r, c, alpha, dn, lambda, size);
}

}  // namespace learndyn::fast::ghost
#endif  // HWY_ONCE
