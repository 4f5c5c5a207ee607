// Fast analytical loss and gradient (G11, G14) against the 50-digit reference, with the
// bound of proofs/ghost.md §6.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <iomanip>
#include <limits>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/error_measures.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/fast/ghost/analytic.hpp>
#include <learndyn/reference/ghost/canonical_model.hpp>
#include <learndyn/reference/ghost/delayed_activation.hpp>
#include "support/generators.hpp"
#include "support/unit_roundoff.hpp"

namespace {
using learndyn::real;
namespace fg = learndyn::fast::ghost;
namespace rg = learndyn::reference::ghost;
using learndyn::testing::log_uniform;

using learndyn::testing::u;  // 2^-53

struct Point {
  double loss, gradient;
};

Point fast_at(const fg::DelayTask& task, double eps) {
  Point p;
  fg::analytic_loss_and_gradient(task, &eps, 1, &p.loss, &p.gradient);
  return p;
}

// Within 4u eps* of eps* or eps_nr either neighbouring branch is correct (§6).
bool near_kink(double eps, const rg::DelayTask<real>& t) {
  const real e(eps);
  const real star = rg::optimal_scale(t), nr = rg::point_of_no_return(t);
  return abs(e - star) <= 4 * u * star || abs(e - nr) <= 4 * u * nr;
}

RC_GTEST_PROP(GhostFastAnalytic, MatchesReferenceWithinTheRoundingBound, ()) {
  const double delay = *log_uniform(-4, 14);
  const double response = *log_uniform(-4, 14);
  // eps relative to eps*: log-uniform in [2^-12, 2^12), either sign, and exactly 0.
  const double ratio = *log_uniform(-12, 12);
  const int sign = *rc::gen::element(-1, 1, 1, 1, 0);
  const fg::DelayTask task{delay, response};
  const double eps = sign * ratio * fg::optimal_scale(task);
  RC_LOG() << std::setprecision(17) << "T=" << delay << " Tr=" << response << " eps=" << eps;
  const rg::DelayTask<real> rtask{real(delay), real(response)};
  RC_PRE(!near_kink(eps, rtask));
  const Point got = fast_at(task, eps);
  const real loss = rg::analytic_loss(real(eps), rtask);
  const real grad = rg::analytic_gradient(real(eps), rtask);
  const real t_star = rg::escape_time(real(eps));
  // |L^ - L| <= 4u (t* + |L|) where t* is finite; exact (T_r) in the no-learning zone.
  const real bound = isfinite(t_star) ? real(4 * u) * (t_star + abs(loss)) : real(0);
  RC_ASSERT(abs(real(got.loss) - loss) <= bound);
  RC_ASSERT(learndyn::ulp_distance(got.gradient, static_cast<double>(grad)) <= 5);
}

TEST(GhostFastAnalytic, EitherBranchAtTheKinks) {
  const fg::DelayTask task{100, 100};
  const double star = fg::optimal_scale(task);
  const double magnitude = M_PI / (4 * star * std::sqrt(star));
  const Point at = fast_at(task, star);
  EXPECT_NEAR(std::fabs(at.gradient), magnitude, 8 * u * magnitude);
  EXPECT_LT(std::fabs(at.loss), 8 * u * 100);
}

TEST(GhostFastAnalytic, TailsAndBatchSizesAgreeWithSinglePoints) {
  const fg::DelayTask task{30, 7};
  const double star = fg::optimal_scale(task);
  for (std::size_t n : {0u, 1u, 3u, 4u, 5u, 7u, 8u, 9u, 33u}) {
    std::vector<double> eps(n), loss(n), grad(n);
    for (std::size_t i = 0; i < n; ++i) eps[i] = star * (0.1 + 0.37 * i);
    fg::analytic_loss_and_gradient(task, eps.data(), n, loss.data(), grad.data());
    for (std::size_t i = 0; i < n; ++i) {
      const Point p = fast_at(task, eps[i]);
      EXPECT_EQ(loss[i], p.loss);
      EXPECT_EQ(grad[i], p.gradient);
    }
  }
}

TEST(GhostFastAnalytic, NoLearningZoneAndNonPositiveEps) {
  const fg::DelayTask task{10, 5};
  for (double eps : {0.0, -1.0, -1e-300, 1e-300, fg::point_of_no_return(task) * 0.999}) {
    const Point p = fast_at(task, eps);
    EXPECT_EQ(p.loss, 5.0) << eps;
    EXPECT_EQ(p.gradient, 0.0) << eps;
  }
}

TEST(GhostFastAnalytic, NanPropagatesAndBadTasksThrow) {
  const Point p = fast_at({10, 5}, std::nan(""));
  EXPECT_TRUE(std::isnan(p.loss));
  EXPECT_TRUE(std::isnan(p.gradient));
  double eps = 1, out1, out2;
  EXPECT_THROW(fg::analytic_loss_and_gradient({0, 5}, &eps, 1, &out1, &out2), learndyn::ArgumentError);
  EXPECT_THROW(fg::analytic_loss_and_gradient({1, -5}, &eps, 1, &out1, &out2), learndyn::ArgumentError);
  EXPECT_THROW(fg::analytic_loss_and_gradient({std::nan(""), 5}, &eps, 1, &out1, &out2),
               learndyn::ArgumentError);
}

}  // namespace
