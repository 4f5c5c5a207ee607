#include <learndyn/experiments/ntk/fixed_points.hpp>

#include <algorithm>
#include <cmath>

#include <Eigen/Dense>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/progress.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/experiments/ntk/memory_pro.hpp>

namespace learndyn::experiments::ntk {
namespace {

using Matrix = Eigen::MatrixXd;
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The recurrent block weight_hh of an rnn_rate model (one gate): n x n row-major at n * n_in.
Eigen::Map<RowMatrix> recurrent_weights(fn::Model& m) {
  const int n = m.shape.hidden;
  return {m.theta.data() + static_cast<std::ptrdiff_t>(n) * m.shape.inputs, n, n};
}

void require_rate_model(const fn::Model& m) {
  require(m.shape.kind == fn::ModelKind::rnn_rate, "model", fn::model_kind_name(m.shape.kind),
          "rnn (rnn_rate): the fixed-point construction is for the leaky tanh RNN (X13)");
  const int n = m.shape.hidden;
  const std::size_t biases = static_cast<std::size_t>(n) * (m.shape.inputs + n);
  for (std::size_t k = biases; k < m.theta.size(); ++k)
    require(m.theta[k] == 0, "bias", m.theta[k], "0: the points are fixed under zero biases (X13)");
}

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

}  // namespace

const char* fixed_point_rule_name(FixedPointRule rule) {
  return rule == FixedPointRule::simultaneous ? "simultaneous" : "sequential";
}

FixedPointRule parse_fixed_point_rule(const std::string& name) {
  if (name == "simultaneous") return FixedPointRule::simultaneous;
  if (name == "sequential") return FixedPointRule::sequential;
  throw ArgumentError("rule", "'" + name + "'", "simultaneous or sequential");
}

std::vector<double> fixed_point_targets(int hidden, int count, std::uint64_t seed) {
  Rng rng(seed ^ 0x5EED0F1C5ED9017ull);
  std::vector<double> d(static_cast<std::size_t>(hidden) * count);
  for (double& x : d) x = rng.normal();
  return d;
}

void add_fixed_points(fn::Model& model, const std::vector<double>& points, FixedPointRule rule) {
  require_rate_model(model);
  const int n = model.shape.hidden;
  require(!points.empty() && points.size() % n == 0, "fixed-points", points.size(), "k n values, k >= 1");
  const int k = static_cast<int>(points.size() / n);
  require(k <= n, "fixed-points", k, "at most n points (X13: S of full column rank)");
  const Eigen::Map<const RowMatrix> d_rows(points.data(), k, n);
  const Matrix d = d_rows.transpose();          // n x k, column j = d_j
  const Matrix s = d.array().tanh().matrix();  // S
  Eigen::Map<RowMatrix> w = recurrent_weights(model);
  if (rule == FixedPointRule::sequential) {
    // (X14) kpflow's rank-one step per point, in turn.
    for (int j = 0; j < k; ++j) {
      const Eigen::VectorXd sj = s.col(j);
      const double s2 = sj.squaredNorm();
      const Eigen::VectorXd ws = w * sj;
      w.noalias() += (d.col(j) - ws) * sj.transpose() / s2;  // W (I - s s^T/|s|^2) + d s^T/|s|^2
    }
    return;
  }
  // (X13) W' = W - (W Q) Q^T + D R^{-1} Q^T with S = Q R (thin Householder QR).
  const Eigen::HouseholderQR<Matrix> qr(s);
  const Matrix q = qr.householderQ() * Matrix::Identity(n, k);
  const Matrix r = qr.matrixQR().topLeftCorner(k, k).triangularView<Eigen::Upper>();
  const double rmax = r.diagonal().cwiseAbs().maxCoeff();
  require(r.diagonal().cwiseAbs().minCoeff() > 1e-10 * rmax, "fixed-points", k,
          "targets whose tanh's are linearly independent (X13)");
  const Matrix dr = r.triangularView<Eigen::Upper>().solve<Eigen::OnTheRight>(d);  // D R^{-1}
  const Matrix wq = w * q;
  w.noalias() += (dr - wq) * q.transpose();
}

double fixed_point_residual(const fn::Model& model, const std::vector<double>& point) {
  require_rate_model(model);
  fn::Inputs in;
  in.batch = 1;
  in.steps = 1;
  in.x.assign(static_cast<std::size_t>(model.shape.inputs), 0.0);
  in.h0 = point;
  const std::vector<double> next = fn::forward(model, in);
  double r = 0;
  for (std::size_t i = 0; i < point.size(); ++i) r = std::max(r, std::fabs(next[i] - point[i]));
  return r / max_abs(point);
}

double fixed_point_spectral_radius(const fn::Model& model, const std::vector<double>& point) {
  require_rate_model(model);
  fn::Model copy = model;
  const Eigen::Map<RowMatrix> w = recurrent_weights(copy);
  const int n = model.shape.hidden;
  Matrix j = model.alpha * w;
  for (int i = 0; i < n; ++i) {
    const double t = std::tanh(point[i]);
    j.col(i) *= 1 - t * t;
  }
  j.diagonal().array() += 1 - model.alpha;
  const Eigen::EigenSolver<Matrix> es(j, false);
  return es.eigenvalues().cwiseAbs().maxCoeff();
}

void validate(const FixedPointDynamicsConfig& c) {
  require(c.hidden >= 2 && c.hidden <= 1024, "hidden", c.hidden, "2..1024");
  require(c.count >= 1 && c.count <= c.hidden, "fixed-points", c.count, "1..n");
  require(c.trials >= 1 && c.trials <= 1000, "trials", c.trials, "1..1000");
  require(c.steps >= 1 && c.steps <= 100000, "steps", c.steps, "1..100000");
  require(static_cast<double>(c.trials) * (c.steps + 1) * c.hidden <= 5e7, "trials", c.trials,
          "trials x (steps + 1) x n <= 5e7 states");
  require(!c.gains.empty() && c.gains.size() <= 100, "gains", c.gains.size(), "1..100 gains");
  for (double g : c.gains) require(g > 0 && g <= 100 && std::isfinite(g), "gains", g, "each 0 < g <= 100");
  require(c.alpha > 0 && c.alpha <= 1, "alpha", c.alpha, "0 < alpha <= 1");
}

FixedPointDynamicsResult run_fixed_point_dynamics(const FixedPointDynamicsConfig& c) {
  validate(c);
  FixedPointDynamicsResult out;
  out.trajectories.columns = {"gain", "trial", "t", "key", "pc1", "pc2"};
  out.trajectories.integer_columns = {"trial", "t", "key"};
  out.points.columns = {"gain", "key", "point", "pc1", "pc2"};
  out.points.integer_columns = {"key", "point"};
  out.per_gain.columns = {"gain", "max_residual", "min_radius", "max_radius", "attracting", "at_added", "distinct_ends",
                          "end_norm"};
  out.per_gain.integer_columns = {"attracting", "distinct_ends"};
  const int n = c.hidden, T = c.steps, B = c.trials;
  const std::vector<double> targets = fixed_point_targets(n, c.count, c.seed);
  // The added points and their negatives (X13: both fixed).
  std::vector<std::vector<double>> points;
  for (int j = 0; j < c.count; ++j) {
    std::vector<double> p(targets.begin() + static_cast<std::ptrdiff_t>(j) * n,
                          targets.begin() + static_cast<std::ptrdiff_t>(j + 1) * n);
    points.push_back(p);
    for (double& x : p) x = -x;
    points.push_back(p);
  }
  fn::Inputs in;
  in.batch = B;
  in.steps = T;
  in.x.assign(static_cast<std::size_t>(B) * T * 3, 0.0);
  in.h0.resize(static_cast<std::size_t>(B) * n);
  Rng rng(c.seed * 7919 + 101);
  for (double& x : in.h0) x = rng.normal();
  Progress progress("ntk fixed-points", "gain", static_cast<double>(c.gains.size()));
  for (std::size_t gi = 0; gi < c.gains.size(); ++gi) {
    progress.update(static_cast<double>(gi));
    const double g = c.gains[gi];
    fn::Model m = xavier_model(fn::ModelKind::rnn_rate, n, 3, c.alpha, g, c.seed);
    add_fixed_points(m, targets, c.rule);
    double residual = 0, rmin = 1e300, rmax = 0;
    int attracting = 0;
    for (const auto& p : points) residual = std::max(residual, fixed_point_residual(m, p));
    for (int j = 0; j < c.count; ++j) {  // J at -d equals J at d (tanh' is even)
      const double rho = fixed_point_spectral_radius(m, points[2 * j]);
      rmin = std::min(rmin, rho);
      rmax = std::max(rmax, rho);
      attracting += rho < 1 ? 2 : 0;
    }
    const std::vector<double> states = fn::forward(m, in);
    // All states of the gain, h_0 included: rows (b, t), t = 0..T.
    Matrix all(static_cast<Eigen::Index>(B) * (T + 1), n);
    for (int b = 0; b < B; ++b)
      for (int t = 0; t <= T; ++t)
        for (int i = 0; i < n; ++i)
          all(static_cast<Eigen::Index>(b) * (T + 1) + t, i) =
              t == 0 ? in.h0[static_cast<std::size_t>(b) * n + i]
                     : states[(static_cast<std::size_t>(b) * T + t - 1) * n + i];
    const Eigen::RowVectorXd mean = all.colwise().mean();
    const Matrix centred = all.rowwise() - mean;
    const Eigen::SelfAdjointEigenSolver<Matrix> es(centred.transpose() * centred);
    Matrix pcs(n, 2);
    for (int k = 0; k < 2; ++k) {
      Eigen::VectorXd v = es.eigenvectors().col(n - 1 - k);
      Eigen::Index at = 0;
      v.cwiseAbs().maxCoeff(&at);
      if (v(at) < 0) v = -v;  // a sign fixed by the data: the same bytes every run
      pcs.col(k) = v;
    }
    const Matrix projected = centred * pcs;
    for (int b = 0; b < B; ++b)
      for (int t = 0; t <= T; ++t) {
        const Eigen::Index row = static_cast<Eigen::Index>(b) * (T + 1) + t;
        out.trajectories.add_row({g, double(b), double(t), double(gi * 10000 + b), projected(row, 0), projected(row, 1)});
      }
    for (std::size_t j = 0; j < points.size(); ++j) {
      const Eigen::Map<const Eigen::RowVectorXd> p(points[j].data(), n);
      const Eigen::RowVectorXd pp = (p - mean) * pcs;
      out.points.add_row({g, double(gi), double(j), pp(0), pp(1)});
    }
    // End states: at an added point (relative distance < 0.05), and how many distinct ones.
    int at_added = 0;
    std::vector<Eigen::VectorXd> ends;
    double end_norm = 0;
    for (int b = 0; b < B; ++b) {
      const Eigen::VectorXd h = all.row(static_cast<Eigen::Index>(b) * (T + 1) + T).transpose();
      end_norm += h.norm() / std::sqrt(double(n)) / B;
      bool near = false;
      for (const auto& p : points) {
        const Eigen::Map<const Eigen::VectorXd> pv(p.data(), n);
        near = near || (h - pv).norm() < 0.05 * pv.norm();
      }
      at_added += near ? 1 : 0;
      bool seen = false;
      for (const auto& e : ends) seen = seen || (h - e).norm() < 0.05 * std::sqrt(double(n));
      if (!seen) ends.push_back(h);
    }
    out.per_gain.add_row({g, residual, rmin, rmax, double(attracting), double(at_added) / B, double(ends.size()), end_norm});
  }
  return out;
}

}  // namespace learndyn::experiments::ntk
