// The checked-in golden table (tests/data/ghost_golden.ipp, generated at 100 digits by
// tests/data/generate_ghost_golden.cpp) recomputed at the working precision. A regression
// guard in the Boost.Math style: tolerance in epsilons of `real`.
#include <gtest/gtest.h>

#include <limits>

#include <learndyn/common/error_measures.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/ghost/finite_confidence.hpp>

namespace {
#include "data/ghost_golden.ipp"

using learndyn::real;
namespace rg = learndyn::reference::ghost;

// Closed forms: a few roundings of 50-digit arithmetic, plus the 60-digit printing.
const real kClosedFormTolerance = 64 * std::numeric_limits<real>::epsilon();
// Quadrature: tanh-sinh to about full precision (tol = sqrt(eps), proofs/common.md §3).
const real kQuadratureTolerance = real("1e-40");

TEST(GhostGolden, CriticalRateTable) {
  for (const auto& row : ghost_critical_rate_golden) {
    const rg::DelayTask<real> task{real(row[0]), real(row[1])};
    const real got[] = {rg::critical_rate(task, rg::Normalisation::none), rg::critical_rate(task, rg::Normalisation::delay),
                        rg::critical_rate(task, rg::Normalisation::total), rg::optimal_scale(task),
                        rg::point_of_no_return(task), rg::slope_at_optimum(task)};
    for (int i = 0; i < 6; ++i)
      EXPECT_LE(learndyn::relative_error(got[i], real(row[2 + i])), kClosedFormTolerance)
          << "T=" << row[0] << " Tr=" << row[1] << " column " << 2 + i;
  }
}

TEST(GhostGolden, FiniteConfidenceLossTable) {
  for (const auto& row : ghost_finite_loss_golden) {
    const rg::DelayTask<real> task{real(row[0]), real(row[1])};
    const rg::Readout<real> readout{real(row[3]), real(row[4])};
    const rg::LossAndGradient<real> lg = rg::finite_loss_and_gradient(real(row[2]), task, readout);
    EXPECT_LE(learndyn::relative_error(lg.loss, real(row[5])), kQuadratureTolerance) << row[2];
    EXPECT_LE(learndyn::relative_error(lg.gradient, real(row[6])), kQuadratureTolerance) << row[2];
  }
}

}  // namespace
