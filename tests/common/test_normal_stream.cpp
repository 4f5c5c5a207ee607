// The normal stream (common/normal_stream.hpp, proofs/common.md C18): its definition bit for
// bit, chunking invariance, its distance from a libm Box-Muller, and its statistics at a fixed
// key with stated false-alarm probabilities.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <learndyn/common/normal_stream.hpp>
#include <learndyn/common/random.hpp>

namespace {
namespace nd = learndyn::normal_stream_detail;

// Normals 2j, 2j+1 from the definition in scalar code: Rng(key)'s outputs 2j, 2j+1, the
// 52-bit units, r = sqrt(-2 log(1 - a)), (cos, sin) of 2 pi (b - 1/2), both from C18's formulas.
std::vector<double> by_definition(std::uint64_t key, std::size_t pairs) {
  learndyn::Rng rng(key);
  std::vector<double> z;
  for (std::size_t j = 0; j < pairs; ++j) {
    const double a = nd::unit(rng.next()), b = nd::unit(rng.next());
    const double r = std::sqrt(-2.0 * nd::log_unit(1.0 - a));
    double c = 0, s = 0;
    nd::cos_sin_turns(b - 0.5, c, s);
    z.push_back(r * c);
    z.push_back(r * s);
  }
  return z;
}

TEST(NormalStream, IsItsDefinitionBitForBitInAnyChunking) {
  // The vectorised clone this CPU runs (AVX-512, AVX2 or SSE2) against scalar code, and chunks of
  // every odd and even size (a chunk may end between the two normals of a pair).
  const std::size_t n = 20001;
  const std::vector<double> expect = by_definition(42, n / 2 + 1);
  std::vector<double> whole(n), chunked(n);
  learndyn::NormalStream one(42), many(42);
  one.fill(whole.data(), n);
  for (std::size_t done = 0, step = 1; done < n; step = step * 7 % 263 + 1) {
    const std::size_t k = std::min(step, n - done);
    many.fill(chunked.data() + done, k);
    done += k;
  }
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(whole[i], expect[i]) << i;
    ASSERT_EQ(chunked[i], expect[i]) << i;
  }
  EXPECT_EQ(one.position(), n);
  // A scale multiplies each normal once: fl(scale z).
  std::vector<double> scaled(101);
  learndyn::NormalStream(42).fill(scaled.data(), scaled.size(), 0.01);
  for (std::size_t i = 0; i < scaled.size(); ++i) EXPECT_EQ(scaled[i], 0.01 * expect[i]);
}

TEST(NormalStream, IsWithin1e14OfTheLibmBoxMuller) {
  // (C18): r <= sqrt(2 * 52 log 2) = 8.49 and the polynomial log, cos, sin are within a few
  // ulp (log: 4u relative; cos, sin: 3u absolute plus the rounding of 2 pi t, u pi/4), so
  // |z - z_libm| <= 8.49 (2u + 4u + 2u) + libm's own ulp < 1e-14.
  const std::size_t pairs = 1 << 18;
  std::vector<double> z(2 * pairs);
  learndyn::NormalStream(3).fill(z.data(), z.size());
  learndyn::Rng rng(3);
  double worst = 0;
  for (std::size_t j = 0; j < pairs; ++j) {
    const double a = nd::unit(rng.next()), b = nd::unit(rng.next());
    const double r = std::sqrt(-2.0 * std::log(1.0 - a)), t = 6.283185307179586 * (b - 0.5);
    worst = std::max({worst, std::fabs(r * std::cos(t) - z[2 * j]), std::fabs(r * std::sin(t) - z[2 * j + 1])});
  }
  EXPECT_LE(worst, 1e-14);
  // Every octant boundary of the reduction: t = q/8 exactly.
  for (int q = -4; q < 4; ++q) {
    double c = 0, s = 0;
    nd::cos_sin_turns(q / 8.0, c, s);
    EXPECT_NEAR(c, std::cos(6.283185307179586 * q / 8.0), 4e-16) << q;
    EXPECT_NEAR(s, std::sin(6.283185307179586 * q / 8.0), 4e-16) << q;
  }
  // log at the ends of its range and around the sqrt 2 switch.
  for (double v : {1.0, 0x1p-52, 0.5, 0.70710678118654757, 0.70710678118654746, 1 - 0x1p-52})
    EXPECT_NEAR(nd::log_unit(v), std::log(v), 4 * 0x1p-53 * std::fabs(std::log(v)) + 1e-300) << v;
}

TEST(NormalStream, MeanVarianceLagCorrelationAndKolmogorovSmirnovAtAFixedKey) {
  // n = 2^20 normals of key 20261206. For a true N(0,1) sample each check below fails with
  // probability at most ~2e-6: |mean| <= 5/sqrt(n) (5.7e-7, normal tail), |var - 1| <=
  // 5 sqrt(2/n) (var of the sample variance 2/n; 5.7e-7 asymptotically), lag-1 correlation
  // <= 5/sqrt(n) (5.7e-7), and sqrt(n) D_n <= 2.63 (Dvoretzky-Kiefer-Wolfowitz with Massart's
  // constant: P <= 2 exp(-2 2.63^2) = 1.9e-6). Total false-alarm probability < 5e-6.
  const std::size_t n = 1 << 20;
  std::vector<double> z(n);
  learndyn::NormalStream(20261206).fill(z.data(), n);
  double mean = 0;
  for (double x : z) mean += x;
  mean /= n;
  double var = 0, lag = 0;
  for (std::size_t i = 0; i < n; ++i) {
    var += (z[i] - mean) * (z[i] - mean);
    if (i + 1 < n) lag += (z[i] - mean) * (z[i + 1] - mean);
  }
  var /= n;
  lag /= (n - 1) * var;
  const double root = std::sqrt(static_cast<double>(n));
  EXPECT_LE(std::fabs(mean), 5 / root);
  EXPECT_LE(std::fabs(var - 1), 5 * std::sqrt(2.0) / root);
  EXPECT_LE(std::fabs(lag), 5 / root);
  std::sort(z.begin(), z.end());
  double d = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double cdf = 0.5 * std::erfc(-z[i] / std::sqrt(2.0));
    d = std::max({d, cdf - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - cdf});
  }
  EXPECT_LE(root * d, 2.63) << "D_n " << d;
}

}  // namespace
