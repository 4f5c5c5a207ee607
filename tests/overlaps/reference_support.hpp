// Shared helpers of the overlap reference tests: random tasks, random overlap matrices, and
// central differences of the overlap-space loss.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include <learndyn/common/random.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/overlaps/learning.hpp>

namespace learndyn::testing::overlaps {

namespace ro = learndyn::reference::overlaps;

template <class Real>
using Matrix = ro::Matrix<Real>;
template <class Real>
using Vector = ro::Vector<Real>;

// B trials of T steps with N(0,1) inputs, N(0, 1/4) targets and U(0.5, 1.5) dt weights: every
// output enters the loss, and nothing is special (no zero input, no zero weight).
template <class Real>
ro::Task<Real> random_task(int trials, int steps, const Real& dt, std::uint64_t seed) {
  Rng rng(seed);
  ro::Task<Real> task{Matrix<Real>(trials, steps), Matrix<Real>(trials, steps),
                      Matrix<Real>(trials, steps)};
  for (int b = 0; b < trials; ++b)
    for (int k = 0; k < steps; ++k) {
      task.input(b, k) = Real(rng.normal());
      task.target(b, k) = Real(rng.normal()) / 2;
      task.weight(b, k) = dt * Real(0.5 + rng.uniform());
    }
  return task;
}

// Sigma of a random network with N = (2R+2) + extra neurons (full rank when extra >= 0),
// with off-diagonal overlaps made O(1) by mixing the iid vectors: C <- C (I + mix E), E iid
// N(0,1)/sqrt(n); plain iid vectors would give overlaps of O(N^-1/2) only.
template <class Real>
Matrix<Real> random_sigma(int rank, int extra, const Real& mix, std::uint64_t seed) {
  using std::sqrt;
  const int n = ro::vector_count(rank);
  const ro::Network<Real> net = ro::random_network<Real>(n + extra, rank, seed);
  Rng rng(seed ^ 0x5bd1e995u);
  Matrix<Real> E(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) E(i, j) = Real(rng.normal()) / sqrt(Real(n));
  const Matrix<Real> M = Matrix<Real>::Identity(n, n) + mix * E;
  const Matrix<Real> C = ro::columns(net) * M;
  return ro::gram(ro::from_columns(C, rank));
}

// Central difference of the overlap-space loss in the unique overlap (a, b) (both triangles
// move together: sigma_ab is one variable).
template <class Real>
Real central_difference(const ro::Model<Real>& model, const Matrix<Real>& sigma,
                        const ro::Task<Real>& task, int a, int b, const Real& h) {
  Matrix<Real> plus = sigma, minus = sigma;
  plus(a, b) += h;
  minus(a, b) -= h;
  if (a != b) {
    plus(b, a) += h;
    minus(b, a) -= h;
  }
  return (ro::overlap_loss(model, plus, task) - ro::overlap_loss(model, minus, task)) / (2 * h);
}

template <class Real>
Real max_abs(const Matrix<Real>& m) {
  return m.cwiseAbs().maxCoeff();
}

}  // namespace learndyn::testing::overlaps
