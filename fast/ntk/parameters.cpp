#include <learndyn/fast/ntk/parameters.hpp>

#include <Eigen/Core>

#include <learndyn/common/argument_error.hpp>

namespace learndyn::fast::ntk {
namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstStridedMap = Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>>;
using ConstRowMap = Eigen::Map<const RowMatrix>;


// Offsets of the four tensors in theta.
struct ThetaLayout {
  std::ptrdiff_t ih, hh, b_ih, b_hh;
  explicit ThetaLayout(const Shape& s) {
    const std::ptrdiff_t rows = static_cast<std::ptrdiff_t>(gate_count(s)) * s.hidden;
    ih = 0;
    hh = rows * s.inputs;
    b_ih = hh + rows * s.hidden;
    b_hh = b_ih + rows;
  }
};

// Columns [first, first + count) of a site variable V (rows (t, b), d columns).
ConstStridedMap columns(const Site& site, std::ptrdiff_t rows, int first, int count) {
  return ConstStridedMap(site.v.data() + first, rows, count, Eigen::OuterStride<>(site.d));
}

void require_state(const Ntk& ntk, const Shape& shape) {
  require(ntk.linearization().hidden == shape.hidden, "shape", shape.hidden,
          "the hidden size the operator was built with");
}

}  // namespace

SiteBlock site_block(const Shape& s, int k) {
  const int n = s.hidden;
  if (s.kind != ModelKind::gru || k <= 1) return {k * n, 0, n, s.bias, s.bias};  // [h or tanh h; x; 1]
  if (k == 2) return {2 * n, -1, 0, s.bias, false};                              // GRU n-gate [x; 1]
  return {2 * n, 0, -1, false, s.bias};                                          // GRU n-gate [h; 1]
}

std::vector<double> apply_g(const Ntk& ntk, const Shape& s, const std::vector<double>& v) {
  require_state(ntk, s);
  require(v.size() == static_cast<std::size_t>(parameter_count(s)), "direction", static_cast<long>(v.size()),
          std::to_string(parameter_count(s)) + " values (the theta layout)");
  const Linearization& lin = ntk.linearization();
  const int n = s.hidden;
  const std::ptrdiff_t rows = static_cast<std::ptrdiff_t>(lin.batch) * lin.steps;
  const ThetaLayout at(s);
  RowMatrix forcing = RowMatrix::Zero(rows, n);  // rows (t, b)
  for (std::size_t k = 0; k < lin.sites.size(); ++k) {
    const Site& site = lin.sites[k];
    const SiteBlock blk = site_block(s, static_cast<int>(k));
    RowMatrix a = RowMatrix::Zero(rows, n);  // V_k Theta_k^T: the site's pre-gain products
    if (blk.h_col >= 0)
      a.noalias() += columns(site, rows, blk.h_col, n) * ConstRowMap(v.data() + at.hh + blk.row0 * n, n, n).transpose();
    if (blk.x_col >= 0)
      a.noalias() += columns(site, rows, blk.x_col, s.inputs) *
                     ConstRowMap(v.data() + at.ih + blk.row0 * s.inputs, n, s.inputs).transpose();
    for (int i = 0; i < n; ++i) {
      const double bias = (blk.b_ih ? v[at.b_ih + blk.row0 + i] : 0.0) + (blk.b_hh ? v[at.b_hh + blk.row0 + i] : 0.0);
      if (bias != 0.0) a.col(i).array() += bias;
    }
    forcing.array() += Eigen::Map<const RowMatrix>(site.gain.data(), rows, n).array() * a.array();
  }
  std::vector<double> out(static_cast<std::size_t>(rows) * n);
  for (int t = 0; t < lin.steps; ++t)
    for (int b = 0; b < lin.batch; ++b)
      for (int i = 0; i < n; ++i)
        out[(static_cast<std::size_t>(b) * lin.steps + t) * n + i] = forcing(static_cast<std::ptrdiff_t>(t) * lin.batch + b, i);
  return out;
}

std::vector<double> apply_g_adjoint(const Ntk& ntk, const Shape& s, const double* q) {
  require_state(ntk, s);
  const Linearization& lin = ntk.linearization();
  const int n = s.hidden;
  const std::ptrdiff_t rows = static_cast<std::ptrdiff_t>(lin.batch) * lin.steps;
  const ThetaLayout at(s);
  std::vector<double> grad(static_cast<std::size_t>(parameter_count(s)), 0.0);
  RowMatrix w(rows, n);
  for (std::size_t k = 0; k < lin.sites.size(); ++k) {
    const Site& site = lin.sites[k];
    const SiteBlock blk = site_block(s, static_cast<int>(k));
    for (int t = 0; t < lin.steps; ++t)  // w = gain_k (.) q in rows (t, b): B_k^* q (N11)
      for (int b = 0; b < lin.batch; ++b) {
        const std::ptrdiff_t r = static_cast<std::ptrdiff_t>(t) * lin.batch + b;
        const double* qs = q + (static_cast<std::ptrdiff_t>(b) * lin.steps + t) * n;
        for (int i = 0; i < n; ++i) w(r, i) = site.gain[r * n + i] * qs[i];
      }
    if (blk.h_col >= 0) {  // d/dW_hh rows: sum_s w_s h_s^T
      const RowMatrix g = w.transpose() * columns(site, rows, blk.h_col, n);
      Eigen::Map<RowMatrix>(grad.data() + at.hh + blk.row0 * n, n, n) += g;
    }
    if (blk.x_col >= 0) {
      const RowMatrix g = w.transpose() * columns(site, rows, blk.x_col, s.inputs);
      Eigen::Map<RowMatrix>(grad.data() + at.ih + blk.row0 * s.inputs, n, s.inputs) += g;
    }
    if (blk.b_ih || blk.b_hh) {
      const Eigen::VectorXd sum = w.colwise().sum().transpose();  // each bias: sum_s w_s
      for (int i = 0; i < n; ++i) {
        if (blk.b_ih) grad[at.b_ih + blk.row0 + i] += sum(i);
        if (blk.b_hh) grad[at.b_hh + blk.row0 + i] += sum(i);
      }
    }
  }
  return grad;
}

std::vector<double> apply_fisher(const Ntk& ntk, const Shape& s, const std::vector<double>& v) {
  const std::vector<double> forcing = apply_g(ntk, s, v);
  std::vector<double> state(forcing.size()), back(forcing.size());
  ntk.apply_p(forcing.data(), state.data(), 1);       // P G v: the state response dh (N5)
  ntk.apply_p_adjoint(state.data(), back.data(), 1);  // P* P G v (N7)
  return apply_g_adjoint(ntk, s, back.data());        // G^T P* P G v (N10)
}

}  // namespace learndyn::fast::ntk
