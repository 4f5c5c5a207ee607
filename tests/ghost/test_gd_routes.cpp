// The enclosed gradient-descent runs (issue 18; proofs/ghost.md G43-G44): the golden suite's two
// 2000-epoch runs on the analytical loss by the centred (mean-value) step and by the monotone
// (endpoint) step on balls. The two routes' enclosures intersect and hold the 100-digit run
// (the golden value's certificate); a lagged gradient (step k using L'(eps_{k-1})) is caught.
#include <gtest/gtest.h>

#include <string>

#include <learndyn/common/decimal.hpp>
#include <learndyn/common/interval.hpp>
#include <learndyn/reference/ghost/enclosures.hpp>
#include <learndyn/reference/ghost/gradient_descent.hpp>
#include <learndyn/reference/ghost/gradient_descent_enclosure.hpp>

namespace gd_routes {  // named: the test target is a unity build

using learndyn::interval;
using learndyn::real_hi;
namespace rg = learndyn::reference::ghost;

bool meet(const interval& a, const interval& b) { return !(a.hi() < b.lo() || b.hi() < a.lo()); }
interval ball(const std::string& text) { return interval::from_decimal(text, "x"); }

TEST(GhostEnclosures, GradientDescentRoutesIntersect) {
  const rg::DelayTask<interval> task{interval(100), interval(100)};
  const long epochs = 2000;
  // The default suite's two runs (oracle/ghost_cases.cpp): one learning, one getting stuck.
  for (const char* eta : {"5e-10", "2e-9"}) {
    const rg::GradientDescent<interval> gd{task, rg::Normalisation::none, ball(eta)};
    const rg::DescentEnclosure centred = rg::gradient_descent_enclosure(gd, ball("2.5e-3"), epochs);
    const rg::DescentEnclosure monotone =
        rg::gradient_descent_enclosure(gd, ball("2.5e-3"), epochs, rg::DescentRoute::monotone);
    const rg::Trajectory<real_hi> hundred = rg::run_gradient_descent(
        rg::GradientDescent<real_hi>{{real_hi(100), real_hi(100)}, rg::Normalisation::none,
                                     learndyn::parse_decimal<real_hi>(eta, "eta")},
        learndyn::parse_decimal<real_hi>("2.5e-3", "eps0"), epochs);
    EXPECT_TRUE(meet(centred.eps, monotone.eps)) << eta << ": " << centred.eps << " vs " << monotone.eps;
    EXPECT_TRUE(meet(centred.loss, monotone.loss)) << eta << ": " << centred.loss << " vs " << monotone.loss;
    EXPECT_TRUE(centred.eps.contains(hundred.eps.back())) << eta << ": " << centred.eps << " vs " << hundred.eps.back();
    EXPECT_TRUE(centred.loss.contains(hundred.loss.back())) << eta << ": " << centred.loss;
    // (G43): >= 40 digits after 2000 epochs on both routes.
    EXPECT_GE(centred.eps.proved_digits(), 40) << eta << " " << centred.eps;
    EXPECT_GE(monotone.eps.proved_digits(), 40) << eta << " " << monotone.eps;
    RecordProperty(std::string("centred_digits_") + eta, centred.eps.proved_digits());
    RecordProperty(std::string("monotone_digits_") + eta, monotone.eps.proved_digits());

    // The lagged gradient, eps_{k+1} = eps_k - eta L'(eps_{k-1}), at 100 digits (on balls it
    // would widen as the plain step does, G43): outside both enclosures.
    const rg::DelayTask<real_hi> task_hi{real_hi(100), real_hi(100)};
    const real_hi rate = learndyn::parse_decimal<real_hi>(eta, "eta");
    real_hi lagged = learndyn::parse_decimal<real_hi>("2.5e-3", "eps0");
    real_hi previous_gradient = rg::analytic_gradient(lagged, task_hi);
    for (long k = 0; k < epochs; ++k) {
      const real_hi next = lagged - rate * previous_gradient;
      previous_gradient = rg::analytic_gradient(lagged, task_hi);
      lagged = next;
    }
    EXPECT_FALSE(centred.eps.contains(lagged)) << eta << ": lagged " << lagged << " vs " << centred.eps;
    EXPECT_FALSE(monotone.eps.contains(lagged)) << eta << ": lagged " << lagged << " vs " << monotone.eps;
  }
}

}  // namespace gd_routes
