// Dynamical objects of the ghost-paper RNN, reference side (proofs/ghost_rnn.md §6-§8).
#include <learndyn/reference/ghost/rnn_dynamics.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <boost/multiprecision/cpp_bin_float.hpp>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/scalar.hpp>

namespace learndyn::reference::ghost {
namespace {

template <class Real>
using Matrix = RnnMatrix<Real>;
template <class Real>
using Vector = RnnVector<Real>;

template <class Real>
Real max_abs(const Vector<Real>& v) {
  return v.size() == 0 ? Real(0) : Real(v.cwiseAbs().maxCoeff());
}

template <class Real>
void require_rank(const RnnParams<Real>& params, int lo, int hi) {
  require(params.rank >= lo && params.rank <= hi, "rank", params.rank,
          lo == hi ? "rank " + std::to_string(lo) : "rank " + std::to_string(lo) + ".." + std::to_string(hi));
}

// The point's flow, Jacobian and speed Hessian in the chosen space.
template <class Real>
struct Local {
  Vector<Real> f;
  Matrix<Real> J;
};

template <class Real>
Local<Real> local(const RnnParams<Real>& params, const Vector<Real>& x, SearchSpace space) {
  if (space == SearchSpace::full) return {flow(params, x), flow_jacobian(params, x)};
  return {latent_flow(params, x), latent_jacobian(params, x)};
}

template <class Real>
Real speed_in(const RnnParams<Real>& params, const Vector<Real>& x, SearchSpace space) {
  const Vector<Real> f = space == SearchSpace::full ? flow(params, x) : latent_flow(params, x);
  return f.squaredNorm() / 2;
}

template <class Real>
Matrix<Real> hessian_in(const RnnParams<Real>& params, const Vector<Real>& x, SearchSpace space) {
  return space == SearchSpace::full ? speed_hessian(params, x) : latent_speed_hessian(params, x);
}

// A zero of g in [a, b] (g(a), g(b) of opposite signs) by Newton with derivative dg, kept in
// the bracket by bisection, to full precision.
template <class Real, class G, class DG>
Real bracketed_root(Real a, Real b, G g, DG dg) {
  using std::abs;
  Real ga = g(a);
  if (ga == 0) return a;
  Real x = (a + b) / 2;
  for (int it = 0; it < 400; ++it) {
    const Real gx = g(x);
    if (gx == 0) return x;
    if ((gx > 0) == (ga > 0)) {
      a = x;
      ga = gx;
    } else {
      b = x;
    }
    const Real d = dg(x);
    Real next = d != 0 ? Real(x - gx / d) : Real((a + b) / 2);
    if (!(next > std::min(a, b) && next < std::max(a, b))) next = (a + b) / 2;
    const Real tol = 4 * std::numeric_limits<Real>::epsilon() * (1 + abs(x));
    if (abs(next - x) <= tol || abs(b - a) <= tol) return next;
    x = next;
  }
  return x;
}

// Zeros of g on a grid over [-w, w] (sign changes and exact zeros), refined.
template <class Real, class G, class DG>
std::vector<Real> grid_roots(const Real& w, int points, G g, DG dg) {
  require(points >= 3, "points", points, ">= 3");
  std::vector<Real> roots;
  Real x0 = -w, g0 = g(x0);
  for (int j = 1; j < points; ++j) {
    const Real x1 = -w + 2 * w * Real(j) / Real(points - 1);
    const Real g1 = g(x1);
    if (g0 == 0) roots.push_back(x0);
    else if ((g0 > 0) != (g1 > 0) && g1 != 0) roots.push_back(bracketed_root(x0, x1, g, dg));
    x0 = x1;
    g0 = g1;
  }
  if (g0 == 0) roots.push_back(x0);
  return roots;
}

template <class Real>
Real default_half_width(const RnnParams<Real>& params, int axis) {
  return Real(params.Nm.col(axis).template lpNorm<1>()) + 1;  // (R30)
}

// Eigenvalues in double: classification (R28) is a sign decision at a tolerance >= 1e-10
// relative, far above double's rounding, so no multiprecision eigensolver is compiled.
template <class Real>
std::vector<std::complex<double>> sorted_eigenvalues(const Matrix<Real>& J) {
  const Eigen::MatrixXd Jd = J.unaryExpr([](const Real& x) { return static_cast<double>(x); });
  Eigen::EigenSolver<Eigen::MatrixXd> solver(Jd, false);
  std::vector<std::complex<double>> out(solver.eigenvalues().data(),
                                        solver.eigenvalues().data() + Jd.rows());
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return std::abs(a) < std::abs(b); });
  return out;
}

template <class Real>
double smallest_symmetric_eigenvalue(const Matrix<Real>& H) {
  const Eigen::MatrixXd Hd = H.unaryExpr([](const Real& x) { return static_cast<double>(x); });
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(Hd, Eigen::EigenvaluesOnly);
  return solver.eigenvalues().minCoeff();
}

template <class Real>
void merge_into(std::vector<DynamicalObject<Real>>& found, DynamicalObject<Real> object) {
  for (const DynamicalObject<Real>& o : found) {
    const Real scale = 1 + max_abs<Real>(o.state);
    if (max_abs<Real>(Vector<Real>(o.state - object.state)) <= Real(1) / 1000000 * scale) return;
  }
  found.push_back(std::move(object));
}

template <class Real>
void sort_fixed_points_first(std::vector<DynamicalObject<Real>>& found) {
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return static_cast<int>(a.kind) < static_cast<int>(b.kind);
  });
}

}  // namespace

// ---- flow ----------------------------------------------------------------------------

template <class Real>
RnnVector<Real> flow(const RnnParams<Real>& params, const RnnVector<Real>& r) {
  return tanh_of<Real>(recurrent_drive(params, r) + params.b) - r;  // (R23)
}

template <class Real>
RnnMatrix<Real> flow_jacobian(const RnnParams<Real>& params, const RnnVector<Real>& r) {
  const Vector<Real> t = tanh_of<Real>(recurrent_drive(params, r) + params.b);
  const Vector<Real> d = Vector<Real>::Ones(t.size()) - t.cwiseProduct(t);
  Matrix<Real> J = d.asDiagonal() * recurrent_matrix(params);
  J.diagonal().array() -= Real(1);
  return J;
}

template <class Real>
Real speed(const RnnParams<Real>& params, const RnnVector<Real>& r) {
  return flow(params, r).squaredNorm() / 2;
}

template <class Real>
RnnVector<Real> speed_gradient(const RnnParams<Real>& params, const RnnVector<Real>& r) {
  return flow_jacobian(params, r).transpose() * flow(params, r);  // (R23)
}

template <class Real>
RnnMatrix<Real> speed_hessian(const RnnParams<Real>& params, const RnnVector<Real>& r) {
  const Matrix<Real> W = recurrent_matrix(params);
  const Vector<Real> t = tanh_of<Real>(W * r + params.b);
  const Vector<Real> f = t - r;
  const Matrix<Real> J = flow_jacobian(params, r);
  Vector<Real> c(t.size());
  for (Eigen::Index i = 0; i < c.size(); ++i) c(i) = 2 * f(i) * t(i) * (1 - t(i) * t(i));
  return J.transpose() * J - W.transpose() * c.asDiagonal() * W;  // (R24)
}

template <class Real>
RnnVector<Real> latent_flow(const RnnParams<Real>& params, const RnnVector<Real>& kappa) {
  require_rank(params, 1, neuron_count(params));
  return params.Nm.transpose() * tanh_of<Real>(params.M * kappa + params.b) - kappa;  // (R20)
}

template <class Real>
RnnMatrix<Real> latent_jacobian(const RnnParams<Real>& params, const RnnVector<Real>& kappa) {
  require_rank(params, 1, neuron_count(params));
  const Vector<Real> t = tanh_of<Real>(params.M * kappa + params.b);
  const Vector<Real> d = Vector<Real>::Ones(t.size()) - t.cwiseProduct(t);
  Matrix<Real> J = params.Nm.transpose() * d.asDiagonal() * params.M;
  J.diagonal().array() -= Real(1);
  return J;  // (R25)
}

template <class Real>
RnnMatrix<Real> latent_speed_hessian(const RnnParams<Real>& params, const RnnVector<Real>& kappa) {
  const Vector<Real> t = tanh_of<Real>(params.M * kappa + params.b);
  const Vector<Real> F = params.Nm.transpose() * t - kappa;
  const Vector<Real> NF = params.Nm * F;
  const Matrix<Real> J = latent_jacobian(params, kappa);
  Vector<Real> c(t.size());
  for (Eigen::Index i = 0; i < c.size(); ++i) c(i) = 2 * NF(i) * t(i) * (1 - t(i) * t(i));
  return J.transpose() * J - params.M.transpose() * c.asDiagonal() * params.M;  // (R25)
}

// ---- speed minima -----------------------------------------------------------------------

template <class Real>
SpeedSearchOptions<Real> default_search_options() {
  using std::pow;
  const Real eps = std::numeric_limits<Real>::epsilon();
  return {200, Real(pow(eps, Real(9) / 10)), Real(pow(eps, Real(6) / 10)),
          Real(pow(eps, Real(35) / 100)), {}};
}

template <class Real>
SpeedMinimum<Real> minimise_speed(const RnnParams<Real>& params, const RnnVector<Real>& start,
                                  SearchSpace space, const SpeedSearchOptions<Real>& options) {
  const long dim = space == SearchSpace::full ? params.b.size() : params.rank;
  require(start.size() == dim, "start", start.size(), "a point of the search space's dimension");
  const Real eps = std::numeric_limits<Real>::epsilon();
  SpeedMinimum<Real> out{start, speed_in(params, start, space), Real(0), 0, false};
  Real mu = 0;  // Levenberg damping (R26)
  for (; out.iterations < options.max_iterations; ++out.iterations) {
    const Local<Real> loc = local(params, out.point, space);
    const Vector<Real> g = loc.J.transpose() * loc.f;
    out.gradient_norm = max_abs<Real>(g);
    if (out.gradient_norm <= options.gradient_tolerance) {
      out.converged = true;
      return out;
    }
    const Matrix<Real> H = hessian_in(params, out.point, space);
    const Real scale = 1 + Real(H.cwiseAbs().maxCoeff());
    bool accepted = false;
    for (int attempt = 0; attempt < 80 && !accepted; ++attempt) {
      Matrix<Real> A = H;
      A.diagonal().array() += mu;
      const Vector<Real> step = A.partialPivLu().solve(Vector<Real>(-g));
      const Vector<Real> next = out.point + step;
      const Real q = speed_in(params, next, space);
      // Descent in q; near a speed minimum with q > 0 the decrease of q falls below q's
      // rounding long before the gradient is small, so a step that keeps q within rounding
      // and reduces the gradient is accepted too.
      bool better = q < out.speed;
      if (!better && q <= out.speed * (1 + 8 * eps)) {
        const Local<Real> at = local(params, next, space);
        better = max_abs<Real>(Vector<Real>(at.J.transpose() * at.f)) < out.gradient_norm;
      }
      if (better) {
        accepted = true;
        out.point = next;
        out.speed = q;
        mu = mu / 10 < eps * scale ? Real(0) : Real(mu / 10);
        if (max_abs<Real>(step) <= 4 * eps * (1 + max_abs<Real>(out.point))) {
          // A step at rounding level: judge convergence by the gradient where it ended.
          const Local<Real> end = local(params, out.point, space);
          out.gradient_norm = max_abs<Real>(Vector<Real>(end.J.transpose() * end.f));
          out.converged = out.gradient_norm <= 1000 * options.gradient_tolerance;
          return out;
        }
      } else {
        mu = mu == 0 ? Real(eps * scale * 16) : Real(mu * 10);
      }
    }
    if (!accepted) {  // no descent at any damping: stalled at rounding level
      out.converged = out.gradient_norm <= 1000 * options.gradient_tolerance;
      return out;
    }
  }
  const Local<Real> loc = local(params, out.point, space);
  out.gradient_norm = max_abs<Real>(Vector<Real>(loc.J.transpose() * loc.f));
  out.converged = out.gradient_norm <= options.gradient_tolerance;
  return out;
}

const char* point_kind_name(PointKind kind) {
  switch (kind) {
    case PointKind::fixed_point:
      return "fixed_point";
    case PointKind::ghost:
      return "ghost";
    case PointKind::slow_point:
      return "slow_point";
    case PointKind::saddle:
      return "speed_saddle";
    case PointKind::unconverged:
      return "unconverged";
  }
  return "unknown";
}

template <class Real>
DynamicalObject<Real> classify(const RnnParams<Real>& params, const SpeedMinimum<Real>& minimum,
                               SearchSpace space, const SpeedSearchOptions<Real>& options) {
  DynamicalObject<Real> o;
  const Local<Real> loc = local(params, minimum.point, space);
  if (space == SearchSpace::full) {
    o.state = minimum.point;
    if (params.rank >= 1) o.latent = params.Nm.transpose() * minimum.point;
  } else {
    o.latent = minimum.point;
    o.state = tanh_of<Real>(params.M * minimum.point + params.b);  // on the latent manifold (R29)
  }
  o.speed = loc.f.squaredNorm() / 2;
  o.flow_norm = max_abs<Real>(loc.f);
  o.eigenvalues = sorted_eigenvalues<Real>(loc.J);
  double max_real = -std::numeric_limits<double>::infinity();
  for (const auto& l : o.eigenvalues) max_real = std::max(max_real, l.real());
  if (!minimum.converged) return o;
  const double s = std::max(1.0, static_cast<double>(loc.J.cwiseAbs().rowwise().sum().maxCoeff()));
  const double tol = std::max(static_cast<double>(options.eigen_tolerance), 1e-10) * s;
  if (o.flow_norm <= options.flow_tolerance) {
    o.kind = PointKind::fixed_point;
    o.stable = max_real < 0;
    return o;
  }
  const Matrix<Real> H = hessian_in(params, minimum.point, space);
  const double h_scale = std::max(1.0, static_cast<double>(H.cwiseAbs().maxCoeff()));
  if (smallest_symmetric_eigenvalue<Real>(H) < -tol * h_scale) {
    o.kind = PointKind::saddle;
    return o;
  }
  bool transverse_stable = true;
  for (std::size_t i = 1; i < o.eigenvalues.size(); ++i)
    transverse_stable = transverse_stable && o.eigenvalues[i].real() < -tol;
  const bool zero_mode = std::abs(o.eigenvalues.front()) <= tol;
  o.kind = zero_mode && transverse_stable ? PointKind::ghost : PointKind::slow_point;  // (R28)
  return o;
}

template <class Real>
std::vector<DynamicalObject<Real>> find_objects(const RnnParams<Real>& params,
                                                const RnnMatrix<Real>& starts,
                                                const SpeedSearchOptions<Real>& options) {
  require(starts.rows() == params.b.size(), "starts", starts.rows(), "N rows (states)");
  std::vector<DynamicalObject<Real>> found;
  for (Eigen::Index j = 0; j < starts.cols(); ++j) {
    const SpeedMinimum<Real> m =
        minimise_speed(params, Vector<Real>(starts.col(j)), SearchSpace::full, options);
    DynamicalObject<Real> o = classify(params, m, SearchSpace::full, options);
    if (o.kind != PointKind::unconverged) merge_into(found, std::move(o));
    if (options.on_start) options.on_start(static_cast<long>(j + 1), static_cast<long>(starts.cols()));
  }
  sort_fixed_points_first(found);
  return found;
}

template <class Real>
std::vector<DynamicalObject<Real>> find_latent_objects(const RnnParams<Real>& params,
                                                       const RnnVector<Real>& half_width,
                                                       int points,
                                                       const SpeedSearchOptions<Real>& options) {
  require_rank(params, 1, 2);
  require(points >= 3 && points <= 100000, "points", points, "3..100000 per axis");
  const int K = params.rank;
  Vector<Real> w(K);
  for (int a = 0; a < K; ++a)
    w(a) = half_width.size() == K && half_width(a) > 0 ? half_width(a) : default_half_width(params, a);
  const int P = points, Q = K == 2 ? points : 1;
  const auto at = [&](int i, int j) {
    Vector<Real> x(K);
    x(0) = -w(0) + 2 * w(0) * Real(i) / Real(P - 1);
    if (K == 2) x(1) = -w(1) + 2 * w(1) * Real(j) / Real(Q - 1);
    return x;
  };
  std::vector<Real> q(static_cast<std::size_t>(P) * Q);
  for (int i = 0; i < P; ++i)
    for (int j = 0; j < Q; ++j) q[i * Q + j] = speed_in(params, at(i, j), SearchSpace::latent);
  std::vector<DynamicalObject<Real>> found;
  for (int i = 1; i + 1 < P; ++i) {
    for (int j = (K == 2 ? 1 : 0); j < (K == 2 ? Q - 1 : 1); ++j) {
      bool minimum = true;
      for (int di = -1; di <= 1 && minimum; ++di)
        for (int dj = (K == 2 ? -1 : 0); dj <= (K == 2 ? 1 : 0) && minimum; ++dj)
          if ((di || dj) && q[(i + di) * Q + j + dj] < q[i * Q + j]) minimum = false;
      if (!minimum) continue;
      const SpeedMinimum<Real> m = minimise_speed(params, at(i, j), SearchSpace::latent, options);
      DynamicalObject<Real> o = classify(params, m, SearchSpace::latent, options);
      if (o.kind != PointKind::unconverged) merge_into(found, std::move(o));
    }
  }
  sort_fixed_points_first(found);
  return found;
}

// ---- rank one ----------------------------------------------------------------------------

template <class Real>
LatentDerivatives<Real> latent_derivatives(const RnnParams<Real>& params, const Real& kappa) {
  require_rank(params, 1, 1);
  using std::tanh;
  LatentDerivatives<Real> d{-kappa, Real(-1), Real(0), Real(0)};
  for (Eigen::Index i = 0; i < params.b.size(); ++i) {
    const Real m = params.M(i, 0), n = params.Nm(i, 0);
    const Real t = tanh(m * kappa + params.b(i));
    const Real s = 1 - t * t, s1 = -2 * t * s, s2 = -2 * s * s + 4 * t * t * s;
    d.f += n * t;  // (R31)
    d.f1 += n * m * s;
    d.f2 += n * m * m * s1;
    d.f3 += n * m * m * m * s2;
  }
  return d;
}

template <class Real>
std::vector<Real> rank_one_fixed_points(const RnnParams<Real>& params, const Real& half_width,
                                        int points) {
  require_rank(params, 1, 1);
  const Real w = half_width > 0 ? half_width : default_half_width(params, 0);
  return grid_roots<Real>(
      w, points, [&](const Real& k) { return latent_derivatives(params, k).f; },
      [&](const Real& k) { return latent_derivatives(params, k).f1; });
}

template <class Real>
std::vector<CanonicalScale<Real>> rank_one_critical_points(const RnnParams<Real>& params,
                                                           const Real& half_width, int points) {
  require_rank(params, 1, 1);
  const Real w = half_width > 0 ? half_width : default_half_width(params, 0);
  const std::vector<Real> roots = grid_roots<Real>(
      w, points, [&](const Real& k) { return latent_derivatives(params, k).f1; },
      [&](const Real& k) { return latent_derivatives(params, k).f2; });
  std::vector<CanonicalScale<Real>> out;
  for (const Real& k : roots) {
    const LatentDerivatives<Real> d = latent_derivatives(params, k);
    out.push_back({k, d, d.f * d.f2 / 2});  // (R32)
  }
  return out;
}

template <class Real>
CanonicalScale<Real> canonical_scale_near(const RnnParams<Real>& params, const Real& kappa0) {
  using std::abs;
  Real k = kappa0;
  for (int it = 0; it < 200; ++it) {
    const LatentDerivatives<Real> d = latent_derivatives(params, k);
    if (d.f2 == 0) break;
    const Real step = d.f1 / d.f2;
    k -= step;
    if (abs(step) <= 8 * std::numeric_limits<Real>::epsilon() * (1 + abs(k))) {
      const LatentDerivatives<Real> e = latent_derivatives(params, k);
      return {k, e, e.f * e.f2 / 2};
    }
  }
  throw std::runtime_error("canonical_scale_near: Newton on f' did not converge");
}

template <class Real>
ScaleGradient<Real> canonical_scale_gradient(const RnnParams<Real>& params,
                                             const CanonicalScale<Real>& point) {
  require_rank(params, 1, 1);
  using std::tanh;
  const Real k = point.kappa;
  const LatentDerivatives<Real>& d = point.derivatives;
  require(d.f2 != 0, "f''", "0", "a nondegenerate critical point (f'' != 0)");
  const long n_units = params.b.size();
  ScaleGradient<Real> g{Vector<Real>(n_units), Vector<Real>(n_units), Vector<Real>(n_units)};
  // (R34): d eps = [f'' d f + f (d f'' - f''' / f'' d f')] / 2, partials from (R35).
  const auto combine = [&](const Real& df, const Real& df1, const Real& df2) {
    return (d.f2 * df + d.f * (df2 - d.f3 / d.f2 * df1)) / 2;
  };
  for (long i = 0; i < n_units; ++i) {
    const Real m = params.M(i, 0), n = params.Nm(i, 0);
    const Real t = tanh(m * k + params.b(i));
    const Real s = 1 - t * t, s1 = -2 * t * s, s2 = -2 * s * s + 4 * t * t * s;
    g.d_n(i) = combine(t, m * s, m * m * s1);
    g.d_m(i) = combine(n * k * s, n * s + n * m * k * s1, 2 * n * m * s1 + n * m * m * k * s2);
    g.d_b(i) = combine(n * s, n * m * s1, n * m * m * s2);
  }
  return g;
}

#define LEARNDYN_INSTANTIATE(Real)                                                               \
  template RnnVector<Real> flow<Real>(const RnnParams<Real>&, const RnnVector<Real>&);           \
  template RnnMatrix<Real> flow_jacobian<Real>(const RnnParams<Real>&, const RnnVector<Real>&);  \
  template Real speed<Real>(const RnnParams<Real>&, const RnnVector<Real>&);                     \
  template RnnVector<Real> speed_gradient<Real>(const RnnParams<Real>&, const RnnVector<Real>&); \
  template RnnMatrix<Real> speed_hessian<Real>(const RnnParams<Real>&, const RnnVector<Real>&);  \
  template RnnVector<Real> latent_flow<Real>(const RnnParams<Real>&, const RnnVector<Real>&);    \
  template RnnMatrix<Real> latent_jacobian<Real>(const RnnParams<Real>&, const RnnVector<Real>&); \
  template RnnMatrix<Real> latent_speed_hessian<Real>(const RnnParams<Real>&,                    \
                                                      const RnnVector<Real>&);                   \
  template SpeedSearchOptions<Real> default_search_options<Real>();                              \
  template SpeedMinimum<Real> minimise_speed<Real>(const RnnParams<Real>&,                       \
                                                   const RnnVector<Real>&, SearchSpace,          \
                                                   const SpeedSearchOptions<Real>&);             \
  template DynamicalObject<Real> classify<Real>(const RnnParams<Real>&,                          \
                                                const SpeedMinimum<Real>&, SearchSpace,          \
                                                const SpeedSearchOptions<Real>&);                \
  template std::vector<DynamicalObject<Real>> find_objects<Real>(                                \
      const RnnParams<Real>&, const RnnMatrix<Real>&, const SpeedSearchOptions<Real>&);          \
  template std::vector<DynamicalObject<Real>> find_latent_objects<Real>(                         \
      const RnnParams<Real>&, const RnnVector<Real>&, int, const SpeedSearchOptions<Real>&);     \
  template LatentDerivatives<Real> latent_derivatives<Real>(const RnnParams<Real>&, const Real&); \
  template std::vector<Real> rank_one_fixed_points<Real>(const RnnParams<Real>&, const Real&,    \
                                                         int);                                   \
  template std::vector<CanonicalScale<Real>> rank_one_critical_points<Real>(                     \
      const RnnParams<Real>&, const Real&, int);                                                 \
  template CanonicalScale<Real> canonical_scale_near<Real>(const RnnParams<Real>&, const Real&); \
  template ScaleGradient<Real> canonical_scale_gradient<Real>(const RnnParams<Real>&,            \
                                                              const CanonicalScale<Real>&);
LEARNDYN_INSTANTIATE(double)
LEARNDYN_INSTANTIATE(real)
#undef LEARNDYN_INSTANTIATE

}  // namespace learndyn::reference::ghost
