// The definitions of overlaps.hpp's templates, included by the translation units that
// instantiate them: overlaps.cpp (double, real, real_hi) and, when the enclosures are built,
// reference/overlaps/enclosures.cpp (learndyn::interval; proofs/overlaps.md §17).
#pragma once

#include <learndyn/reference/overlaps/overlaps.hpp>

#include <cmath>
#include <limits>

#include <Eigen/Eigenvalues>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/scalar.hpp>

namespace learndyn::reference::overlaps {
namespace {

void validate_rank(int rank) { require(rank >= 1, "R", rank, "R >= 1"); }

using Pairs = std::vector<std::pair<int, int>>;

// V = Sigma_AB row-major: (z, m), (z, u_1).., (v_1, m), (v_1, u_1), ... (O6).
void append_visible(Pairs& out, int rank) {
  for (int a = 0; a <= rank; ++a)
    for (int b = rank + 1; b < vector_count(rank); ++b) out.emplace_back(a, b);
}

// (m, u_r) for r = 1..R.
void append_mu(Pairs& out, int rank) {
  for (int r = 0; r < rank; ++r) out.emplace_back(index_m(rank), index_u(rank, r));
}
// (z, v_r) for r = 1..R.
void append_zv(Pairs& out, int rank) {
  for (int r = 0; r < rank; ++r) out.emplace_back(index_z(), index_v(r));
}
// (u_r, u_s), r < s.
void append_uu_cross(Pairs& out, int rank) {
  for (int r = 0; r < rank; ++r)
    for (int s = r + 1; s < rank; ++s) out.emplace_back(index_u(rank, r), index_u(rank, s));
}
// (v_r, v_s), r < s.
void append_vv_cross(Pairs& out, int rank) {
  for (int r = 0; r < rank; ++r)
    for (int s = r + 1; s < rank; ++s) out.emplace_back(index_v(r), index_v(s));
}
void append_diagonal(Pairs& out, int a) { out.emplace_back(a, a); }
void append_uu_diagonal(Pairs& out, int rank) {
  for (int r = 0; r < rank; ++r) append_diagonal(out, index_u(rank, r));
}
void append_vv_diagonal(Pairs& out, int rank) {
  for (int r = 0; r < rank; ++r) append_diagonal(out, index_v(r));
}

template <class Real>
bool all_finite(const Matrix<Real>& m) {
  using std::abs;
  for (Eigen::Index i = 0; i < m.size(); ++i)
    if (!(abs(m.data()[i]) < std::numeric_limits<Real>::infinity())) return false;
  return true;
}

}  // namespace

template <class Real>
void validate_overlaps(const Matrix<Real>& sigma, int rank, bool require_psd) {
  validate_rank(rank);
  const long n = vector_count(rank);
  require(sigma.rows() == n && sigma.cols() == n, "Sigma", static_cast<long>(sigma.rows()),
          "a (2R+2) x (2R+2) matrix");
  require(all_finite(sigma), "Sigma", "(non-finite entry)", "finite entries");
  if constexpr (requires { Real::pi(); }) {
    // The interval scalar (C17): an enclosure of a symmetric matrix is one whose mirrored balls
    // meet (both hold the exact entry); a rounding tolerance would be undecidable once the
    // balls are as wide as it (O48).
    for (Eigen::Index a = 0; a < sigma.rows(); ++a)
      for (Eigen::Index b = a + 1; b < sigma.cols(); ++b)
        require(Real(sigma(a, b) - sigma(b, a)).contains(Real(0)), "Sigma", "(asymmetric)", "symmetric");
  } else {
    const Real scale = sigma.cwiseAbs().maxCoeff();
    const Real tol = 64 * std::numeric_limits<Real>::epsilon() * (scale > 0 ? scale : Real(1));
    require(Matrix<Real>(sigma - sigma.transpose()).cwiseAbs().maxCoeff() <= tol, "Sigma",
            "(asymmetric)", "symmetric");
  }
  if (!require_psd) return;
  const Real tol = 64 * std::numeric_limits<Real>::epsilon() * (sigma.cwiseAbs().maxCoeff() > 0 ? Real(sigma.cwiseAbs().maxCoeff()) : Real(1));
  Eigen::SelfAdjointEigenSolver<Matrix<Real>> eig(sigma, Eigen::EigenvaluesOnly);
  require(eig.eigenvalues().minCoeff() >= -tol * n, "Sigma", eig.eigenvalues().minCoeff(),
          "positive semidefinite (smallest eigenvalue >= 0)");
}

template <class Real>
Matrix<Real> gram(const Network<Real>& net) {
  const Matrix<Real> C = columns(net);
  const Real n = Real(C.rows());
  Matrix<Real> sigma(C.cols(), C.cols());
  for (Eigen::Index a = 0; a < C.cols(); ++a)
    for (Eigen::Index b = a; b < C.cols(); ++b)
      sigma(a, b) = sigma(b, a) = C.col(a).dot(C.col(b)) / n;  // (O5)
  return sigma;
}

template <class Real>
Vector<Real> flatten(const Matrix<Real>& sigma, int rank, OverlapOrdering ordering) {
  validate_overlaps(sigma, rank, false);
  const Pairs pairs = overlap_pairs(rank, ordering);
  Vector<Real> flat(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) flat(i) = sigma(pairs[i].first, pairs[i].second);
  return flat;
}

template <class Real>
Matrix<Real> unflatten(const Vector<Real>& flat, int rank, OverlapOrdering ordering) {
  const Pairs pairs = overlap_pairs(rank, ordering);
  require(flat.size() == static_cast<Eigen::Index>(pairs.size()), "overlaps",
          static_cast<long>(flat.size()), "(2R+2)(2R+3)/2 values");
  Matrix<Real> sigma(vector_count(rank), vector_count(rank));
  for (std::size_t i = 0; i < pairs.size(); ++i)
    sigma(pairs[i].first, pairs[i].second) = sigma(pairs[i].second, pairs[i].first) = flat(i);
  return sigma;
}

template <class Real>
Matrix<Real> left_block(const Matrix<Real>& sigma) {
  const Eigen::Index half = sigma.rows() / 2;
  return sigma.topLeftCorner(half, half);
}

template <class Real>
Matrix<Real> visible_block(const Matrix<Real>& sigma) {
  const Eigen::Index half = sigma.rows() / 2;
  return sigma.topRightCorner(half, half);
}

template <class Real>
Matrix<Real> right_block(const Matrix<Real>& sigma) {
  const Eigen::Index half = sigma.rows() / 2;
  return sigma.bottomRightCorner(half, half);
}

template <class Real>
Matrix<Real> sign_matrix(int rank) {
  validate_rank(rank);
  Vector<Real> d(vector_count(rank));
  for (int a = 0; a < vector_count(rank); ++a) d(a) = is_left(rank, a) ? Real(1) : Real(-1);
  return d.asDiagonal();
}

template <class Real>
Matrix<Real> latent_trajectory(const Model<Real>& model, const Network<Real>& net,
                               const Task<Real>& task, int trial) {
  validate(model);
  validate(task);
  require(network_rank(net) == model.rank, "R", network_rank(net), "the model's rank");
  require(trial >= 0 && trial < task.input.rows(), "trial", trial, "0 <= trial < B");
  const Real n = Real(neuron_count(net));
  const Eigen::Index steps = task.input.cols();
  Matrix<Real> kappa = Matrix<Real>::Zero(model.rank + 1, steps + 1);
  for (Eigen::Index k = 0; k < steps; ++k) {
    const Vector<Real> h = net.m * kappa(0, k) + net.U * kappa.col(k).tail(model.rank);  // (O7)
    Vector<Real> p(h.size());
    for (Eigen::Index i = 0; i < h.size(); ++i) p(i) = activation(model.activation, h(i));
    Vector<Real> drive(model.rank + 1);
    drive(0) = task.input(trial, k);                     // kappa_m sees the input only
    drive.tail(model.rank) = net.V.transpose() * p / n;  // kappa_r sees v_r . phi(h) / N
    kappa.col(k + 1) = (1 - model.dt) * kappa.col(k) + model.dt * drive;
  }
  return kappa;
}

template <class Real>
EffectiveNetwork<Real> effective_network(const Matrix<Real>& sigma, int rank) {
  validate_overlaps(sigma, rank, false);
  const Matrix<Real> V = visible_block(sigma);
  EffectiveNetwork<Real> eff{V, Vector<Real>::Zero(rank + 1), V.row(0).transpose()};
  eff.recurrent.row(0).setZero();  // (O8): P V, kappa_m has no recurrent input
  eff.input(0) = 1;
  return eff;
}

}  // namespace learndyn::reference::overlaps
