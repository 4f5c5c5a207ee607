// The definitions of the ghost RNN's templates (rnn_model.hpp, rnn_bptt.hpp, rnn_tasks.hpp),
// included by the translation units that instantiate them: rnn_network.cpp (double, real,
// real_hi) and, when the enclosures are built, reference/ghost/enclosures.cpp (learndyn::interval;
// proofs/ghost_rnn.md R55).
#pragma once

// The ghost-paper rate RNN, reference side: model (R1-R8), tasks (R9-R12), exact BPTT gradient
// (R13-R16) and optimiser steps (R36). One translation unit for the three headers so that the
// 50-digit instantiations compile once (proofs/ghost_rnn.md).
#include <cmath>
#include <limits>
#include <vector>

#include <boost/multiprecision/cpp_bin_float.hpp>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/normal_stream.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/reference/ghost/rnn_bptt.hpp>
#include <learndyn/reference/ghost/rnn_model.hpp>
#include <learndyn/reference/ghost/rnn_tasks.hpp>

namespace learndyn::reference::ghost {
namespace {

template <class Real>
using Matrix = RnnMatrix<Real>;
template <class Real>
using Vector = RnnVector<Real>;

template <class Real>
Real sigmoid(const Real& z) {
  using std::exp;
  return 1 / (1 + exp(-z));
}

template <class Real>
bool finite(const Real& x) {
  return x - x == 0;  // false for NaN and +-inf, for double and the reference scalars
}

// h_k of (R2) for trial b at step k, given W r_k.
template <class Real>
Vector<Real> preactivation(const RnnParams<Real>& params, const RnnBatch<Real>& batch, int b,
                           int k, const Vector<Real>& drive) {
  Vector<Real> h = drive + params.b;
  if (params.W_in.cols() > 0) h += params.W_in * batch.input[b].col(k);
  if (!batch.noise.empty()) h += batch.noise[b].col(k);
  return h;
}

// The readout (R6)-(R8) and its derivatives (R8a) at one state rho.
template <class Real>
struct ReadoutDerivative {
  Real y;
  Vector<Real> d_rho;  // dy/drho
  Vector<Real> d_w;    // dy/dw_out (zero-sized for the latent readout)
  Real d_b_out = 0;
  Vector<Real> d_n;    // dy/dn (latent readout only: added to the first column of Nm)
  Real d_beta = 0;     // dy/dbeta (latent readout, R53)
};

template <class Real>
ReadoutDerivative<Real> readout_derivative(const RnnConfig<Real>& config,
                                           const RnnParams<Real>& params, const Vector<Real>& rho) {
  using std::tanh;
  ReadoutDerivative<Real> out;
  switch (config.readout) {
    case RnnReadout::latent: {
      const Vector<Real> n = params.Nm.col(0);
      out.y = sigmoid<Real>(config.beta * (n.dot(rho) - config.kappa_th));  // (R6)
      const Real slope = config.beta * out.y * (1 - out.y);
      out.d_rho = slope * n;
      out.d_n = slope * rho;
      out.d_beta = out.y * (1 - out.y) * (n.dot(rho) - config.kappa_th);  // (R53)
      return out;
    }
    case RnnReadout::sigmoid:
    case RnnReadout::tanh: {
      const Real z = params.w_out.dot(rho) + params.b_out;
      out.y = config.readout == RnnReadout::sigmoid ? sigmoid(z) : Real(tanh(z));  // (R7)
      const Real slope = config.readout == RnnReadout::sigmoid ? out.y * (1 - out.y)
                                                               : 1 - out.y * out.y;
      out.d_rho = slope * params.w_out;
      out.d_w = slope * rho;
      out.d_b_out = slope;
      return out;
    }
    case RnnReadout::confidence: {
      const Real s = params.w_out.template lpNorm<1>();
      const Real z = params.w_out.dot(rho) + params.b_out;
      out.y = tanh(config.confidence * z / s);  // (R8)
      const Real slope = config.confidence * (1 - out.y * out.y) / s;
      Vector<Real> sign(params.w_out.size());
      for (Eigen::Index i = 0; i < sign.size(); ++i)
        sign(i) = params.w_out(i) > 0 ? Real(1) : params.w_out(i) < 0 ? Real(-1) : Real(0);
      out.d_rho = slope * params.w_out;
      // (R8a) differentiated; (R45) projected: the norm s held fixed, the tanh readout's (R7)
      // gradient scaled by c / s.
      out.d_w = config.confidence_readout == ConfidenceReadout::differentiated ? Vector<Real>(slope * (rho - (z / s) * sign))
                                                                                : Vector<Real>(slope * rho);
      out.d_b_out = slope;
      return out;
    }
  }
  return out;
}

// Index of the state read by output k (R5).
int read_index(ReadoutTiming timing, int k) {
  return timing == ReadoutTiming::after_update ? k + 1 : k;
}

template <class Real>
RnnParams<Real> zeros_like(const RnnParams<Real>& p) {
  RnnParams<Real> z;
  z.rank = p.rank;
  z.W = Matrix<Real>::Zero(p.W.rows(), p.W.cols());
  z.M = Matrix<Real>::Zero(p.M.rows(), p.M.cols());
  z.Nm = Matrix<Real>::Zero(p.Nm.rows(), p.Nm.cols());
  z.b = Vector<Real>::Zero(p.b.size());
  z.W_in = Matrix<Real>::Zero(p.W_in.rows(), p.W_in.cols());
  z.w_out = Vector<Real>::Zero(p.w_out.size());
  z.b_out = 0;
  return z;
}

// Applies `op(param_block, other_block...)` to every block, in a fixed order.
template <class Real, class Op>
void for_each_block(RnnParams<Real>& p, const RnnParams<Real>& q, Op op) {
  op(p.W, q.W);
  op(p.M, q.M);
  op(p.Nm, q.Nm);
  op(p.b, q.b);
  op(p.W_in, q.W_in);
  op(p.w_out, q.w_out);
}

// Adds one trial's loss gradient (R13)-(R16) to `grad`; returns the trial's loss and lambda_0.
template <class Real>
Real backpropagate_trial(const RnnConfig<Real>& config, const RnnParams<Real>& params,
                         const RnnBatch<Real>& batch, int b, RnnParams<Real>& grad,
                         Vector<Real>& lambda0, Real& d_beta) {
  const int steps = static_cast<int>(batch.target.cols());
  const Real alpha = config.alpha;
  std::vector<Vector<Real>> r(steps + 1), p(steps);
  r[0] = batch.initial.col(b);
  for (int k = 0; k < steps; ++k) {
    p[k] = tanh_of<Real>(preactivation(params, batch, b, k, recurrent_drive(params, r[k])));
    r[k + 1] = (1 - alpha) * r[k] + alpha * p[k];  // (R2)
  }
  // Direct readout derivatives ell_j (R13) and the readout parameters' gradient (R16).
  std::vector<Vector<Real>> ell(steps + 1, Vector<Real>::Zero(r[0].size()));
  Real loss = 0;
  for (int k = 0; k < steps; ++k) {
    const int j = read_index(config.timing, k);
    const ReadoutDerivative<Real> d = readout_derivative(config, params, r[j]);
    const Real residual = d.y - batch.target(b, k);
    loss += batch.scale * residual * residual;
    const Real e = 2 * batch.scale * residual;  // dL/dy_k
    ell[j] += e * d.d_rho;
    if (config.readout == RnnReadout::latent) {
      grad.Nm.col(0) += e * d.d_n;
      d_beta += e * d.d_beta;
    } else {
      grad.w_out += e * d.d_w;
      grad.b_out += e * d.d_b_out;
    }
  }
  Vector<Real> lambda = ell[steps];
  for (int k = steps - 1; k >= 0; --k) {
    const Vector<Real> delta =
        alpha * (Vector<Real>::Ones(p[k].size()) - p[k].cwiseProduct(p[k])).cwiseProduct(lambda);
    Vector<Real> back;  // W^T delta_k
    if (params.rank == 0) {
      grad.W += delta * r[k].transpose();  // (R14)
      back = params.W.transpose() * delta;
    } else {
      const Vector<Real> kappa = params.Nm.transpose() * r[k];  // (R3)
      const Vector<Real> mu = params.M.transpose() * delta;
      grad.M += delta * kappa.transpose();  // (R15)
      grad.Nm += r[k] * mu.transpose();
      back = params.Nm * mu;
    }
    grad.b += delta;
    if (params.W_in.cols() > 0) grad.W_in += delta * batch.input[b].col(k).transpose();
    lambda = ((1 - alpha) * lambda + back + ell[k]).eval();  // (R13)
  }
  lambda0 = lambda;
  return loss;
}

}  // namespace

// ---- model ----------------------------------------------------------------------------

template <class Real>
void validate(const RnnConfig<Real>& config) {
  require(config.alpha > 0 && config.alpha <= 1, "alpha", config.alpha, "0 < alpha <= 1");
  require(config.beta > 0 && finite(config.beta), "beta", config.beta, "beta > 0 (finite)");
  require(finite(config.kappa_th), "kappa-th", config.kappa_th, "finite");
  require(config.confidence > 0 && finite(config.confidence), "confidence", config.confidence,
          "c > 0 (finite)");
}

template <class Real>
int neuron_count(const RnnParams<Real>& params) {
  return static_cast<int>(params.b.size());
}

template <class Real>
void validate(const RnnConfig<Real>& config, const RnnParams<Real>& params,
              const RnnBatch<Real>& batch) {
  validate(config);
  const long n = params.b.size();
  require(n >= 1, "N", n, "N >= 1");
  require(params.rank >= 0 && params.rank <= n, "rank", params.rank, "0 (full) .. N");
  if (params.rank == 0) {
    require(params.W.rows() == n && params.W.cols() == n, "W", "shape", "N x N");
  } else {
    require(params.M.rows() == n && params.M.cols() == params.rank && params.Nm.rows() == n &&
                params.Nm.cols() == params.rank,
            "M, N", "shape", "N x rank each");
  }
  require(params.W_in.rows() == n || params.W_in.cols() == 0, "W_in", "shape", "N x n_in");
  if (config.readout == RnnReadout::latent)
    require(params.rank == 1, "readout", "latent", "a rank-one network (rank 1)");
  else
    require(params.w_out.size() == n, "w_out", "size", "N");
  if (config.readout == RnnReadout::confidence)
    require(params.w_out.template lpNorm<1>() > 0, "w_out", "0", "a nonzero vector (|w|_1 > 0)");
  const long trials = batch.target.rows(), steps = batch.target.cols();
  require(trials >= 1 && steps >= 1, "batch", "empty", "B >= 1 trials of T >= 1 steps");
  require(static_cast<long>(batch.input.size()) == trials, "batch", "inputs", "one per trial");
  for (const Matrix<Real>& u : batch.input)
    require(u.rows() == params.W_in.cols() && u.cols() == steps, "batch", "input shape",
            "n_in x T per trial");
  require(batch.initial.rows() == n && batch.initial.cols() == trials, "batch", "initial",
          "N x B initial states");
  require(batch.noise.empty() || static_cast<long>(batch.noise.size()) == trials, "batch",
          "noise", "none or one N x T array per trial");
  for (const Matrix<Real>& xi : batch.noise)
    require(xi.rows() == n && xi.cols() == steps, "batch", "noise shape", "N x T per trial");
}

template <class Real>
RnnMatrix<Real> recurrent_matrix(const RnnParams<Real>& params) {
  if (params.rank == 0) return params.W;
  return params.M * params.Nm.transpose();
}

template <class Real>
RnnVector<Real> recurrent_drive(const RnnParams<Real>& params, const RnnVector<Real>& r) {
  if (params.rank == 0) return params.W * r;
  return params.M * Vector<Real>(params.Nm.transpose() * r);  // W r = M kappa (R3)
}

template <class Real>
RnnParams<Real> random_params(int neurons, int rank, int inputs, RnnInit init,
                              std::uint64_t seed) {
  require(neurons >= 1, "N", neurons, "N >= 1");
  require(rank >= 0 && rank <= neurons, "rank", rank, "0 (full) .. N");
  require(inputs >= 0, "inputs", inputs, ">= 0");
  using std::sqrt;
  Rng rng(seed);
  const double n = neurons;
  // Draws in a fixed order (W or M then Nm, b, W_in, w_out, b_out), each matrix column-major.
  const auto gaussian = [&](Eigen::Index rows, Eigen::Index cols) {
    Matrix<Real> a(rows, cols);
    for (Eigen::Index c = 0; c < cols; ++c)
      for (Eigen::Index i = 0; i < rows; ++i) a(i, c) = Real(rng.normal() / std::sqrt(n));
    return a;
  };
  const auto uniform = [&](Eigen::Index rows, Eigen::Index cols, double bound) {
    Matrix<Real> a(rows, cols);
    for (Eigen::Index c = 0; c < cols; ++c)
      for (Eigen::Index i = 0; i < rows; ++i) a(i, c) = Real(bound * (2 * rng.uniform() - 1));
    return a;
  };
  RnnParams<Real> p;
  p.rank = rank;
  const bool g = init == RnnInit::gaussian;
  if (rank == 0) {
    p.W = g ? gaussian(neurons, neurons) : uniform(neurons, neurons, std::sqrt(6.0 / (2 * n)));
  } else {
    const double bound = std::sqrt(6.0 / (n + rank));
    p.M = g ? gaussian(neurons, rank) : uniform(neurons, rank, bound);
    p.Nm = g ? gaussian(neurons, rank) : uniform(neurons, rank, bound);
  }
  p.b = g ? Vector<Real>(Vector<Real>::Zero(neurons)) : Vector<Real>(uniform(neurons, 1, 1.0));
  p.W_in = g ? gaussian(neurons, inputs) : uniform(neurons, inputs, std::sqrt(6.0 / (n + 1)));
  p.w_out = g ? Vector<Real>(gaussian(neurons, 1)) : Vector<Real>(uniform(neurons, 1, std::sqrt(6.0 / (n + 1))));
  p.b_out = g ? Real(rng.normal() / std::sqrt(n)) : Real((2 * rng.uniform() - 1) / std::sqrt(n));
  return p;
}

template <class Real>
RnnMatrix<Real> rnn_states(const RnnConfig<Real>& config, const RnnParams<Real>& params,
                           const RnnBatch<Real>& batch, int trial) {
  validate(config, params, batch);
  require(trial >= 0 && trial < batch.target.rows(), "trial", trial, "0 <= trial < B");
  const int steps = static_cast<int>(batch.target.cols());
  Matrix<Real> r(params.b.size(), steps + 1);
  r.col(0) = batch.initial.col(trial);
  for (int k = 0; k < steps; ++k) {
    const Vector<Real> rk = r.col(k);
    const Vector<Real> p = tanh_of<Real>(preactivation(params, batch, trial, k, recurrent_drive(params, rk)));
    r.col(k + 1) = (1 - config.alpha) * rk + config.alpha * p;  // (R2)
  }
  return r;
}

template <class Real>
Real readout_value(const RnnConfig<Real>& config, const RnnParams<Real>& params,
                   const RnnVector<Real>& rho) {
  return readout_derivative(config, params, rho).y;
}

template <class Real>
RnnMatrix<Real> rnn_outputs(const RnnConfig<Real>& config, const RnnParams<Real>& params,
                            const RnnBatch<Real>& batch) {
  validate(config, params, batch);
  Matrix<Real> y(batch.target.rows(), batch.target.cols());
  for (int b = 0; b < y.rows(); ++b) {
    const Matrix<Real> r = rnn_states(config, params, batch, b);
    for (int k = 0; k < y.cols(); ++k)
      y(b, k) = readout_value(config, params, Vector<Real>(r.col(read_index(config.timing, k))));
  }
  return y;
}

template <class Real>
Real rnn_loss(const RnnConfig<Real>& config, const RnnParams<Real>& params,
              const RnnBatch<Real>& batch) {
  const Matrix<Real> y = rnn_outputs(config, params, batch);
  return batch.scale * (y - batch.target).squaredNorm();  // (R9)
}

template <class Real>
RnnMatrix<Real> latent_trajectory(const RnnConfig<Real>& config, const RnnParams<Real>& params,
                                  const RnnBatch<Real>& batch, int trial) {
  validate(config, params, batch);
  require(params.rank >= 1, "rank", params.rank, "a low-rank network (rank >= 1)");
  require(trial >= 0 && trial < batch.target.rows(), "trial", trial, "0 <= trial < B");
  const int steps = static_cast<int>(batch.target.cols());
  Matrix<Real> kappa(params.rank, steps + 1);
  kappa.col(0) = params.Nm.transpose() * batch.initial.col(trial);
  for (int k = 0; k < steps; ++k) {
    const Vector<Real> kk = kappa.col(k);
    const Vector<Real> drive = params.M * kk;
    const Vector<Real> t = tanh_of<Real>(preactivation(params, batch, trial, k, drive));
    kappa.col(k + 1) = (1 - config.alpha) * kk + config.alpha * (params.Nm.transpose() * t);  // (R20)
  }
  return kappa;
}

template <class Real>
RnnMatrix<Real> states_from_latent(const RnnConfig<Real>& config, const RnnParams<Real>& params,
                                   const RnnBatch<Real>& batch, int trial,
                                   const RnnMatrix<Real>& kappa) {
  validate(config, params, batch);
  const int steps = static_cast<int>(batch.target.cols());
  require(kappa.rows() == params.rank && kappa.cols() >= steps, "kappa", "shape",
          "rank x T (or more) latent states");
  Matrix<Real> r(params.b.size(), steps + 1);
  r.col(0) = batch.initial.col(trial);
  for (int k = 0; k < steps; ++k) {
    const Vector<Real> drive = params.M * Vector<Real>(kappa.col(k));
    const Vector<Real> t = tanh_of<Real>(preactivation(params, batch, trial, k, drive));
    r.col(k + 1) = (1 - config.alpha) * Vector<Real>(r.col(k)) + config.alpha * t;  // (R22)
  }
  return r;
}

// ---- tasks ----------------------------------------------------------------------------





template <class Real>
RnnBatch<Real> make_task(RnnTaskKind kind, const RnnTaskTimings& t, LossScale scale) {
  require(t.delay >= 1, "delay", t.delay, ">= 1 step");
  require(t.response >= 1, "response", t.response, ">= 1 step");
  if (kind != RnnTaskKind::da) require(t.input >= 1, "input", t.input, ">= 1 step");
  const int steps = task_steps(kind, t);
  RnnBatch<Real> batch;
  const auto zero_input = [&](int rows) { return Matrix<Real>(Matrix<Real>::Zero(rows, steps)); };
  if (kind == RnnTaskKind::da) {
    batch.input = {zero_input(0)};
    batch.target = Matrix<Real>::Zero(1, steps);
    for (int k = t.delay; k < steps; ++k) batch.target(0, k) = 1;  // (R10)
  } else if (kind == RnnTaskKind::dcd) {
    batch.target = Matrix<Real>::Zero(2, steps);
    for (int b = 0; b < 2; ++b) {
      const Real s = b == 0 ? Real(1) : Real(-1);
      Matrix<Real> u = zero_input(1);
      for (int k = 0; k < t.input; ++k) u(0, k) = s;
      for (int k = t.input + t.delay; k < steps; ++k) batch.target(b, k) = s;  // (R11)
      batch.input.push_back(u);
    }
  } else {
    batch.target = Matrix<Real>::Zero(4, steps);
    const int match = t.input + t.delay;
    for (int b = 0; b < 4; ++b) {
      const Real s1 = (b == 0 || b == 3) ? Real(1) : Real(-1);
      const Real s2 = (b == 0 || b == 2) ? Real(1) : Real(-1);
      Matrix<Real> u = zero_input(1);
      for (int k = 0; k < t.input; ++k) u(0, k) = s1;
      for (int k = match; k < match + t.input; ++k) u(0, k) = s2;
      if (s1 == s2)
        for (int k = match + t.input; k < steps; ++k) batch.target(b, k) = 1;  // (R12)
      batch.input.push_back(u);
    }
  }
  const long trials = batch.target.rows();
  batch.scale = scale == LossScale::delay  ? Real(1) / t.delay
                : scale == LossScale::mean ? Real(1) / Real(trials * steps)
                                           : Real(1);
  return batch;
}

template <class Real>
void set_constant_initial(RnnBatch<Real>& batch, int neurons, const Real& value) {
  require(neurons >= 1, "N", neurons, "N >= 1");
  batch.initial = Matrix<Real>::Constant(neurons, batch.target.rows(), value);
}

template <class Real>
void set_random_initial(RnnBatch<Real>& batch, int neurons, const Real& sigma,
                        std::uint64_t rng_seed) {
  require(neurons >= 1, "N", neurons, "N >= 1");
  using std::tanh;
  Rng rng(rng_seed);
  batch.initial.resize(neurons, batch.target.rows());
  for (Eigen::Index b = 0; b < batch.initial.cols(); ++b)
    for (int i = 0; i < neurons; ++i) batch.initial(i, b) = tanh(sigma * Real(rng.normal()));
}

template <class Real>
void set_noise(RnnBatch<Real>& batch, int neurons, const Real& sigma, std::uint64_t rng_seed) {
  batch.noise.clear();
  if (sigma == 0) return;
  require(sigma > 0 && finite(sigma), "noise", sigma, ">= 0 (finite)");
  // The fast path's stream (R4a, proofs/common.md C18): the same doubles z for the same key.
  NormalStream normals(rng_seed);
  std::vector<double> z(static_cast<std::size_t>(neurons) * static_cast<std::size_t>(batch.target.cols()));
  for (Eigen::Index b = 0; b < batch.target.rows(); ++b) {
    normals.fill(z.data(), z.size());
    Matrix<Real> xi(neurons, batch.target.cols());
    for (Eigen::Index k = 0; k < xi.cols(); ++k)
      for (int i = 0; i < neurons; ++i) xi(i, k) = sigma * Real(z[static_cast<std::size_t>(k) * neurons + i]);
    batch.noise.push_back(xi);
  }
}

// ---- gradient and optimisers ------------------------------------------------------------

template <class Real>
RnnGradient<Real> rnn_gradient(const RnnConfig<Real>& config, const RnnParams<Real>& params,
                               const RnnBatch<Real>& batch) {
  validate(config, params, batch);
  RnnGradient<Real> out{Real(0), zeros_like(params), Vector<Real>()};
  for (int b = 0; b < batch.target.rows(); ++b) {
    Vector<Real> lambda0;
    out.loss += backpropagate_trial(config, params, batch, b, out.gradient, lambda0, out.d_beta);
    if (b == 0) out.initial_adjoint = lambda0;
  }
  return out;
}

template <class Real>
RnnParams<Real> sgd_update(const RnnParams<Real>& params, const RnnParams<Real>& gradient,
                           const Real& lr) {
  require(lr >= 0 && finite(lr), "lr", lr, "lr >= 0 (finite)");
  RnnParams<Real> next = params;
  for_each_block(next, gradient, [&](auto& p, const auto& g) { p -= lr * g; });
  next.b_out -= lr * gradient.b_out;
  return next;
}

template <class Real>
AdamState<Real> adam_start(const RnnParams<Real>& params) {
  return {zeros_like(params), zeros_like(params), 0};
}

template <class Real>
void adam_update(RnnParams<Real>& params, const RnnParams<Real>& gradient, AdamState<Real>& state,
                 const Real& lr) {
  require(lr >= 0 && finite(lr), "lr", lr, "lr >= 0 (finite)");
  using std::pow;
  using std::sqrt;
  const Real beta1 = Real(9) / 10, beta2 = Real(999) / 1000, epsilon = Real(1) / 100000000;
  ++state.step;
  const Real c1 = 1 - pow(beta1, Real(state.step)), c2 = 1 - pow(beta2, Real(state.step));
  const auto step = [&](Real& p, const Real& g, Real& m, Real& v) {  // (R36)
    m = beta1 * m + (1 - beta1) * g;
    v = beta2 * v + (1 - beta2) * g * g;
    p -= lr * (m / c1) / (sqrt(v / c2) + epsilon);
  };
  const auto block = [&](auto& p, const auto& g, auto& m, auto& v) {
    for (Eigen::Index i = 0; i < p.size(); ++i) step(p.data()[i], g.data()[i], m.data()[i], v.data()[i]);
  };
  block(params.W, gradient.W, state.first.W, state.second.W);
  block(params.M, gradient.M, state.first.M, state.second.M);
  block(params.Nm, gradient.Nm, state.first.Nm, state.second.Nm);
  block(params.b, gradient.b, state.first.b, state.second.b);
  block(params.W_in, gradient.W_in, state.first.W_in, state.second.W_in);
  block(params.w_out, gradient.w_out, state.first.w_out, state.second.w_out);
  step(params.b_out, gradient.b_out, state.first.b_out, state.second.b_out);
}

template <class Real>
void project_confidence(RnnParams<Real>& params, const Real& confidence) {
  const Real s = params.w_out.template lpNorm<1>();
  require(s > 0, "w_out", "0", "a nonzero vector (|w|_1 > 0)");
  const Real scale = confidence / s;  // (R45)
  params.w_out *= scale;
  params.b_out *= scale;
}

template <class Real>
Real gradient_norm(const RnnParams<Real>& g) {
  using std::sqrt;
  return sqrt(g.W.squaredNorm() + g.M.squaredNorm() + g.Nm.squaredNorm() + g.b.squaredNorm() +
              g.W_in.squaredNorm() + g.w_out.squaredNorm() + g.b_out * g.b_out);
}

}  // namespace learndyn::reference::ghost
