#include <learndyn/fast/overlaps/filter_closed_form.hpp>

#include <cmath>

#include <learndyn/common/argument_error.hpp>

namespace learndyn::fast::overlaps {
namespace {

// S(r) = sum_{k<T} r^k and S1(r) = sum_{k<T} k r^(k-1) = S'(r) (OF17).
struct GeometricSums {
  double s, s1;
};

GeometricSums geometric_sums(double r, int steps) {
  const double one_minus = 1 - r;
  if (std::fabs(one_minus) < 1.0 / 64) {  // (OF18): term by term near r = 1
    GeometricSums g{0, 0};
    double power = 1, previous = 0;  // r^k, r^(k-1)
    for (int k = 0; k < steps; ++k) {
      g.s += power;
      g.s1 += k * previous;
      previous = power;
      power *= r;
    }
    return g;
  }
  const double rt1 = std::pow(r, steps - 1), rt = rt1 * r;  // r^(T-1), r^T
  return {(1 - rt) / one_minus,
          (1 - steps * rt1 + (steps - 1) * rt) / (one_minus * one_minus)};
}

void validate(const FilterSettings& t, double zm, double zu, double vm, double vu) {
  require(t.dt > 0 && t.dt <= 1, "dt", t.dt, "0 < dt <= 1");
  require(t.steps >= 1, "steps", t.steps, "steps >= 1");
  require(std::isfinite(t.decay), "decay", t.decay, "finite");
  require(std::isfinite(t.amplitude), "amplitude", t.amplitude, "finite");
  require(std::isfinite(zm) && std::isfinite(zu) && std::isfinite(vm) && std::isfinite(vu),
          "overlaps", "a non-finite value", "finite overlaps");
}

// Term-by-term evaluation of (OF16) through kappa: y_k = zm rho^k + zu vm dt D_k with the
// divided difference D_k = sum_{j<k} mu^j rho^(k-1-j) (no division by sigma_vu).
FilterLoss direct_sums(const FilterSettings& t, double zm, double zu, double vm, double vu) {
  const double dt = t.dt, rho = 1 - dt, mu = 1 - dt * (1 - vu);
  const double q = t.steps == 1 ? 1.0 : std::exp(-t.decay * dt * t.steps / (t.steps - 1));
  FilterLoss out;
  // kappa_u(k+1) = dt vm D_k obeys D_{k+1} = mu D_k + rho^k; dD_k/dmu = E_k obeys
  // E_{k+1} = mu E_k + D_k.
  double rk = 1, qk = 1, d = 0, e = 0, dl_dd_sum = 0, dl_de_sum = 0;
  for (int k = 0; k < t.steps; ++k) {
    const double y = zm * rk + zu * vm * dt * d;
    const double res = y - t.amplitude * qk;
    out.loss += dt * res * res;
    out.d_zm += 2 * dt * res * rk;
    dl_dd_sum += 2 * dt * res * d;
    dl_de_sum += 2 * dt * res * e;
    const double d_next = mu * d + rk;
    e = mu * e + d;
    d = d_next;
    rk *= rho;
    qk *= q;
  }
  out.d_zu = vm * dt * dl_dd_sum;
  out.d_vm = zu * dt * dl_dd_sum;
  out.d_vu = zu * vm * dt * dl_de_sum * dt;  // dmu/dvu = dt
  return out;
}

}  // namespace

FilterLoss filter_loss_closed_form(const FilterSettings& t, double zm, double zu, double vm,
                                   double vu) {
  validate(t, zm, zu, vm, vu);
  const double dt = t.dt, rho = 1 - dt, mu = 1 - dt * (1 - vu), a = t.amplitude;
  const double q = t.steps == 1 ? 1.0 : std::exp(-t.decay * dt * t.steps / (t.steps - 1));
  const double ratios[] = {rho * rho, mu * mu, rho * mu, rho * q, mu * q};
  bool conditioned = std::fabs(vu) >= 1.0 / 16;
  for (double r : ratios) conditioned = conditioned && std::fabs(1 - r) >= 1.0 / 64;
  if (!conditioned) return direct_sums(t, zm, zu, vm, vu);

  const int T = t.steps;
  const GeometricSums rr = geometric_sums(rho * rho, T), mm = geometric_sums(mu * mu, T);
  const GeometricSums qq = geometric_sums(q * q, T), rm = geometric_sums(rho * mu, T);
  const GeometricSums rq = geometric_sums(rho * q, T), mq = geometric_sums(mu * q, T);
  const double a2 = zu * vm / vu, a1 = zm - a2;  // y_k = A1 rho^k + A2 mu^k (OF16)
  FilterLoss out;
  out.loss = dt * (a1 * a1 * rr.s + a2 * a2 * mm.s + a * a * qq.s + 2 * a1 * a2 * rm.s -
                   2 * a * a1 * rq.s - 2 * a * a2 * mq.s);
  // (OF18a): near the zero-loss manifold the six terms cancel; the residual sums do not.
  const double magnitude = dt * (std::fabs(a1 * a1 * rr.s) + std::fabs(a2 * a2 * mm.s) + a * a * qq.s +
                                 2 * std::fabs(a1 * a2 * rm.s) + 2 * std::fabs(a * a1 * rq.s) +
                                 2 * std::fabs(a * a2 * mq.s));
  if (out.loss < magnitude / 64) return direct_sums(t, zm, zu, vm, vu);
  // (OF17): dL/dA1, dL/dA2 at fixed mu, and dL/dmu at fixed A1, A2.
  const double l_a1 = 2 * dt * (a1 * rr.s + a2 * rm.s - a * rq.s);
  const double l_a2 = 2 * dt * (a1 * rm.s + a2 * mm.s - a * mq.s);
  const double l_mu = 2 * dt * a2 * (a1 * rho * rm.s1 + a2 * mu * mm.s1 - a * q * mq.s1);
  const double l_split = l_a2 - l_a1;  // moving weight from A1 to A2 at fixed sigma_zm
  out.d_zm = l_a1;
  out.d_zu = vm / vu * l_split;
  out.d_vm = zu / vu * l_split;
  out.d_vu = -a2 / vu * l_split + dt * l_mu;
  return out;
}

Eigen::MatrixXd filter_gradient_matrix(const FilterLoss& l) {
  // Canonical order z, v, m, u: F = [[d_zm, d_zu], [d_vm, d_vu]], H = 0 (OF14).
  Eigen::MatrixXd G = Eigen::MatrixXd::Zero(4, 4);
  G(0, 2) = G(2, 0) = l.d_zm;
  G(0, 3) = G(3, 0) = l.d_zu;
  G(1, 2) = G(2, 1) = l.d_vm;
  G(1, 3) = G(3, 1) = l.d_vu;
  return G;
}

namespace {
FilterLoss at(const FilterSettings& t, const Eigen::MatrixXd& s) {
  return filter_loss_closed_form(t, s(0, 2), s(0, 3), s(1, 2), s(1, 3));
}
Eigen::MatrixXd rate(const FilterSettings& t, double lr, const Eigen::MatrixXd& s, double* loss) {
  const FilterLoss l = at(t, s);
  if (loss) *loss = l.loss;
  const Eigen::MatrixXd gs = filter_gradient_matrix(l) * s;
  return -lr * (gs + gs.transpose());
}
}  // namespace

double filter_epoch_closed_form(const FilterSettings& t, double lr, Stepper stepper,
                                Eigen::MatrixXd& sigma) {
  validate_overlaps(sigma, 1);
  require(lr >= 0 && std::isfinite(lr), "lr", lr, "lr >= 0 (finite)");
  double loss = 0;
  if (stepper == Stepper::exact_map) {
    const FilterLoss l = at(t, sigma);
    Eigen::MatrixXd k = -lr * filter_gradient_matrix(l);
    k.diagonal().array() += 1.0;
    const Eigen::MatrixXd next = k * sigma * k;
    sigma = 0.5 * (next + next.transpose());
    return l.loss;
  }
  const Eigen::MatrixXd k1 = rate(t, lr, sigma, &loss);
  if (stepper == Stepper::euler) {
    sigma += k1;
    return loss;
  }
  const Eigen::MatrixXd k2 = rate(t, lr, sigma + 0.5 * k1, nullptr);
  const Eigen::MatrixXd k3 = rate(t, lr, sigma + 0.5 * k2, nullptr);
  const Eigen::MatrixXd k4 = rate(t, lr, sigma + k3, nullptr);
  sigma += (k1 + 2 * k2 + 2 * k3 + k4) / 6;
  return loss;
}

}  // namespace learndyn::fast::overlaps
