#include <learndyn/fast/overlaps/overlap_ode.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/fast/overlaps/impulse_sweep.hpp>

namespace learndyn::fast::overlaps {
namespace {

constexpr double kHalfPi = 1.5707963267948966;     // pi/2 in g(Delta) (OF12)
constexpr double kQuarterPi = 0.78539816339744831;  // -g'(Delta)/g^3 = pi/4

// The latent recursion and its adjoint for one rank: kR = 1, 2 unrolled, 0 any rank. All
// per-step storage lives in the solver's buffers (no allocation per call). Both sweeps are
// latency-bound chains of O(R^2) operations per step; they are written so that the chain
// carries as few dependent operations as possible (the step matrix A = (1-dt) I + dt M is formed
// once for linear phi; the gain's sqrt and division run side by side).
struct Buffers {
  std::vector<double> kappa;  // (k = 0..T) x (R+1) of the current trial
  std::vector<double> gain;   // g_k, k < T
  std::vector<double> eps;    // e_k = dL/dy_k of the current trial
  std::vector<double> x, s;   // V (row-major (R+1)^2) and Sigma_BB (row-major)
  std::vector<double> a;      // A = (1-dt) I + dt [0; M] (row-major), linear phi
  std::vector<double> y;      // outputs of the current trial
};

// g(Delta) = 1/sqrt(q), q = 1 + (pi/2) Delta, as sqrt(q) * (1/q): the square root and the
// division do not wait for each other (three roundings: relative error <= 3.5 u).
inline double gain_of(double delta) {
  const double q = 1 + kHalfPi * delta;
  return std::sqrt(q) * (1 / q);
}

// Local (register) storage: R+1 values for the unrolled ranks, kMaxLocal for the rest.
constexpr int kMaxLocal = kMaxOverlapRank + 1;
template <int kR>
constexpr int kCap = kR > 0 ? kR + 1 : kMaxLocal;

// kappa_{k+1} = (1-dt) kappa_k + dt(x_k e_0 + g_k M kappa_k), y_k after/before (OF12).
// Writes kappa_0..kappa_T, g_k and y_k of trial b; returns the weighted squared error. kappa
// stays in locals along the chain (a store and reload would add store-forwarding latency to
// every step) and is copied out for the adjoint.
template <int kR>
double forward_trial(const Model& model, const Task& task, Eigen::Index b, Buffers& w,
                     double* y) {
  constexpr int kC = kCap<kR>;
  const int R = kR > 0 ? kR : model.rank, n = R + 1;
  const int T = static_cast<int>(task.input.cols());
  const double dt = model.dt, rho = 1 - dt;
  const bool erf = model.activation == Activation::erf;
  const bool after = model.readout == Readout::after_update;
  double X[kC * kC], S[kC * kC], A[kC * kC], kk[kC], kn[kC];
  for (int i = 0; i < n * n; ++i) {
    X[i] = w.x[i];
    S[i] = w.s[i];
    A[i] = w.a[i];
  }
  for (int j = 0; j < n; ++j) kk[j] = 0;
  double* kap = w.kappa.data();
  std::fill(kap, kap + n, 0.0);
  double loss = 0;
  for (int k = 0; k < T; ++k) {
    kn[0] = rho * kk[0] + dt * task.input(b, k);
    double g = 1;
    if (erf) {
      double delta = 0;  // Delta = kappa^T Sigma_BB kappa
      for (int i = 0; i < n; ++i) {
        double row = 0;
        for (int j = 0; j < n; ++j) row += S[i * n + j] * kk[j];
        delta += kk[i] * row;
      }
      g = gain_of(delta);
      const double dtg = dt * g;
      for (int r = 1; r < n; ++r) {
        double drive = 0;
        for (int j = 0; j < n; ++j) drive += X[r * n + j] * kk[j];
        kn[r] = rho * kk[r] + dtg * drive;
      }
    } else {
      for (int r = 1; r < n; ++r) {
        double acc = 0;
        for (int j = 0; j < n; ++j) acc += A[r * n + j] * kk[j];
        kn[r] = acc;
      }
    }
    w.gain[k] = g;
    double yk = 0;
    const double* ky = after ? kn : kk;
    for (int j = 0; j < n; ++j) yk += X[j] * ky[j];  // z_eff . kappa
    if (!after) yk *= g;
    y[k] = yk;
    const double r = yk - task.target(b, k);
    loss += task.weight(b, k) * r * r;
    w.eps[k] = 2 * task.weight(b, k) * r;
    for (int j = 0; j < n; ++j) {
      kk[j] = kn[j];
      kap[(k + 1) * n + j] = kn[j];
    }
  }
  return loss;
}

// The adjoint p_k = dL/dkappa_k backwards (OF13), accumulating F = dL/dV and H (OF14) in
// locals (added to F, H once per trial).
template <int kR>
void adjoint_trial(const Model& model, Buffers& w, int T, double* F_out, double* H_out) {
  constexpr int kC = kCap<kR>;
  const int R = kR > 0 ? kR : model.rank, n = R + 1;
  const double dt = model.dt, rho = 1 - dt;
  const bool erf = model.activation == Activation::erf;
  const bool after = model.readout == Readout::after_update;
  double X[kC * kC], S[kC * kC], A[kC * kC], F[kC * kC], H[kC * kC], p[kC], pn[kC];
  for (int i = 0; i < n * n; ++i) {
    X[i] = w.x[i];
    S[i] = w.s[i];
    A[i] = w.a[i];
    F[i] = 0;
    H[i] = 0;
  }
  const double* kap = w.kappa.data();
  const double* eps = w.eps.data();
  for (int j = 0; j < n; ++j) p[j] = after ? eps[T - 1] * X[j] : 0.0;  // p_T
  for (int k = T - 1; k >= 0; --k) {
    const double* kk = kap + k * n;
    const double g = w.gain[k], ek = eps[k];
    // Readout row of F: after, y_k = z_eff.kappa_{k+1}; before, y_k = g z_eff.kappa_k.
    const double* ky = after ? kk + n : kk;
    const double cy = after ? ek : ek * g;
    for (int j = 0; j < n; ++j) F[j] += cy * ky[j];
    // Rows v_r of F: dt g p_r kappa_k^T.
    const double dtg = dt * g;
    for (int r = 1; r < n; ++r) {
      const double c = dtg * p[r];
      for (int j = 0; j < n; ++j) F[r * n + j] += c * kk[j];
    }
    // The source of p_k: e_{k-1} z_eff (after, k >= 1) or e_k g z_eff (before).
    const double src = after ? (k > 0 ? eps[k - 1] : 0.0) : ek * g;
    if (!erf) {
      // p_k = A^T p_{k+1} + src z_eff (g = 1).
      for (int j = 0; j < n; ++j) {
        double acc = src * X[j];
        for (int r = 0; r < n; ++r) acc += A[r * n + j] * p[r];
        pn[j] = acc;
      }
    } else {
      // p_k = (1-dt) p_{k+1} + dt g M^T p_{k+1} + src z_eff + 2 dL/dDelta Sigma_BB kappa_k.
      double dl_dg = 0;  // dL/dg_k: the output's share (before) here, the drive's below
      if (!after) {
        double zk = 0;
        for (int j = 0; j < n; ++j) zk += X[j] * kk[j];
        dl_dg = ek * zk;
      }
      for (int r = 1; r < n; ++r) {
        double drive = 0;
        for (int j = 0; j < n; ++j) drive += X[r * n + j] * kk[j];
        dl_dg += dt * p[r] * drive;
      }
      const double two_d = 2 * (-kQuarterPi * g * g * g * dl_dg);  // g'(Delta) = -(pi/4) g^3
      for (int j = 0; j < n; ++j) {
        double mt = 0, row = 0;
        for (int r = 1; r < n; ++r) mt += X[r * n + j] * p[r];
        for (int i = 0; i < n; ++i) row += S[j * n + i] * kk[i];
        pn[j] = rho * p[j] + dtg * mt + src * X[j] + two_d * row;
        for (int i = 0; i < n; ++i) H[j * n + i] += two_d * kk[j] * kk[i];
      }
    }
    for (int j = 0; j < n; ++j) p[j] = pn[j];
  }
  for (int i = 0; i < n * n; ++i) {
    F_out[i] += F[i];
    H_out[i] += H[i];
  }
}

}  // namespace

void validate_overlaps(const Eigen::MatrixXd& sigma, int rank) {
  const Eigen::Index n = 2 * rank + 2;
  if (sigma.rows() != n || sigma.cols() != n)  // the message's strings only on failure (per epoch)
    require(false, "sigma", std::to_string(sigma.rows()) + " x " + std::to_string(sigma.cols()),
            std::to_string(n) + " x " + std::to_string(n) + " (2R+2 vectors)");
  require(sigma.allFinite(), "sigma", "a non-finite entry", "finite entries");
  const double scale = sigma.cwiseAbs().maxCoeff();
  require((sigma - sigma.transpose()).cwiseAbs().maxCoeff() <= 64 * 0x1p-52 * scale, "sigma",
          "an asymmetric matrix", "a symmetric matrix");
}

Eigen::MatrixXd gradient_matrix(const OverlapGradient& grad) {
  const Eigen::Index h = grad.F.rows();
  Eigen::MatrixXd G = Eigen::MatrixXd::Zero(2 * h, 2 * h);
  G.topRightCorner(h, h) = grad.F;
  G.bottomLeftCorner(h, h) = grad.F.transpose();
  G.bottomRightCorner(h, h) = grad.H;
  return G;
}

struct OverlapSolver::Impl {
  Model model;
  Task task;
  Buffers w;
  Eigen::MatrixXd y, G, K, tmp, k1, k2, k3, k4, stage;
  std::vector<double> F, H;
  std::optional<ImpulseSweep> impulse;  // linear, after-update, impulse inputs (OF30)

  Impl(const Model& m, const Task& t, OverlapMethod method) : model(m), task(t) {
    validate(model);
    require(model.rank <= kMaxOverlapRank, "rank", model.rank,
            "rank <= " + std::to_string(kMaxOverlapRank) + " (fast overlap ODE)");
    validate(task);
    const int n = model.rank + 1, T = static_cast<int>(task.input.cols());
    w.kappa.assign(static_cast<std::size_t>((T + 1) * n), 0.0);
    w.gain.assign(static_cast<std::size_t>(T), 1.0);
    w.eps.assign(static_cast<std::size_t>(T), 0.0);
    w.x.assign(static_cast<std::size_t>(n * n), 0.0);
    w.s.assign(static_cast<std::size_t>(n * n), 0.0);
    w.a.assign(static_cast<std::size_t>(n * n), 0.0);
    w.y.assign(static_cast<std::size_t>(T), 0.0);
    F.assign(static_cast<std::size_t>(n * n), 0.0);
    H.assign(static_cast<std::size_t>(n * n), 0.0);
    y.resize(task.input.rows(), T);
    if (method == OverlapMethod::automatic && impulse_sweep_applies(model, task))
      impulse.emplace(model, task);
  }

  // V and Sigma_BB from Sigma (canonical order: A = 0..R, B = R+1..2R+1).
  void load(const Eigen::MatrixXd& sigma) {
    validate_overlaps(sigma, model.rank);
    const int n = model.rank + 1;
    const double dt = model.dt;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        w.x[i * n + j] = sigma(i, n + j);
        w.s[i * n + j] = sigma(n + i, n + j);
        // A = (1-dt) I + dt [0; M]: the linear step kappa' = A kappa + dt x e_0.
        w.a[i * n + j] = (i == j ? 1 - dt : 0.0) + (i > 0 ? dt * w.x[i * n + j] : 0.0);
      }
  }

  template <int kR>
  double run(bool with_gradient) {
    const int T = static_cast<int>(task.input.cols());
    double loss = 0;
    if (with_gradient) {
      std::fill(F.begin(), F.end(), 0.0);
      std::fill(H.begin(), H.end(), 0.0);
    }
    for (Eigen::Index b = 0; b < task.input.rows(); ++b) {
      loss += forward_trial<kR>(model, task, b, w, w.y.data());
      for (int k = 0; k < T; ++k) y(b, k) = w.y[k];
      if (with_gradient) adjoint_trial<kR>(model, w, T, F.data(), H.data());
    }
    return loss;
  }

  double evaluate(const Eigen::MatrixXd& sigma, bool with_gradient, bool with_outputs = false) {
    load(sigma);
    if (impulse) {
      if (with_gradient) {
        std::fill(F.begin(), F.end(), 0.0);
        std::fill(H.begin(), H.end(), 0.0);
      }
      return impulse->run(w.x.data(), with_outputs ? &y : nullptr, with_gradient ? F.data() : nullptr);
    }
    if (model.rank == 1) return run<1>(with_gradient);
    if (model.rank == 2) return run<2>(with_gradient);
    return run<0>(with_gradient);
  }

  // G of (OF14) from F and H.
  void assemble_g() {
    const int n = model.rank + 1;
    G.setZero(2 * n, 2 * n);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        G(i, n + j) = G(n + j, i) = F[i * n + j];
        G(n + i, n + j) = H[i * n + j];
      }
  }

  // -lr (G Sigma + Sigma G) at Sigma, into `out`.
  double rate(const Eigen::MatrixXd& sigma, double lr, Eigen::MatrixXd& out) {
    const double loss = evaluate(sigma, true);
    assemble_g();
    tmp.noalias() = G * sigma;
    out = -lr * (tmp + tmp.transpose());  // Sigma G = (G Sigma)^T: the rate is exactly symmetric
    return loss;
  }
};

OverlapSolver::OverlapSolver(const Model& model, const Task& task, OverlapMethod method)
    : impl_(std::make_unique<Impl>(model, task, method)) {}
bool OverlapSolver::uses_impulse_sweep() const { return impl_->impulse.has_value(); }
OverlapSolver::~OverlapSolver() = default;
OverlapSolver::OverlapSolver(OverlapSolver&&) noexcept = default;
OverlapSolver& OverlapSolver::operator=(OverlapSolver&&) noexcept = default;

Eigen::MatrixXd OverlapSolver::outputs(const Eigen::MatrixXd& sigma) {
  impl_->evaluate(sigma, false, true);
  return impl_->y;
}

double OverlapSolver::loss(const Eigen::MatrixXd& sigma) { return impl_->evaluate(sigma, false); }

double OverlapSolver::gradient(const Eigen::MatrixXd& sigma, Eigen::MatrixXd& G) {
  const double loss = impl_->evaluate(sigma, true);
  impl_->assemble_g();
  G = impl_->G;
  return loss;
}

OverlapGradient OverlapSolver::blocks(const Eigen::MatrixXd& sigma) {
  OverlapGradient out;
  out.loss = impl_->evaluate(sigma, true);
  const int n = impl_->model.rank + 1;
  out.F = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      impl_->F.data(), n, n);
  out.H = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      impl_->H.data(), n, n);
  return out;
}

double OverlapSolver::epoch(double lr, Stepper stepper, Eigen::MatrixXd& sigma) {
  require(lr >= 0 && std::isfinite(lr), "lr", lr, "lr >= 0 (finite)");
  Impl& m = *impl_;
  if (stepper == Stepper::exact_map) {
    // Sigma' = K Sigma K, K = I - lr G (OF15): C' = C K for every N.
    const double loss = m.evaluate(sigma, true);
    m.assemble_g();
    m.K = -lr * m.G;
    m.K.diagonal().array() += 1.0;
    m.tmp.noalias() = m.K * sigma;
    sigma.noalias() = m.tmp * m.K;
    m.tmp = sigma.transpose();
    sigma = 0.5 * (sigma + m.tmp);  // symmetric to the last bit
    return loss;
  }
  if (stepper == Stepper::euler) {
    const double loss = m.rate(sigma, lr, m.k1);
    sigma += m.k1;
    return loss;
  }
  // RK4 with h = 1 epoch.
  const double loss = m.rate(sigma, lr, m.k1);
  m.stage = sigma + 0.5 * m.k1;
  m.rate(m.stage, lr, m.k2);
  m.stage = sigma + 0.5 * m.k2;
  m.rate(m.stage, lr, m.k3);
  m.stage = sigma + m.k3;
  m.rate(m.stage, lr, m.k4);
  sigma += (m.k1 + 2 * m.k2 + 2 * m.k3 + m.k4) / 6;
  return loss;
}

Eigen::MatrixXd overlap_outputs(const Model& model, const Eigen::MatrixXd& sigma, const Task& task) {
  return OverlapSolver(model, task).outputs(sigma);
}

double overlap_loss(const Model& model, const Eigen::MatrixXd& sigma, const Task& task) {
  return OverlapSolver(model, task).loss(sigma);
}

OverlapGradient overlap_gradient(const Model& model, const Eigen::MatrixXd& sigma,
                                 const Task& task) {
  return OverlapSolver(model, task).blocks(sigma);
}

double overlap_epoch(const Model& model, const Task& task, double lr, Stepper stepper,
                     Eigen::MatrixXd& sigma) {
  return OverlapSolver(model, task).epoch(lr, stepper, sigma);
}

}  // namespace learndyn::fast::overlaps
