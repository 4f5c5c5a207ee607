// Fast ghost-paper RNN (proofs/ghost_rnn.md §10): generic BPTT with Eigen products over the
// batch, the fused rank-one kernel, optimisers, trainer and the multi-run runner.
#include <learndyn/fast/ghost/rnn.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/normal_stream.hpp>
#include <learndyn/common/parallel.hpp>
#include <learndyn/common/progress.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/fast/ghost/rnn_kernels.hpp>

namespace learndyn::fast::ghost {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

std::size_t padded(std::size_t n) { return (n + kRnnPad - 1) / kRnnPad * kRnnPad; }

// The readout (R6)-(R8) at one state and its derivatives (R8a).
struct Readout {
  double y;
  double slope;        // dy/dz (z the readout's argument)
  double z_over_s = 0; // confidence readout: z / |w|_1
};

Readout readout_at(const RnnConfig& c, const RnnNet& net, const double* rho, Eigen::Index n) {
  const Eigen::Map<const VectorXd> r(rho, n);
  switch (c.readout) {
    case RnnReadout::latent: {
      const double y = sigmoid(c.beta * (net.Nm.col(0).dot(r) - c.kappa_th));  // (R6)
      return {y, c.beta * y * (1 - y)};
    }
    case RnnReadout::sigmoid: {
      const double y = sigmoid(net.w_out.dot(r) + net.b_out);  // (R7)
      return {y, y * (1 - y)};
    }
    case RnnReadout::tanh: {
      const double y = std::tanh(net.w_out.dot(r) + net.b_out);
      return {y, 1 - y * y};
    }
    case RnnReadout::confidence: {
      const double s = net.w_out.lpNorm<1>();
      const double z = net.w_out.dot(r) + net.b_out;
      const double y = std::tanh(c.confidence * z / s);  // (R8)
      return {y, c.confidence * (1 - y * y) / s, z / s};
    }
  }
  return {0, 0};
}

void resize_like(const RnnNet& net, RnnNet& g) {
  g.rank = net.rank;
  g.W.setZero(net.W.rows(), net.W.cols());
  g.M.setZero(net.M.rows(), net.M.cols());
  g.Nm.setZero(net.Nm.rows(), net.Nm.cols());
  g.b.setZero(net.b.size());
  g.W_in.setZero(net.W_in.rows(), net.W_in.cols());
  g.w_out.setZero(net.w_out.size());
  g.b_out = 0;
}

// Applies op(param_block, gradient_block) to every block in a fixed order.
template <class Op>
void for_each_block(RnnNet& p, const RnnNet& g, Op op) {
  op(p.W.data(), g.W.data(), p.W.size());
  op(p.M.data(), g.M.data(), p.M.size());
  op(p.Nm.data(), g.Nm.data(), p.Nm.size());
  op(p.b.data(), g.b.data(), p.b.size());
  op(p.W_in.data(), g.W_in.data(), p.W_in.size());
  op(p.w_out.data(), g.w_out.data(), p.w_out.size());
  op(&p.b_out, &g.b_out, 1);
}

int read_index(ReadoutTiming t, int k) { return t == ReadoutTiming::after_update ? k + 1 : k; }


// Work arrays of the generic path (one set per thread).
struct GenericWork {
  MatrixXd R, P, U, ell, D, lambda, mu;
};

// Work arrays of the fused rank-one epoch, reused across epochs (no allocation per epoch).
struct RankOneWork {
  std::vector<double> r, p, kappa, c, lambda, delta;
};

// The fused rank-one BPTT (R17)-(R18) on padded arrays of length np (pads zero, kept zero: the
// pads' h = 0 kappa + 0 gives p = 0 and r = 0; n = 0 there keeps lambda = 0; so their gradient
// is 0). Gradients are accumulated into dm, dn, db (zeroed here). Returns the loss.
double rank_one_padded(const RnnConfig& c, const double* m, const double* n, const double* b,
                       const double* r0, std::size_t np, const double* target, int steps,
                       double scale, RankOneWork& w, double* dm, double* dn, double* db,
                       long* correct = nullptr, double* d_beta = nullptr) {
  w.r.resize((steps + 1) * np);
  w.p.resize(steps * np);
  w.kappa.resize(steps + 1);
  w.c.assign(steps + 1, 0.0);
  w.lambda.resize(np);
  w.delta.resize(np);
  std::copy(r0, r0 + np, w.r.begin());
  double k0 = 0;
  for (std::size_t i = 0; i < np; ++i) k0 += n[i] * r0[i];
  w.kappa[0] = k0;
  double loss = 0;
  for (int k = 0; k < steps; ++k) {
    w.kappa[k + 1] = rank_one_forward_step(m, b, n, &w.r[k * np], w.kappa[k], c.alpha,
                                           &w.p[k * np], &w.r[(k + 1) * np], np);
    const double y = sigmoid(c.beta * (w.kappa[k + 1] - c.kappa_th));  // (R6), after update
    const double residual = y - target[k];
    if (correct) *correct += (y > 0.5 ? 1.0 : 0.0) == target[k];  // (R47), DA
    loss += scale * residual * residual;
    w.c[k + 1] = 2 * scale * residual * c.beta * y * (1 - y);  // dL/dkappa_{k+1}, direct
    if (d_beta) *d_beta += 2 * scale * residual * y * (1 - y) * (w.kappa[k + 1] - c.kappa_th);  // (R53)
  }
  std::fill(dm, dm + np, 0.0);
  std::fill(db, db + np, 0.0);
  const double cT = w.c[steps];
  const double* rT = &w.r[steps * np];
  for (std::size_t i = 0; i < np; ++i) {
    w.lambda[i] = cT * n[i];  // lambda_T = c_T n (R17)
    dn[i] = cT * rT[i];       // the readout of r_T (R18)
  }
  for (int k = steps - 1; k >= 0; --k) {
    const double g = rank_one_backward_delta(m, &w.p[k * np], w.lambda.data(), w.kappa[k],
                                             c.alpha, w.delta.data(), db, dm, np);
    rank_one_backward_lambda(n, &w.r[k * np], g + w.c[k], c.alpha, dn, w.lambda.data(), np);
  }
  return loss;
}

}  // namespace

void project_confidence(RnnNet& net, double confidence) {
  const double s = net.w_out.lpNorm<1>();
  require(s > 0 && std::isfinite(s), "w_out", s, "a nonzero finite vector (|w|_1 > 0)");
  const double scale = confidence / s;  // (R45)
  net.w_out *= scale;
  net.b_out *= scale;
}

double rnn_accuracy(RnnTask task, const MatrixXd& y, const MatrixXd& target) {
  require(y.rows() == target.rows() && y.cols() == target.cols() && y.size() > 0, "outputs", "shape",
          "the targets' B x T (nonempty)");
  long correct = 0;
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    const double v = y.data()[i];
    const double label = task == RnnTask::da ? (v > 0.5 ? 1.0 : 0.0)                 // (R47)
                                             : v >= 0.33 ? 1.0 : v <= -0.33 ? -1.0 : 0.0;
    correct += label == target.data()[i];
  }
  return static_cast<double>(correct) / static_cast<double>(y.size());
}

double gradient_norm(const RnnNet& g) {
  return std::sqrt(g.W.squaredNorm() + g.M.squaredNorm() + g.Nm.squaredNorm() + g.b.squaredNorm() +
                   g.W_in.squaredNorm() + g.w_out.squaredNorm() + g.b_out * g.b_out);
}

bool rank_one_kernel_applies(const RnnConfig& c, const RnnNet& net, const RnnBatch& batch) {
  return net.rank == 1 && c.readout == RnnReadout::latent &&
         c.timing == ReadoutTiming::after_update && batch.target.rows() == 1 &&
         net.W_in.cols() == 0 && batch.noise.empty();
}

const char* rnn_task_name(RnnTask task) {
  return task == RnnTask::da ? "da" : task == RnnTask::dcd ? "dcd" : "dmts";
}

// ---- parameters -----------------------------------------------------------------------

namespace {

// The public code's rank-K initialisation of paper Fig. 4 (rnn.hpp, RnnInit::lowrank): draws in
// the order M, Nm, b, W_in, w_out, b_out, column-major. The recurrent input M (Nm^T r) then has
// entries of order sqrt(K) |r|, as for a full-rank N(0, 1/N) matrix, where the xavier draw of both
// factors gives a recurrence about 5 times weaker (N = 100, K = 2).
RnnNet lowrank_net(int neurons, int rank, int inputs, Rng& rng) {
  const double n = neurons;
  const auto normal = [&](Eigen::Index rows, Eigen::Index cols, double sd) {
    MatrixXd a(rows, cols);
    for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = sd * rng.normal();
    return a;
  };
  const auto uniform = [&](Eigen::Index rows, Eigen::Index cols, double bound) {
    MatrixXd a(rows, cols);
    for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = bound * (2 * rng.uniform() - 1);
    return a;
  };
  RnnNet net;
  net.rank = rank;
  net.M = normal(neurons, rank, 1.0);
  net.Nm = normal(neurons, rank, 1.0 / std::sqrt(n));
  net.b = normal(neurons, 1, 0.1);
  net.W_in = uniform(neurons, inputs, std::sqrt(6.0 / (n + 1)));
  net.w_out = uniform(neurons, 1, std::sqrt(6.0 / (n + 1)));
  net.b_out = (2 * rng.uniform() - 1) / std::sqrt(double(rank));
  return net;
}

}  // namespace

RnnNet random_net(int neurons, int rank, int inputs, RnnInit init, std::uint64_t seed) {
  require(neurons >= 1, "N", neurons, "N >= 1");
  require(rank >= 0 && rank <= neurons, "rank", rank, "0 (full) .. N");
  require(inputs >= 0, "inputs", inputs, ">= 0");
  Rng rng(seed);
  const double n = neurons, root = std::sqrt(n);
  const auto gaussian = [&](Eigen::Index rows, Eigen::Index cols) {
    MatrixXd a(rows, cols);
    for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = rng.normal() / root;
    return a;
  };
  const auto uniform = [&](Eigen::Index rows, Eigen::Index cols, double bound) {
    MatrixXd a(rows, cols);
    for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = bound * (2 * rng.uniform() - 1);
    return a;
  };
  if (init == RnnInit::lowrank && rank > 0) return lowrank_net(neurons, rank, inputs, rng);
  const bool g = init == RnnInit::gaussian;
  RnnNet net;
  net.rank = rank;
  if (rank == 0) {
    net.W = g ? gaussian(neurons, neurons) : uniform(neurons, neurons, std::sqrt(6.0 / (2 * n)));
  } else {
    const double bound = std::sqrt(6.0 / (n + rank));
    net.M = g ? gaussian(neurons, rank) : uniform(neurons, rank, bound);
    net.Nm = g ? gaussian(neurons, rank) : uniform(neurons, rank, bound);
  }
  net.b = g ? VectorXd(VectorXd::Zero(neurons)) : VectorXd(uniform(neurons, 1, 1.0));
  net.W_in = g ? gaussian(neurons, inputs) : uniform(neurons, inputs, std::sqrt(6.0 / (n + 1)));
  net.w_out = g ? VectorXd(gaussian(neurons, 1)) : VectorXd(uniform(neurons, 1, std::sqrt(6.0 / (n + 1))));
  net.b_out = g ? rng.normal() / root : (2 * rng.uniform() - 1) / root;
  return net;
}

void validate(const RnnConfig& c, const RnnNet& net, const RnnBatch& batch) {
  require(c.alpha > 0 && c.alpha <= 1, "alpha", c.alpha, "0 < alpha <= 1");
  require(c.beta > 0 && std::isfinite(c.beta), "beta", c.beta, "beta > 0 (finite)");
  require(std::isfinite(c.kappa_th), "kappa-th", c.kappa_th, "finite");
  require(c.confidence > 0 && std::isfinite(c.confidence), "confidence", c.confidence,
          "c > 0 (finite)");
  const long n = net.b.size();
  require(n >= 1, "N", n, "N >= 1");
  require(net.rank >= 0 && net.rank <= n, "rank", net.rank, "0 (full) .. N");
  if (net.rank == 0)
    require(net.W.rows() == n && net.W.cols() == n, "W", "shape", "N x N");
  else
    require(net.M.rows() == n && net.M.cols() == net.rank && net.Nm.rows() == n &&
                net.Nm.cols() == net.rank,
            "M, N", "shape", "N x rank each");
  require(net.W_in.rows() == n || net.W_in.cols() == 0, "W_in", "shape", "N x n_in");
  if (c.readout == RnnReadout::latent)
    require(net.rank == 1, "readout", "latent", "a rank-one network (rank 1)");
  else
    require(net.w_out.size() == n, "w_out", "size", "N");
  if (c.readout == RnnReadout::confidence)
    require(net.w_out.lpNorm<1>() > 0, "w_out", "0", "a nonzero vector (|w|_1 > 0)");
  const long trials = batch.target.rows(), steps = batch.target.cols();
  require(trials >= 1 && steps >= 1, "batch", "empty", "B >= 1 trials of T >= 1 steps");
  require(static_cast<long>(batch.input.size()) == trials, "batch", "inputs", "one per trial");
  for (const MatrixXd& u : batch.input)
    require(u.rows() == net.W_in.cols() && u.cols() == steps, "batch", "input shape",
            "n_in x T per trial");
  require(batch.initial.rows() == n && batch.initial.cols() == trials, "batch", "initial",
          "N x B initial states");
  require(batch.noise.empty() || static_cast<long>(batch.noise.size()) == trials, "batch",
          "noise", "none or one N x T array per trial");
  for (const MatrixXd& xi : batch.noise)
    require(xi.rows() == n && xi.cols() == steps, "batch", "noise shape", "N x T per trial");
}

// ---- gradients ----------------------------------------------------------------------------

double rnn_gradient(const RnnConfig& c, const RnnNet& net, const RnnBatch& batch,
                    RnnNet& grad, MatrixXd* outputs, double* d_beta) {
  validate(c, net, batch);
  const Eigen::Index N = net.b.size(), B = batch.target.rows(), T = batch.target.cols();
  const Eigen::Index n_in = net.W_in.cols();
  resize_like(net, grad);
  // Work arrays kept per thread across calls: a training run calls this every epoch, and
  // freeing and re-growing ~150 kB each time made the allocator return memory to the kernel
  // and fault it back in (system time above user time).
  thread_local GenericWork work;
  MatrixXd& R = work.R;
  MatrixXd& P = work.P;
  MatrixXd& U = work.U;
  R.resize(N, (T + 1) * B);
  P.resize(N, T * B);
  U.resize(n_in, T * B);
  // States R_k (columns k B .. k B + B - 1 of R), p_k likewise (R2).
  R.leftCols(B) = batch.initial;
  for (Eigen::Index k = 0; k < T; ++k) {
    auto Rk = R.middleCols(k * B, B);
    auto Pk = P.middleCols(k * B, B);
    if (net.rank == 0)
      Pk.noalias() = net.W * Rk;
    else
      Pk.noalias() = net.M * (net.Nm.transpose() * Rk);  // W r = M kappa (R3)
    Pk.colwise() += net.b;
    for (Eigen::Index b = 0; b < B; ++b) {
      if (n_in > 0) {
        U.col(k * B + b) = batch.input[b].col(k);
        Pk.col(b).noalias() += net.W_in * batch.input[b].col(k);
      }
      if (!batch.noise.empty()) Pk.col(b) += batch.noise[b].col(k);
    }
    tanh_in_place(Pk.data(), static_cast<std::size_t>(N * B));
    R.middleCols((k + 1) * B, B) = (1 - c.alpha) * Rk + c.alpha * Pk;
  }
  // Readout terms ell_j (R13) and readout-parameter gradients (R16).
  MatrixXd& ell = work.ell;
  ell.setZero(N, (T + 1) * B);
  if (outputs) outputs->resize(B, T);
  double loss = 0;
  for (Eigen::Index k = 0; k < T; ++k) {
    const int j = read_index(c.timing, static_cast<int>(k));
    for (Eigen::Index b = 0; b < B; ++b) {
      const double* rho = R.col(j * B + b).data();
      const Readout o = readout_at(c, net, rho, N);
      if (outputs) (*outputs)(b, k) = o.y;
      const double residual = o.y - batch.target(b, k);
      loss += batch.scale * residual * residual;
      const double e = 2 * batch.scale * residual * o.slope;  // dL/dz
      const Eigen::Map<const VectorXd> r(rho, N);
      if (c.readout == RnnReadout::latent) {
        ell.col(j * B + b) += e * net.Nm.col(0);
        grad.Nm.col(0) += e * r;
        if (d_beta) *d_beta += 2 * batch.scale * residual * o.y * (1 - o.y) * (net.Nm.col(0).dot(r) - c.kappa_th);  // (R53)
        continue;
      }
      ell.col(j * B + b) += e * net.w_out;
      grad.b_out += e;
      if (c.readout == RnnReadout::confidence && c.confidence_readout == ConfidenceReadout::differentiated)
        grad.w_out += e * (r - o.z_over_s * net.w_out.cwiseSign());  // (R8a)
      else
        grad.w_out += e * r;  // (R7); projected (R45): |w|_1 held fixed
    }
  }
  // Backward (R13): Delta_k into D, then the weight gradients as single products (R14, R15).
  MatrixXd& D = work.D;
  D.resize(N, T * B);
  MatrixXd& lambda = work.lambda;
  lambda = ell.rightCols(B);
  MatrixXd& mu = work.mu;
  for (Eigen::Index k = T - 1; k >= 0; --k) {
    auto Dk = D.middleCols(k * B, B);
    const auto Pk = P.middleCols(k * B, B);
    Dk = c.alpha * (1 - Pk.array().square()) * lambda.array();
    lambda *= (1 - c.alpha);
    if (net.rank == 0) {
      lambda.noalias() += net.W.transpose() * Dk;
    } else {
      mu.noalias() = net.M.transpose() * Dk;
      lambda.noalias() += net.Nm * mu;
    }
    lambda += ell.middleCols(k * B, B);
  }
  const auto Rfront = R.leftCols(T * B);
  if (net.rank == 0) {
    grad.W.noalias() = D * Rfront.transpose();
  } else {
    const MatrixXd kappa = net.Nm.transpose() * Rfront;
    grad.M.noalias() = D * kappa.transpose();
    const MatrixXd mus = net.M.transpose() * D;
    grad.Nm.noalias() += Rfront * mus.transpose();
  }
  grad.b = D.rowwise().sum();
  if (n_in > 0) grad.W_in.noalias() = D * U.transpose();
  return loss;
}

double rnn_loss(const RnnConfig& c, const RnnNet& net, const RnnBatch& batch) {
  RnnNet g;
  return rnn_gradient(c, net, batch, g);
}

double rank_one_gradient(const RnnConfig& c, const RnnNet& net, const RnnBatch& batch,
                         RnnNet& grad) {
  validate(c, net, batch);
  require(rank_one_kernel_applies(c, net, batch), "network", "not the fused case",
          "rank 1, latent readout after the update, one trial, no inputs, no noise");
  const std::size_t n = static_cast<std::size_t>(net.b.size()), np = padded(n);
  std::vector<double> m(np, 0.0), nv(np, 0.0), b(np, 0.0), r0(np, 0.0), dm(np), dn(np), db(np);
  for (std::size_t i = 0; i < n; ++i) {
    m[i] = net.M(i, 0);
    nv[i] = net.Nm(i, 0);
    b[i] = net.b(i);
    r0[i] = batch.initial(i, 0);
  }
  RankOneWork work;
  const VectorXd target = batch.target.row(0).transpose();
  const double loss = rank_one_padded(c, m.data(), nv.data(), b.data(), r0.data(), np, target.data(),
                                      static_cast<int>(target.size()), batch.scale, work, dm.data(),
                                      dn.data(), db.data());
  resize_like(net, grad);
  for (std::size_t i = 0; i < n; ++i) {
    grad.M(i, 0) = dm[i];
    grad.Nm(i, 0) = dn[i];
    grad.b(i) = db[i];
  }
  return loss;
}

// ---- runs ---------------------------------------------------------------------------------

RunSpec default_run(RnnTask task, int rank) {
  RunSpec s;
  s.task = task;
  s.rank = rank;
  if (task == RnnTask::da) {
    s.config.readout = rank == 1 ? RnnReadout::latent : RnnReadout::sigmoid;
    return s;
  }
  s.input_steps = task == RnnTask::dcd ? 2 : 6;
  s.delay_steps = task == RnnTask::dcd ? 10 : 16;
  s.response_steps = 10;
  s.init = RnnInit::xavier;
  s.config.readout = task == RnnTask::dcd ? RnnReadout::tanh : RnnReadout::sigmoid;
  s.config.timing = ReadoutTiming::before_update;
  s.scale = LossScale::mean;
  s.noise = 0.01;
  s.lr = 0.01;
  return s;
}

void validate(const RunSpec& s) {
  require(s.neurons >= 1 && s.neurons <= 4096, "N", s.neurons, "1..4096");
  require(s.rank >= 0 && s.rank <= s.neurons, "rank", s.rank, "0 (full) .. N");
  require(s.delay_steps >= 1, "delay", s.delay_steps, ">= 1 step");
  require(s.response_steps >= 1, "response", s.response_steps, ">= 1 step");
  if (s.task != RnnTask::da) require(s.input_steps >= 1, "input", s.input_steps, ">= 1 step");
  require(s.lr >= 0 && std::isfinite(s.lr), "lr", s.lr, "lr >= 0 (finite)");
  require(s.epochs >= 0, "epochs", s.epochs, ">= 0");
  require(s.record_every >= 1, "record-every", s.record_every, ">= 1");
  require(s.noise >= 0 && std::isfinite(s.noise), "noise", s.noise, ">= 0 (finite)");
  require(s.initial_sigma >= 0 && std::isfinite(s.initial_sigma), "initial-sigma",
          s.initial_sigma, ">= 0 (finite)");
  require(s.trials_per_class >= 1 && s.trials_per_class <= 10000, "trials", s.trials_per_class,
          "1..10000 trials per class");
  require(std::isfinite(s.initial_value) && std::abs(s.initial_value) <= 1, "initial",
          s.initial_value, "-1..1");
  if (s.config.readout == RnnReadout::latent)
    require(s.rank == 1, "readout", "latent", "rank 1 (use sigmoid, tanh or confidence)");
  // The readout's own beta and c first: the changed values default to them, so a bad --beta
  // must be named as beta, not as the changed-beta that inherits it.
  require(s.config.beta > 0 && std::isfinite(s.config.beta), "beta", s.config.beta, "> 0 (finite)");
  require(s.config.confidence > 0 && std::isfinite(s.config.confidence), "confidence", s.config.confidence,
          "> 0 (finite)");
  require(s.changed_beta > 0 && std::isfinite(s.changed_beta), "changed-beta", s.changed_beta,
          "> 0 (finite)");
  require(s.changed_confidence > 0 && std::isfinite(s.changed_confidence), "changed-confidence",
          s.changed_confidence, "> 0 (finite)");
  if (s.config.learn_beta)
    require(s.config.readout == RnnReadout::latent, "learn-beta", "on", "the latent readout (rank 1)");
  if (s.changed_readout)
    require(*s.changed_readout != RnnReadout::latent && s.config.readout != RnnReadout::latent, "changed-readout",
            *s.changed_readout == RnnReadout::latent ? "latent" : "a change from latent",
            "sigmoid, tanh or confidence, from a population readout (sigmoid, tanh or confidence)");
  RnnNet probe;  // the config's own checks
  probe.b.setZero(1);
  probe.rank = 0;
  probe.W.setZero(1, 1);
  probe.w_out.setOnes(1);
  RnnConfig c = s.config;
  c.readout = RnnReadout::sigmoid;
  RnnBatch batch{{MatrixXd(0, 1)}, MatrixXd::Zero(1, 1), MatrixXd::Zero(1, 1), {}, 1.0};
  validate(c, probe, batch);
}

namespace {

// The sizes behind the memory estimates: steps T, trials B, inputs n_in, parameters, rows.
struct RunSizes {
  double neurons, rank, steps, trials, inputs, parameters, rows;
};

RunSizes sizes_of(const RunSpec& s) {
  RunSizes z;
  z.neurons = s.neurons;
  z.rank = s.rank == 0 ? 0.0 : s.rank;
  z.steps = steps_of(s);
  z.trials = trials_of(s);
  z.inputs = inputs_of(s);
  z.parameters = (s.rank == 0 ? z.neurons * z.neurons : 2 * z.neurons * z.rank) + z.neurons * (2 + z.inputs) + 1;
  z.rows = std::min<double>(static_cast<double>(s.epochs) + 1,
                            static_cast<double>(s.epochs / s.record_every) + 2);
  return z;
}

}  // namespace

double run_memory_bytes(const RunSpec& s) {
  const RunSizes z = sizes_of(s);
  const double states = 5 * z.neurons * (z.steps + 1) * z.trials + 2 * z.rank * z.steps * z.trials +
                        2 * z.inputs * z.steps * z.trials;
  return 8 * (states + 5 * z.parameters + 3 * z.rows);
}

double run_result_bytes(const RunSpec& s) {
  const RunSizes z = sizes_of(s);
  return 8 * (z.parameters + 3 * z.rows);
}

int steps_of(const RunSpec& s) {
  return s.task == RnnTask::da    ? s.delay_steps + s.response_steps
         : s.task == RnnTask::dcd ? s.input_steps + s.delay_steps + s.response_steps
                                  : 2 * s.input_steps + s.delay_steps + s.response_steps;
}

RnnNet random_net(const RunSpec& s) { return random_net(s.neurons, s.rank, inputs_of(s), s.init, s.seed); }

int trials_of(const RunSpec& s) {
  const int classes = s.task == RnnTask::da ? 1 : s.task == RnnTask::dcd ? 2 : 4;
  return s.task == RnnTask::da ? 1 : classes * s.trials_per_class;
}

RnnBatch make_batch(const RunSpec& s, std::uint64_t draw) {
  const int T = steps_of(s);
  RnnBatch batch;
  const int classes = s.task == RnnTask::da ? 1 : s.task == RnnTask::dcd ? 2 : 4;
  const int B = trials_of(s);
  batch.target.setZero(B, T);
  const int n_in = inputs_of(s);
  for (int b = 0; b < B; ++b) batch.input.push_back(MatrixXd::Zero(n_in, T));
  if (s.task == RnnTask::da) {
    batch.target.rightCols(s.response_steps).setOnes();  // (R10)
  } else if (s.task == RnnTask::dcd) {
    for (int b = 0; b < B; ++b) {
      const double sign = b % classes == 0 ? 1.0 : -1.0;
      batch.input[b].leftCols(s.input_steps).setConstant(sign);
      batch.target.row(b).tail(s.response_steps).setConstant(sign);  // (R11)
    }
  } else {
    const int match = s.input_steps + s.delay_steps;
    for (int b = 0; b < B; ++b) {
      const int c = b % classes;
      const double s1 = (c == 0 || c == 3) ? 1.0 : -1.0, s2 = (c == 0 || c == 2) ? 1.0 : -1.0;
      batch.input[b].leftCols(s.input_steps).setConstant(s1);
      batch.input[b].middleCols(match, s.input_steps).setConstant(s2);
      if (s1 == s2) batch.target.row(b).tail(s.response_steps).setOnes();  // (R12)
    }
  }
  batch.scale = s.scale == LossScale::delay  ? 1.0 / s.delay_steps
                : s.scale == LossScale::mean ? 1.0 / (double(B) * T)
                                             : 1.0;
  Rng rng(draw);
  if (s.task == RnnTask::da) {
    batch.initial.setConstant(s.neurons, B, s.initial_value);
  } else {
    batch.initial.resize(s.neurons, B);
    for (Eigen::Index i = 0; i < batch.initial.size(); ++i)
      batch.initial.data()[i] = std::tanh(s.initial_sigma * rng.normal());
  }
  if (s.noise > 0) {
    // The noise stream's key is the SplitMix64 output after the initial states' draws; trial
    // after trial, each N x T array column by column (R4a, proofs/common.md C18).
    NormalStream normals(rng.next());
    for (int b = 0; b < B; ++b) {
      MatrixXd xi(s.neurons, T);
      normals.fill(xi.data(), static_cast<std::size_t>(xi.size()), s.noise);
      batch.noise.push_back(std::move(xi));
    }
  }
  return batch;
}

BatchStream::BatchStream(const RunSpec& spec)
    : spec_(spec), fixed_(spec.task == RnnTask::da && spec.noise == 0), draws_(spec.seed ^ 0x5DEECE66Dull) {}

RnnBatch BatchStream::next() { return make_batch(spec_, fixed_ ? 0 : draws_.next()); }

RnnBatch evaluation_batch(const RunSpec& spec) {
  return make_batch(spec, spec.task == RnnTask::da && spec.noise == 0 ? 0 : spec.seed + 1);
}

// ---- the trainer ----------------------------------------------------------------------------

struct RnnTrainer::Impl {
  RunSpec spec;
  RnnNet net, grad, adam_m, adam_v;
  long adam_step = 0;
  long done = 0;
  double grad_norm = 0;
  double accuracy = 0;
  MatrixXd outputs;
  double beta_m = 0, beta_v = 0;  // Adam's moments of a learned beta (R53)
  BatchStream stream;
  RnnBatch fixed;  // DA's batch (inputs and initial state never change)
  // The fused rank-one path: padded copies of m, n, b and their gradients are the truth while
  // training (net is refreshed from them on request).
  bool fused = false;
  std::size_t np = 0;
  std::vector<double> m, n, b, r0, dm, dn, db, target, am[3], av[3];
  RankOneWork work;
  bool net_stale = false;

  Impl(const RunSpec& s, const RnnNet& start) : spec(s), net(start), stream(s) {
    validate(spec);
    const int inputs = inputs_of(spec);
    require(net.b.size() == spec.neurons && net.rank == spec.rank && net.W_in.cols() == inputs,
            "network", "shape", "N, rank and inputs of the run");
    fixed = make_batch(spec, 0);
    fused = spec.task == RnnTask::da && spec.noise == 0 &&
            rank_one_kernel_applies(spec.config, net, fixed);
    validate(spec.config, net, fixed);
    resize_like(net, grad);
    resize_like(net, adam_m);
    resize_like(net, adam_v);
    if (fused) pack();
  }

  void pack() {
    const std::size_t size = static_cast<std::size_t>(net.b.size());
    np = padded(size);
    for (auto* v : {&m, &n, &b, &r0, &dm, &dn, &db}) v->assign(np, 0.0);
    for (auto& v : am) v.assign(np, 0.0);
    for (auto& v : av) v.assign(np, 0.0);
    for (std::size_t i = 0; i < size; ++i) {
      m[i] = net.M(i, 0);
      n[i] = net.Nm(i, 0);
      b[i] = net.b(i);
      r0[i] = fixed.initial(i, 0);
    }
    target.assign(fixed.target.data(), fixed.target.data() + fixed.target.size());
  }

  void unpack() {
    if (!net_stale) return;
    for (Eigen::Index i = 0; i < net.b.size(); ++i) {
      net.M(i, 0) = m[i];
      net.Nm(i, 0) = n[i];
      net.b(i) = b[i];
    }
    net_stale = false;
  }

  // Adam (R36) on one array.
  void adam(double* p, const double* g, double* mm, double* vv, std::size_t size, double c1,
            double c2) const {
    for (std::size_t i = 0; i < size; ++i) {
      mm[i] = 0.9 * mm[i] + 0.1 * g[i];
      vv[i] = 0.999 * vv[i] + 0.001 * g[i] * g[i];
      p[i] -= spec.lr * (mm[i] / c1) / (std::sqrt(vv[i] / c2) + 1e-8);
    }
  }

  // A learned beta (R53) takes the run's optimiser step, before the network's (its gradient was
  // taken at the epoch's parameters; the order of the independent updates does not matter).
  void step_beta(double d_beta) {
    if (!spec.config.learn_beta) return;
    if (spec.optimizer == Optimizer::sgd) {
      spec.config.beta -= spec.lr * d_beta;
      return;
    }
    const double t = double(adam_step + 1);  // the step the network's update is about to take
    adam(&spec.config.beta, &d_beta, &beta_m, &beta_v, 1, 1 - std::pow(0.9, t), 1 - std::pow(0.999, t));
  }

  double fused_epoch() {
    long correct = 0;
    double d_beta = 0;
    const double loss = rank_one_padded(spec.config, m.data(), n.data(), b.data(), r0.data(), np,
                                        target.data(), static_cast<int>(target.size()),
                                        fixed.scale, work, dm.data(), dn.data(), db.data(), &correct,
                                        spec.config.learn_beta ? &d_beta : nullptr);
    accuracy = static_cast<double>(correct) / static_cast<double>(target.size());
    double sq = 0;
    for (std::size_t i = 0; i < np; ++i) sq += dm[i] * dm[i] + dn[i] * dn[i] + db[i] * db[i];
    grad_norm = std::sqrt(sq + d_beta * d_beta);
    step_beta(d_beta);
    if (spec.optimizer == Optimizer::sgd) {
      for (std::size_t i = 0; i < np; ++i) {
        m[i] -= spec.lr * dm[i];
        n[i] -= spec.lr * dn[i];
        b[i] -= spec.lr * db[i];
      }
    } else {
      ++adam_step;
      const double c1 = 1 - std::pow(0.9, double(adam_step)), c2 = 1 - std::pow(0.999, double(adam_step));
      adam(m.data(), dm.data(), am[0].data(), av[0].data(), np, c1, c2);
      adam(n.data(), dn.data(), am[1].data(), av[1].data(), np, c1, c2);
      adam(b.data(), db.data(), am[2].data(), av[2].data(), np, c1, c2);
    }
    net_stale = true;
    return loss;
  }

  double generic_epoch() { return stream.fixed() ? generic_epoch(fixed) : generic_epoch(stream.next()); }

  double generic_epoch(const RnnBatch& batch) {
    // (R45): the public code rescales W_out in place before each forward pass.
    if (spec.config.readout == RnnReadout::confidence &&
        spec.config.confidence_readout == ConfidenceReadout::projected)
      project_confidence(net, spec.config.confidence);
    double d_beta = 0;
    const double loss = rnn_gradient(spec.config, net, batch, grad, &outputs, spec.config.learn_beta ? &d_beta : nullptr);
    accuracy = rnn_accuracy(spec.task, outputs, batch.target);
    grad_norm = std::hypot(gradient_norm(grad), d_beta);
    step_beta(d_beta);
    if (spec.optimizer == Optimizer::sgd) {
      for_each_block(net, grad, [&](double* p, const double* g, Eigen::Index size) {
        for (Eigen::Index i = 0; i < size; ++i) p[i] -= spec.lr * g[i];
      });
    } else {
      ++adam_step;
      const double c1 = 1 - std::pow(0.9, double(adam_step)), c2 = 1 - std::pow(0.999, double(adam_step));
      RnnNet* moments[2] = {&adam_m, &adam_v};
      // Walk the three structures block by block in the same order.
      std::vector<double*> mp, vp;
      for_each_block(*moments[0], grad, [&](double* p, const double*, Eigen::Index) { mp.push_back(p); });
      for_each_block(*moments[1], grad, [&](double* p, const double*, Eigen::Index) { vp.push_back(p); });
      std::size_t blk = 0;
      for_each_block(net, grad, [&](double* p, const double* g, Eigen::Index size) {
        adam(p, g, mp[blk], vp[blk], static_cast<std::size_t>(size), c1, c2);
        ++blk;
      });
    }
    return loss;
  }
};

RnnTrainer::RnnTrainer(const RunSpec& spec)
    : RnnTrainer(spec, random_net(spec)) {}
RnnTrainer::RnnTrainer(const RunSpec& spec, const RnnNet& start)
    : impl_(std::make_unique<Impl>(spec, start)) {}
RnnTrainer::~RnnTrainer() = default;
RnnTrainer::RnnTrainer(RnnTrainer&&) noexcept = default;
RnnTrainer& RnnTrainer::operator=(RnnTrainer&&) noexcept = default;

double RnnTrainer::epoch() {
  ++impl_->done;
  return impl_->fused ? impl_->fused_epoch() : impl_->generic_epoch();
}
double RnnTrainer::epoch(const RnnBatch& batch) {
  require(!impl_->stream.fixed(), "batch", "a given batch",
          "a run that draws a batch per epoch (DCD, DMTS or noise); DA without noise trains on its fixed batch");
  validate(impl_->spec.config, impl_->net, batch);
  ++impl_->done;
  return impl_->generic_epoch(batch);
}
double RnnTrainer::last_gradient_norm() const { return impl_->grad_norm; }
double RnnTrainer::last_accuracy() const { return impl_->accuracy; }
double RnnTrainer::accuracy() {
  const RnnBatch batch = impl_->stream.fixed() ? impl_->fixed : evaluation_batch(impl_->spec);
  impl_->unpack();
  RnnNet g;
  MatrixXd y;
  rnn_gradient(impl_->spec.config, impl_->net, batch, g, &y);
  return rnn_accuracy(impl_->spec.task, y, batch.target);
}
void RnnTrainer::apply_change() {
  RnnConfig& c = impl_->spec.config;
  c.beta = impl_->spec.changed_beta;
  c.confidence = impl_->spec.changed_confidence;
  if (impl_->spec.changed_readout) c.readout = *impl_->spec.changed_readout;
}
long RnnTrainer::epochs_done() const { return impl_->done; }
const RnnNet& RnnTrainer::net() const {
  impl_->unpack();
  return impl_->net;
}
RnnConfig& RnnTrainer::config() { return impl_->spec.config; }
double RnnTrainer::loss() {
  return impl_->stream.fixed() ? loss(impl_->fixed) : loss(evaluation_batch(impl_->spec));
}
double RnnTrainer::loss(const RnnBatch& batch) {
  impl_->unpack();
  return rnn_loss(impl_->spec.config, impl_->net, batch);
}

namespace {

RunResult train(const RunSpec& spec, RnnTrainer trainer) {
  RunResult out;
  double least = std::numeric_limits<double>::infinity();
  for (long e = 0; e < spec.epochs; ++e) {
    if (e == spec.change_epoch) trainer.apply_change();  // Fig. 8B: lower the confidence; 8C
    const double loss = trainer.epoch();
    least = std::min(least, loss);
    if (e % spec.record_every == 0 || e + 1 == spec.epochs) {
      out.epochs.push_back(e);
      out.loss.push_back(loss);
      out.gradient_norm.push_back(trainer.last_gradient_norm());
      out.accuracy.push_back(trainer.last_accuracy());
    }
  }
  out.final_loss = trainer.loss();
  out.final_accuracy = trainer.accuracy();
  out.min_loss = std::min(least, out.final_loss);
  out.net = trainer.net();
  return out;
}

}  // namespace

RunResult train_run(const RunSpec& spec) { return train(spec, RnnTrainer(spec)); }
RunResult train_run(const RunSpec& spec, const RnnNet& start) { return train(spec, RnnTrainer(spec, start)); }

std::vector<RunResult> train_runs(const std::vector<RunSpec>& specs, unsigned threads, const RnnNet* start) {
  for (const RunSpec& s : specs) validate(s);
  std::vector<RunResult> results(specs.size());
  Progress progress("training runs", "run", static_cast<double>(specs.size()));
  // One run a chunk: runs are independent, so the results do not depend on the thread count.
  parallel_for_each(specs.size(), threads, [&](std::size_t i) {
    results[i] = start ? train_run(specs[i], *start) : train_run(specs[i]);
    progress.advance();
  });
  return results;
}

}  // namespace learndyn::fast::ghost
