// The float32 operator path (proofs/ntk.md N52-N58): its NTK_S block and its Hutchinson trace
// and tr A^2 against the float64 path within the derived bounds over random models; a float32
// path with one intermediate stored at bfloat16 precision breaks the bound (so the check can
// fail); float32 results do not depend on the thread count.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "support/float32_checks.hpp"
#include "support/normal_block.hpp"
#include <learndyn/fast/ntk/estimators.hpp>
#include <learndyn/fast/ntk/operators.hpp>

namespace {
namespace fn = learndyn::fast::ntk;

struct Problem {
  fn::Model model;
  fn::Inputs inputs;
};

Problem random_problem(int kind, int n, int n_in, int batch, int steps, double alpha, double gain, bool bias,
                       int seed) {
  const fn::Shape shape{static_cast<fn::ModelKind>(kind), n, n_in, bias};
  return {fn::random_model(shape, alpha, gain, seed), fn::random_inputs(shape, batch, steps, seed + 1)};
}

// (N57) The componentwise bound of |fl32(A q) - fl64(A q)|, D the recurrent path's depth.
std::vector<double> block_bound(const fn::Ntk& ntk, const double* q, int m) {
  return learndyn::test::float32_block_bound(fn::absolute_ntk_block(ntk, q, m), fn::float32_depth(ntk.linearization()));
}



RC_GTEST_PROP(NtkFloat32, BlockWithinTheForwardErrorBoundOfFloat64, ()) {
  const int kind = *rc::gen::inRange(0, 3), n = *rc::gen::inRange(1, 9), n_in = *rc::gen::inRange(1, 5);
  const int batch = *rc::gen::inRange(1, 5), steps = *rc::gen::inRange(1, 9), m = *rc::gen::inRange(1, 6);
  const double alpha = *rc::gen::inRange(1, 5) / 4.0, gain = *rc::gen::element(0.5, 1.0, 2.0);
  const bool bias = *rc::gen::arbitrary<bool>();
  const int seed = *rc::gen::inRange(0, 1 << 20);
  const Problem p = random_problem(kind, n, n_in, batch, steps, alpha, gain, bias, seed);
  const fn::Ntk f64(p.model, p.inputs, {1});
  const fn::Ntk f32(p.model, p.inputs, {1, false, fn::Precision::float32});
  // Normal probes (not only +-1: the cast of q is one of the roundings N54 counts).
  const std::vector<double> q = learndyn::testing::normal_block(f64.dimension(), m, static_cast<std::uint64_t>(seed) + 7);
  const double worst = learndyn::test::worst_ratio(learndyn::test::ntk_block(f32, q, m), learndyn::test::ntk_block(f64, q, m),
                                                   block_bound(f64, q.data(), m));
  // How tight the bound is: the decade of the largest error / bound (RapidCheck prints the mix).
  RC_TAG(worst == 0 ? std::string("exact") : "error/bound ~ 1e" + std::to_string(int(std::floor(std::log10(worst)))));
  RC_ASSERT(worst <= 1.0);
}

// (N58) Hutchinson's trace and tr A^2 by the library estimator on the float32 operator against
// the float64 one (same probes), within the bounds propagated from N57's componentwise bound.
RC_GTEST_PROP(NtkFloat32, HutchinsonTraceAndSquareWithinTheirBounds, ()) {
  const int kind = *rc::gen::inRange(0, 3), n = *rc::gen::inRange(1, 9), n_in = *rc::gen::inRange(1, 5);
  const int batch = *rc::gen::inRange(1, 5), steps = *rc::gen::inRange(1, 9), probes = *rc::gen::inRange(1, 40);
  const double gain = *rc::gen::element(0.5, 1.0, 2.0);
  const int seed = *rc::gen::inRange(0, 1 << 20);
  const Problem p = random_problem(kind, n, n_in, batch, steps, 0.5, gain, true, seed);
  const fn::Ntk f64(p.model, p.inputs, {1});
  const fn::Ntk f32(p.model, p.inputs, {1, false, fn::Precision::float32});
  learndyn::test::hutchinson_within_bounds(f64, f32, probes, static_cast<std::uint64_t>(seed),
                                           [&](const double* in, int m) { return block_bound(f64, in, m); });
}

// The check has teeth: the same float32 operator, with the block between P* and K stored at
// bfloat16 precision (8-bit significand: a wrong-precision intermediate), leaves the bound on
// the benchmark's model family at a small size, while the float32 path stays well inside it.
TEST(NtkFloat32, AWrongPrecisionIntermediateBreaksTheBound) {
  for (int kind = 0; kind < 3; ++kind) {
    const Problem p = random_problem(kind, 6, 3, 2, 4, 0.5, 1.0, true, 11 + kind);
    const fn::Ntk f64(p.model, p.inputs, {1});
    const fn::Ntk f32(p.model, p.inputs, {1, false, fn::Precision::float32});
    const int m = 4;
    const std::vector<double> q = fn::rademacher(f64.dimension(), m, 3);
    const learndyn::test::BlockRatios r =
        learndyn::test::float32_and_bfloat16_ratios(f64, f32, q, m, block_bound(f64, q.data(), m));
    EXPECT_LE(r.float32, 0.1) << "kind " << kind;
    EXPECT_GT(r.bfloat16_middle, 1.0) << "kind " << kind;
  }
}

TEST(NtkFloat32, ThreadCountDoesNotChangeResults) {
  const Problem p = random_problem(2, 16, 3, 13, 6, 1.0, 1.0, true, 5);
  const std::vector<double> q = fn::rademacher(13 * 6 * 16, 21, 9);
  std::vector<std::vector<double>> outs;
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    const fn::Ntk f32(p.model, p.inputs, {threads, false, fn::Precision::float32});
    std::vector<double> a(q.size()), b(q.size()), c(q.size());
    f32.apply_ntk(q.data(), a.data(), 21);
    f32.apply_p(q.data(), b.data(), 21);
    f32.apply_core(q.data(), c.data(), 21);
    a.insert(a.end(), b.begin(), b.end());
    a.insert(a.end(), c.begin(), c.end());
    outs.push_back(a);
  }
  for (std::size_t t = 1; t < outs.size(); ++t) EXPECT_EQ(outs[t], outs[0]);
}

TEST(NtkFloat32, GenericKernelsWithinTheBound) {
  const Problem p = random_problem(2, 8, 3, 3, 5, 1.0, 1.0, true, 17);
  const fn::Ntk f64(p.model, p.inputs, {1});
  const fn::Ntk generic(p.model, p.inputs, {1, true, fn::Precision::float32});
  const std::vector<double> q = fn::rademacher(f64.dimension(), 5, 1);
  EXPECT_LE(learndyn::test::worst_ratio(learndyn::test::ntk_block(generic, q, 5), learndyn::test::ntk_block(f64, q, 5),
                                        block_bound(f64, q.data(), 5)),
            1.0);
  EXPECT_EQ(generic.precision(), fn::Precision::float32);
}

}  // namespace
