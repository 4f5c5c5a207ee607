#include <learndyn/fast/overlaps/impulse_sweep.hpp>

namespace learndyn::fast::overlaps {
namespace {

constexpr int S = kImpulseLanes;

// Lane-wise sums over the segments, in lane order (deterministic).
inline double lane_sum(const double* x) {
  double s = 0;
  for (int l = 0; l < S; ++l) s += x[l];
  return s;
}

}  // namespace

bool impulse_sweep_applies(const Model& model, const Task& task) {
  if (model.rank != 1 || model.activation != Activation::linear ||
      model.readout != Readout::after_update || task.input.cols() < 1)
    return false;
  return (task.input.rightCols(task.input.cols() - 1).array() == 0).all();
}

ImpulseSweep::ImpulseSweep(const Model& model, const Task& task)
    : steps_(static_cast<int>(task.input.cols())),
      segment_((steps_ + S - 1) / S),
      dt_(model.dt),
      trials_(task.input.rows()) {
  const std::size_t per_trial = static_cast<std::size_t>(segment_) * S;
  p_.assign(per_trial * trials_, 0.0);
  target_.assign(per_trial * trials_, 0.0);
  weight_.assign(per_trial * trials_, 0.0);  // padding k >= T: weight 0, so e_k = 0
  const double rho = 1 - dt_;
  for (Eigen::Index b = 0; b < trials_; ++b) {
    // P_k = kappa_m after k+1 steps: dt x_0, then (1-dt) P + dt * 0 as the recursion forms it.
    double pk = dt_ * task.input(b, 0);
    for (int k = 0; k < steps_; ++k) {
      const std::size_t at = b * per_trial + static_cast<std::size_t>(k % segment_) * S + k / segment_;
      p_[at] = pk;
      target_[at] = task.target(b, k);
      weight_[at] = task.weight(b, k);
      pk = rho * pk + dt_ * 0.0;
    }
  }
  rho_seg_.assign(S, 1.0);
  double rl = 1;  // (1-dt)^L
  for (int j = 0; j < segment_; ++j) rl *= rho;
  for (int l = 1; l < S; ++l) rho_seg_[l] = rho_seg_[l - 1] * rl;
  y_.assign(per_trial, 0.0);
}

double ImpulseSweep::run(const double* v, Eigen::MatrixXd* y, double* F) {
  const int L = segment_;
  const double dt = dt_;
  // V = [[zm, zu], [vm, vu]]; the latent step's entries as load() forms them.
  const double c0 = v[0], c1 = v[1];
  const double a = 0.0 + dt * v[2], mu = (1 - dt) + dt * v[3];
  const double ca = c1 * a;
  const std::size_t per_trial = static_cast<std::size_t>(L) * S;
  double loss = 0, sum_p = 0, sum_s = 0, sum_q = 0;
  for (Eigen::Index b = 0; b < trials_; ++b) {
    const double* P = p_.data() + b * per_trial;
    const double* t = target_.data() + b * per_trial;
    const double* w = weight_.data() + b * per_trial;
    // Segment 0 from zero (OF28): D = s_L, E = q_L, m = mu^L, dm = L mu^(L-1).
    double D = 0, E = 0, m = 1, dm = 0;
    for (int j = 0; j < L; ++j) {
      E = mu * E + D;
      D = mu * D + P[static_cast<std::size_t>(j) * S];
      dm = mu * dm + m;
      m = mu * m;
    }
    // Segment starts: segment l from zero is (1-dt)^(lL) times segment 0 (P_{lL+j} =
    // (1-dt)^(lL) P_j); the carried part is mu^L s, d(mu^L s)/dmu = dm s + mu^L q.
    alignas(64) double s[S], q[S], ls[S], ap[S], as[S], aq[S];
    s[0] = q[0] = 0;
    for (int l = 0; l + 1 < S; ++l) {
      q[l + 1] = m * q[l] + dm * s[l] + rho_seg_[l] * E;
      s[l + 1] = m * s[l] + rho_seg_[l] * D;
    }
    for (int l = 0; l < S; ++l) ls[l] = ap[l] = as[l] = aq[l] = 0;
    double* yb = y ? y_.data() : nullptr;
    for (int j = 0; j < L; ++j) {
      const std::size_t row = static_cast<std::size_t>(j) * S;
      const double *pj = P + row, *tj = t + row, *wj = w + row;
      if (F) {
        for (int l = 0; l < S; ++l) {
          const double r = (c0 * pj[l] + ca * s[l]) - tj[l];
          const double wr = wj[l] * r;
          ls[l] += wr * r;
          const double e = wr + wr;
          ap[l] += e * pj[l];
          as[l] += e * s[l];
          aq[l] += e * q[l];
          q[l] = mu * q[l] + s[l];
          s[l] = mu * s[l] + pj[l];
        }
      } else {
        for (int l = 0; l < S; ++l) {
          const double yl = c0 * pj[l] + ca * s[l];
          if (yb) yb[row + l] = yl;
          const double r = yl - tj[l];
          ls[l] += wj[l] * r * r;
          s[l] = mu * s[l] + pj[l];
        }
      }
    }
    loss += lane_sum(ls);
    if (F) {
      sum_p += lane_sum(ap);
      sum_s += lane_sum(as);
      sum_q += lane_sum(aq);
    }
    if (y)
      for (int k = 0; k < steps_; ++k)
        (*y)(b, k) = y_[static_cast<std::size_t>(k % L) * S + k / L];
  }
  if (F) {
    // y_k = zm P_k + zu a s_k: dL/dzm, dL/dzu = a sum e s; dL/dvm = dt dL/da = dt zu sum e s,
    // dL/dvu = dt dL/dmu = dt zu a sum e q (OF27).
    F[0] += sum_p;
    F[1] += a * sum_s;
    F[2] += dt * c1 * sum_s;
    F[3] += dt * ca * sum_q;
  }
  return loss;
}

}  // namespace learndyn::fast::overlaps
