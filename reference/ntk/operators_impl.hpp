// The definitions of operators.hpp's templates, included by the translation units that
// instantiate them: operators.cpp (double, real, real_hi) and, when the enclosures are built,
// reference/ntk/enclosures.cpp (learndyn::interval; proofs/ntk.md N59).
#pragma once

#include <learndyn/reference/ntk/operators.hpp>

#include <algorithm>
#include <cmath>

#include <Eigen/Eigenvalues>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/scalar.hpp>

namespace learndyn::reference::ntk {
namespace {

template <class Real>
Eigen::Index rows_of(const Linearization<Real>& lin) {
  return Eigen::Index(lin.batch) * lin.steps;
}

template <class Real>
void require_state(const Linearization<Real>& lin, const Vector<Real>& q) {
  require(q.size() == rows_of(lin) * lin.hidden, "q", static_cast<long>(q.size()),
          "a state vector of length B T n");
}

// Row s = (b,t) of a state vector.
template <class Real>
Vector<Real> row(const Vector<Real>& q, Eigen::Index s, int n) {
  return q.segment(s * n, n);
}

// J_s x and J_s^T x for the step s = (b,t) (N17).
template <class Real>
Vector<Real> jacobian_times(const Linearization<Real>& lin, Eigen::Index s, const Vector<Real>& x) {
  const Vector<Real> scaled = lin.right.row(s).transpose().cwiseProduct(x);
  Vector<Real> y = lin.c.row(s).transpose().cwiseProduct(x);
  for (std::size_t j = 0; j < lin.w.size(); ++j)
    y += lin.left[j].row(s).transpose().cwiseProduct(lin.w[j] * scaled);
  return y;
}
template <class Real>
Vector<Real> jacobian_transpose_times(const Linearization<Real>& lin, Eigen::Index s,
                                      const Vector<Real>& x) {
  Vector<Real> sum = Vector<Real>::Zero(x.size());
  for (std::size_t j = 0; j < lin.w.size(); ++j)
    sum += lin.w[j].transpose() * lin.left[j].row(s).transpose().cwiseProduct(x);
  return Vector<Real>(lin.c.row(s).transpose().cwiseProduct(x) +
                      lin.right.row(s).transpose().cwiseProduct(sum));
}

// The state vector as a (BT) x n matrix of rows (b,t), and back.
template <class Real>
Matrix<Real> as_rows(const Vector<Real>& q, Eigen::Index rows, int n) {
  Matrix<Real> m(rows, n);
  for (Eigen::Index s = 0; s < rows; ++s) m.row(s) = q.segment(s * n, n).transpose();
  return m;
}
template <class Real>
Vector<Real> as_vector(const Matrix<Real>& m) {
  Vector<Real> q(m.size());
  for (Eigen::Index s = 0; s < m.rows(); ++s) q.segment(s * m.cols(), m.cols()) = m.row(s).transpose();
  return q;
}

// Key of the kept axes of (b,t,i) and the sizes (N22).
struct Reduction {
  int batch, steps, hidden;
  Axes keep;
  Eigen::Index kept_size() const {
    return Eigen::Index(keep.batch ? batch : 1) * (keep.time ? steps : 1) * (keep.hidden ? hidden : 1);
  }
  Eigen::Index reduced_size() const {
    return Eigen::Index(batch) * steps * hidden / kept_size();
  }
  Eigen::Index key(Eigen::Index x) const {
    const Eigen::Index i = x % hidden, t = (x / hidden) % steps, b = x / (Eigen::Index(hidden) * steps);
    Eigen::Index k = 0;
    if (keep.batch) k = b;
    if (keep.time) k = k * steps + t;
    if (keep.hidden) k = k * hidden + i;
    return k;
  }
};

}  // namespace

template <class Real>
Vector<Real> apply_s(const Linearization<Real>& lin, const Vector<Real>& q) {
  require_state(lin, q);
  const int n = lin.hidden;
  Vector<Real> out = Vector<Real>::Zero(q.size());
  for (int b = 0; b < lin.batch; ++b)
    for (int t = 1; t < lin.steps; ++t) {
      const Eigen::Index s = Eigen::Index(b) * lin.steps + t;
      out.segment(s * n, n) = jacobian_times(lin, s, row(q, s - 1, n));  // (N2)
    }
  return out;
}

template <class Real>
Vector<Real> apply_s_adjoint(const Linearization<Real>& lin, const Vector<Real>& q) {
  require_state(lin, q);
  const int n = lin.hidden;
  Vector<Real> out = Vector<Real>::Zero(q.size());
  for (int b = 0; b < lin.batch; ++b)
    for (int t = 0; t + 1 < lin.steps; ++t) {
      const Eigen::Index s = Eigen::Index(b) * lin.steps + t;
      out.segment(s * n, n) = jacobian_transpose_times(lin, s + 1, row(q, s + 1, n));  // (N6): J_{t+1}
    }
  return out;
}

template <class Real>
Vector<Real> apply_p(const Linearization<Real>& lin, const Vector<Real>& q) {
  require_state(lin, q);
  const int n = lin.hidden;
  Vector<Real> r = q;
  for (int b = 0; b < lin.batch; ++b)
    for (int t = 1; t < lin.steps; ++t) {  // (N5) r_t = q_t + J_t r_{t-1}
      const Eigen::Index s = Eigen::Index(b) * lin.steps + t;
      r.segment(s * n, n) += jacobian_times(lin, s, row(r, s - 1, n));
    }
  return r;
}

template <class Real>
Vector<Real> apply_p_adjoint(const Linearization<Real>& lin, const Vector<Real>& q) {
  require_state(lin, q);
  const int n = lin.hidden;
  Vector<Real> r = q;
  for (int b = 0; b < lin.batch; ++b)
    for (int t = lin.steps - 2; t >= 0; --t) {  // (N7) r_t = q_t + J_{t+1}^T r_{t+1}
      const Eigen::Index s = Eigen::Index(b) * lin.steps + t;
      r.segment(s * n, n) += jacobian_transpose_times(lin, s + 1, row(r, s + 1, n));
    }
  return r;
}

template <class Real>
Vector<Real> apply_k(const Linearization<Real>& lin, const Vector<Real>& q) {
  require_state(lin, q);
  const Matrix<Real> qm = as_rows(q, rows_of(lin), lin.hidden);
  Matrix<Real> out = Matrix<Real>::Zero(qm.rows(), qm.cols());
  for (const Site<Real>& site : lin.sites) {
    const Matrix<Real> scaled = site.gain.cwiseProduct(qm);
    const Matrix<Real> projected = site.v.transpose() * scaled;  // V^T (B* q)
    out += site.gain.cwiseProduct(site.v * projected);           // B V (.)   (N12')
  }
  return as_vector(out);
}

template <class Real>
Vector<Real> apply_core(const Linearization<Real>& lin, const Vector<Real>& q) {
  require_state(lin, q);
  const Matrix<Real> qm = as_rows(q, rows_of(lin), lin.hidden);
  const Matrix<Real> projected = lin.joint.transpose() * qm;
  return as_vector(Matrix<Real>(lin.joint * projected));
}

template <class Real>
Vector<Real> apply_ntk(const Linearization<Real>& lin, const Vector<Real>& q) {
  return apply_p(lin, apply_k(lin, apply_p_adjoint(lin, q)));  // (N9)
}

template <class Real>
Vector<Real> apply_fisher(const Linearization<Real>& lin, const Matrix<Real>& g, const Vector<Real>& v) {
  require(g.rows() == rows_of(lin) * lin.hidden && g.cols() == v.size(), "G", "shape",
          "N x p with p = v.size()");
  const Vector<Real> state = apply_p(lin, Vector<Real>(g * v));
  return g.transpose() * apply_p_adjoint(lin, state);  // (N10)
}

template <class Real>
Matrix<Real> dense(const Operator<Real>& op, Eigen::Index size) {
  Matrix<Real> a(size, size);
  Vector<Real> e = Vector<Real>::Zero(size);
  for (Eigen::Index j = 0; j < size; ++j) {
    e(j) = 1;
    a.col(j) = op(e);
    e(j) = 0;
  }
  return a;
}

template <class Real>
Matrix<Real> reduce_dense(const Matrix<Real>& phi, int batch, int steps, int hidden, Axes keep) {
  const Reduction red{batch, steps, hidden, keep};
  require(phi.rows() == Eigen::Index(batch) * steps * hidden && phi.cols() == phi.rows(), "phi",
          "shape", "N x N with N = B T n");
  Matrix<Real> out = Matrix<Real>::Zero(red.kept_size(), red.kept_size());
  for (Eigen::Index x = 0; x < phi.rows(); ++x)
    for (Eigen::Index y = 0; y < phi.cols(); ++y) out(red.key(x), red.key(y)) += phi(x, y);
  return out / Real(red.reduced_size());
}

template <class Real>
Matrix<Real> reduce_operator(const Operator<Real>& phi, int batch, int steps, int hidden, Axes keep) {
  const Reduction red{batch, steps, hidden, keep};
  const Eigen::Index size = Eigen::Index(batch) * steps * hidden;
  Matrix<Real> out = Matrix<Real>::Zero(red.kept_size(), red.kept_size());
  for (Eigen::Index j = 0; j < red.kept_size(); ++j) {
    Vector<Real> broadcast = Vector<Real>::Zero(size);  // E e_j
    for (Eigen::Index x = 0; x < size; ++x)
      if (red.key(x) == j) broadcast(x) = 1;
    const Vector<Real> image = phi(broadcast);
    for (Eigen::Index x = 0; x < size; ++x) out(red.key(x), j) += image(x);  // E^T
  }
  return out / Real(red.reduced_size());
}

template <class Real>
ExactMetrics<Real> trace_metrics(const Matrix<Real>& a) {
  using std::sqrt;
  require(a.rows() == a.cols() && a.rows() > 0, "A", "shape", "square, non-empty");
  ExactMetrics<Real> m;
  m.trace = a.trace();
  const Real frob2 = a.squaredNorm();
  m.frobenius = sqrt(frob2);
  m.participation_ratio = m.trace * m.trace / frob2;                              // (N25)
  m.participation_ratio_aastar = frob2 * frob2 / Matrix<Real>(a * a.transpose()).squaredNorm();
  return m;
}

template <class Real>
ExactMetrics<Real> exact_metrics(const Matrix<Real>& a) {
  ExactMetrics<Real> m = trace_metrics(a);
  const Matrix<Real> sym = (a + a.transpose()) / 2;
  Eigen::SelfAdjointEigenSolver<Matrix<Real>> solver(sym, Eigen::EigenvaluesOnly);
  const Vector<Real>& ev = solver.eigenvalues();
  for (Eigen::Index k = ev.size() - 1; k >= 0; --k) m.eigenvalues.push_back(ev(k));
  return m;
}

template <class Real>
Real operator_cosine(const Matrix<Real>& a, const Matrix<Real>& b) {
  using std::sqrt;
  return a.cwiseProduct(b).sum() / sqrt(a.squaredNorm() * b.squaredNorm());
}

template <class Real>
Real core_trace(const Linearization<Real>& lin) {
  Real sum = 0;
  for (const Site<Real>& site : lin.sites)  // (N21) sum_k sum_{s,i} g^2 ||v_s||^2
    sum += (site.gain.array().square().rowwise().sum() * site.v.array().square().rowwise().sum()).sum();
  return sum;
}

template <class Real>
Real core_frobenius_squared(const Linearization<Real>& lin) {
  const Eigen::Index rows = rows_of(lin);
  std::vector<Matrix<Real>> grams;
  for (const Site<Real>& site : lin.sites) grams.push_back(site.v * site.v.transpose());
  Real sum = 0;
  for (Eigen::Index s = 0; s < rows; ++s)
    for (Eigen::Index s2 = 0; s2 < rows; ++s2)
      for (int i = 0; i < lin.hidden; ++i) {
        Real entry = 0;  // K[(s,i),(s2,i)] of (N12'); entries with i != i2 vanish
        for (std::size_t k = 0; k < lin.sites.size(); ++k)
          entry += lin.sites[k].gain(s, i) * grams[k](s, s2) * lin.sites[k].gain(s2, i);
        sum += entry * entry;
      }
  return sum;
}

}  // namespace learndyn::reference::ntk
