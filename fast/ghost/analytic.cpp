// Highway's dynamic dispatch re-includes this file once per SIMD target.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "fast/ghost/analytic.cpp"
#include <hwy/foreach_target.h>  // must come before highway.h

#include <hwy/highway.h>

#include <learndyn/fast/ghost/analytic.hpp>

HWY_BEFORE_NAMESPACE();
namespace learndyn::fast::ghost {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Per lane: s = sqrt(eps), t* = (pi/2)/s (G3); loss by comparing t* with T and T + T_r
// (G11); gradient magnitude pi/(4 eps^1.5) = t*/(2 eps), signed by comparing eps with eps*
// and eps_nr (G14). Lanes with eps <= 0 never take the sqrt's value (masked).
void AnalyticLossAndGradient(const double delay, const double response, const double eps_star,
                             const double eps_nr, const double* HWY_RESTRICT eps,
                             const std::size_t n, double* HWY_RESTRICT loss,
                             double* HWY_RESTRICT gradient) {
  const hn::ScalableTag<double> d;
  const std::size_t lanes = hn::Lanes(d);
  const auto v_delay = hn::Set(d, delay);
  const auto v_total = hn::Set(d, delay + response);
  const auto v_response = hn::Set(d, response);
  const auto v_half_pi = hn::Set(d, 1.5707963267948966);
  const auto v_eps_star = hn::Set(d, eps_star);
  const auto v_eps_nr = hn::Set(d, eps_nr);
  const auto v_zero = hn::Zero(d);
  const auto v_one = hn::Set(d, 1.0);

  const auto kernel = [&](auto e) {
    const auto positive = hn::Gt(e, v_zero);
    const auto safe = hn::IfThenElse(positive, e, v_one);  // sqrt/div only of positive lanes
    const auto t_star = hn::Div(v_half_pi, hn::Sqrt(safe));
    const auto early = hn::And(positive, hn::Lt(t_star, v_delay));
    const auto late = hn::And(positive, hn::Le(t_star, v_total));
    auto l = hn::IfThenElse(late, hn::Sub(t_star, v_delay), v_response);
    l = hn::IfThenElse(early, hn::Sub(v_delay, t_star), l);
    const auto magnitude = hn::Div(t_star, hn::Add(safe, safe));
    auto g = hn::IfThenElseZero(hn::Ge(e, v_eps_nr), hn::Neg(magnitude));
    g = hn::IfThenElse(hn::Gt(e, v_eps_star), magnitude, g);
    const auto nan = hn::IsNaN(e);
    return std::make_pair(hn::IfThenElse(nan, e, l), hn::IfThenElse(nan, e, g));
  };

  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    const auto [l, g] = kernel(hn::LoadU(d, eps + i));
    hn::StoreU(l, d, loss + i);
    hn::StoreU(g, d, gradient + i);
  }
  if (i < n) {  // the tail, through a padded buffer (Highway 1.0.3 has no LoadN/StoreN)
    HWY_ALIGN double in[HWY_MAX_BYTES / sizeof(double)] = {};
    HWY_ALIGN double out_l[HWY_MAX_BYTES / sizeof(double)];
    HWY_ALIGN double out_g[HWY_MAX_BYTES / sizeof(double)];
    for (std::size_t j = 0; i + j < n; ++j) in[j] = eps[i + j];
    const auto [l, g] = kernel(hn::Load(d, in));
    hn::Store(l, d, out_l);
    hn::Store(g, d, out_g);
    for (std::size_t j = 0; i + j < n; ++j) {
      loss[i + j] = out_l[j];
      gradient[i + j] = out_g[j];
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace learndyn::fast::ghost
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <cmath>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>

namespace learndyn::fast::ghost {

HWY_EXPORT(AnalyticLossAndGradient);

namespace {
constexpr double kPiSquaredOver4 = 2.4674011002723395;  // pi^2/4 rounded to double
}  // namespace

void validate(const DelayTask& task) {
  require(task.delay > 0 && std::isfinite(task.delay), "T", task.delay,
          "T > 0 (finite)");
  require(task.response > 0 && std::isfinite(task.response), "Tr",
          task.response, "Tr > 0 (finite)");
}

double optimal_scale(const DelayTask& task) {
  return kPiSquaredOver4 / (task.delay * task.delay);
}

double point_of_no_return(const DelayTask& task) {
  const double total = task.delay + task.response;
  return kPiSquaredOver4 / (total * total);
}

void analytic_loss_and_gradient(const DelayTask& task, const double* eps, std::size_t n,
                                double* loss, double* gradient) {
  validate(task);
  HWY_DYNAMIC_DISPATCH(AnalyticLossAndGradient)
  (task.delay, task.response, optimal_scale(task), point_of_no_return(task), eps, n, loss,
   gradient);
}

}  // namespace learndyn::fast::ghost
#endif  // HWY_ONCE
