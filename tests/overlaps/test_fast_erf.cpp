// The vectorised erf (proofs/overlaps_fast.md §1, OF1-OF5) against the 50-digit Boost erf:
// the proven ulp bound (OF4) over many random points of every range, the special values,
// and the Highway exp it relies on (assumption of OF4: <= 1 ulp on [-36, 0]).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <boost/math/special_functions/erf.hpp>

#include <learndyn/common/random.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/fast/overlaps/erf.hpp>

namespace {
using learndyn::real;
namespace fo = learndyn::fast::overlaps;

// |approx - exact| in units of the last place of the exact value (its binade's spacing; the
// subnormal spacing 2^-1074 below 2^-1022).
double ulp_error(double approx, const real& exact) {
  if (exact == 0) return approx == 0 ? 0.0 : std::numeric_limits<double>::infinity();
  int e = 0;
  frexp(exact, &e);  // exact = f 2^e, f in [0.5, 1): ulp = 2^(e - 53)
  const int ulp_exponent = std::max(e - 53, -1074);
  return static_cast<double>(abs(real(approx) - exact) / ldexp(real(1), ulp_exponent));
}

struct Worst {
  double ulp = 0, at = 0;
};

Worst worst_erf_error(const std::vector<double>& xs) {
  std::vector<double> out(xs.size());
  fo::erf(xs.data(), xs.size(), out.data());
  Worst w;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double e = ulp_error(out[i], boost::math::erf(real(xs[i])));
    if (e > w.ulp) w = {e, xs[i]};
  }
  return w;
}

std::vector<double> uniform_points(double lo, double hi, int count, std::uint64_t seed) {
  learndyn::Rng rng(seed);
  std::vector<double> xs;
  for (int i = 0; i < count; ++i) xs.push_back(lo + (hi - lo) * rng.uniform());
  return xs;
}

TEST(OverlapsFastErf, WithinTheProvenUlpBoundOnEveryRange) {
  // The small range (OF1), both sides of the switch at |x| = 1, the rational range (OF2),
  // the clamp at 6 and the saturated tail (OF3); random signs via symmetric intervals.
  const struct {
    double lo, hi;
    int count;
  } ranges[] = {{-1, 1, 12000}, {0.999, 1.001, 3000}, {1, 3, 12000},
                {-6.5, -3, 6000}, {5.9, 6.1, 2000},  {6, 30, 1000}};
  std::uint64_t seed = 1;
  for (const auto& r : ranges) {
    const Worst w = worst_erf_error(uniform_points(r.lo, r.hi, r.count, seed++));
    RecordProperty("worst_ulp_" + std::to_string(seed), std::to_string(w.ulp) + " at " + std::to_string(w.at));
    EXPECT_LE(w.ulp, fo::kErfUlpBound) << "[" << r.lo << ", " << r.hi << "] worst at x = " << w.at;
  }
}

TEST(OverlapsFastErf, TinyAndSubnormalArgumentsKeepRelativeAccuracy) {
  // erf(x) = 2x/sqrt(pi) (1 - x^2/3 + ...): OF1 at its first coefficient; below 2^-1022 the
  // result is subnormal and the bound holds in absolute units of 2^-1074.
  learndyn::Rng rng(7);
  std::vector<double> xs;
  for (int i = 0; i < 4000; ++i) {
    const double mantissa = 1 + rng.uniform();
    const int exponent = -1073 + static_cast<int>(rng.uniform() * 1073);
    xs.push_back((i % 2 ? -1 : 1) * std::ldexp(mantissa, exponent));
  }
  const Worst w = worst_erf_error(xs);
  EXPECT_LE(w.ulp, fo::kErfUlpBound) << "worst at x = " << w.at;
}

TEST(OverlapsFastErf, SpecialValues) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> xs = {0.0, -0.0, inf, -inf, std::nan(""), 1.0, -1.0, 6.0, 1e300};
  std::vector<double> out(xs.size());
  fo::erf(xs.data(), xs.size(), out.data());
  EXPECT_EQ(out[0], 0.0);
  EXPECT_FALSE(std::signbit(out[0]));
  EXPECT_EQ(out[1], 0.0);
  EXPECT_TRUE(std::signbit(out[1]));
  EXPECT_EQ(out[2], 1.0);
  EXPECT_EQ(out[3], -1.0);
  EXPECT_TRUE(std::isnan(out[4]));
  EXPECT_EQ(out[5], -out[6]);  // odd symmetry is exact: |x| is computed, the sign restored
  EXPECT_EQ(out[7], 1.0);      // erfc(6) = 2.2e-17 < 2^-54: rounds to 1 (OF3)
  EXPECT_EQ(out[8], 1.0);
}

TEST(OverlapsFastErf, TailsAndInPlaceAgreeWithSinglePoints) {
  for (std::size_t n : {1u, 2u, 3u, 5u, 7u, 8u, 9u, 17u, 33u}) {
    std::vector<double> xs(n), out(n);
    for (std::size_t i = 0; i < n; ++i) xs[i] = -3.0 + 0.37 * static_cast<double>(i);
    fo::erf(xs.data(), n, out.data());
    for (std::size_t i = 0; i < n; ++i) {
      double one = 0;
      fo::erf(&xs[i], 1, &one);
      EXPECT_EQ(out[i], one);
    }
    fo::erf(xs.data(), n, xs.data());
    EXPECT_EQ(xs, out);
  }
}

TEST(OverlapsFastErf, HighwayExpWithinOneUlpOnTheRangeErfUses) {
  // OF4 takes Highway's documented bound (1 ulp) for exp(-s), s = x^2 in [0, 36]; this checks
  // it where we use it, through the same kernel the network uses for phi' (OF5).
  const std::vector<double> xs = uniform_points(-6, 6, 20000, 11);
  std::vector<double> out(xs.size()), erf_out(xs.size()), plain(xs.size());
  fo::erf_and_gaussian(xs.data(), xs.size(), erf_out.data(), out.data());
  double worst = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double s = xs[i] * xs[i];  // the kernel's own rounded square
    worst = std::max(worst, ulp_error(out[i], exp(-real(s))));
  }
  EXPECT_LE(worst, 1.0);
  // The fused kernel's erf is the plain kernel's, bit for bit.
  fo::erf(xs.data(), xs.size(), plain.data());
  EXPECT_EQ(erf_out, plain);
}

}  // namespace
