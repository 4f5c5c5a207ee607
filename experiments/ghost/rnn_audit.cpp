#include <learndyn/experiments/ghost/rnn_audit.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/progress.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/experiments/audit.hpp>
#include <learndyn/experiments/ghost/divergence.hpp>
#include <learndyn/experiments/ghost/rank_one_tracking.hpp>
#include <learndyn/oracle/to_reference.hpp>
#include <learndyn/reference/ghost/rnn_bptt.hpp>

namespace learndyn::experiments::ghost {
namespace {

namespace fg = learndyn::fast::ghost;
namespace rg = learndyn::reference::ghost;

// One run of the reference at scalar Real (float: the float32 run; real: the truth), the same
// SGD / Adam steps (R36) as the fast trainer, on the same batches (R43): DA's fixed batch, or
// the batch the run's stream draws for the epoch (converted exactly to real, rounded to float).
template <class Real>
struct ReferenceRun {
  rg::RnnConfig<Real> config;
  rg::RnnParams<Real> params;
  rg::RnnBatch<Real> batch;
  rg::AdamState<Real> adam;
  fg::Optimizer optimizer;
  Real lr;

  ReferenceRun(const fg::RunSpec& s, const fg::RnnNet& start)
      : config(oracle::to_reference<Real>(s.config)),
        params(oracle::to_reference<Real>(start)),
        batch(oracle::to_reference<Real>(fg::make_batch(s, 0))),
        adam(rg::adam_start(params)),
        optimizer(s.optimizer),
        lr(Real(s.lr)) {}

  // One epoch on DA's fixed batch: the loss before the update, then the update.
  Real epoch() { return epoch_on(batch); }
  // One epoch on a drawn batch.
  Real epoch(const fg::RnnBatch& drawn) { return epoch_on(oracle::to_reference<Real>(drawn)); }

  Real epoch_on(const rg::RnnBatch<Real>& on) {
    // (R45): the projected confidence readout rescales W_out before each forward pass.
    if (config.readout == rg::RnnReadout::confidence && config.confidence_readout == rg::ConfidenceReadout::projected)
      rg::project_confidence(params, config.confidence);
    rg::RnnGradient<Real> g = rg::rnn_gradient(config, params, on);
    if (optimizer == fg::Optimizer::sgd)
      params = rg::sgd_update(params, g.gradient, lr);
    else
      rg::adam_update(params, g.gradient, adam, lr);
    return g.loss;
  }
  Real loss(const fg::RnnBatch& on) const { return rg::rnn_loss(config, params, oracle::to_reference<Real>(on)); }

  // Fig. 8B's change of the readout's confidence at change_epoch (as fast::ghost::train_run).
  void change(const fg::RunSpec& s) {
    config.beta = Real(s.changed_beta);
    config.confidence = Real(s.changed_confidence);
    if (s.changed_readout) config.readout = static_cast<rg::RnnReadout>(static_cast<int>(*s.changed_readout));
  }
};

// The reference's parameters as the fast path's structure (float: exact; real: rounded to
// double, for the fixed-point count only).
template <class Real>
fg::RnnNet to_fast(const rg::RnnParams<Real>& p) {
  const auto d = [](const auto& m) {
    Eigen::MatrixXd out(m.rows(), m.cols());
    for (Eigen::Index i = 0; i < m.size(); ++i) out.data()[i] = static_cast<double>(m.data()[i]);
    return out;
  };
  fg::RnnNet n;
  n.rank = p.rank;
  n.W = d(p.W);
  n.M = d(p.M);
  n.Nm = d(p.Nm);
  n.b = d(p.b);
  n.W_in = d(p.W_in);
  n.w_out = d(p.w_out);
  n.b_out = static_cast<double>(p.b_out);
  return n;
}

// |x - ref|^2 over every block the loss depends on, at 50 digits (x is exact in it: R43). The
// latent readout (R6) leaves w_out, b_out unused (zero gradient, never updated): a --weights
// file without them (zeros) and the seeded draw (random) must measure alike.
real squared_distance(const rg::RnnParams<real>& ref, const fg::RnnNet& x, bool readout) {
  real sum = 0;
  const auto add = [&](const rg::RnnMatrix<real>& r, const auto& m) {
    for (Eigen::Index i = 0; i < r.size(); ++i) {
      const real d = real(m.data()[i]) - r.data()[i];
      sum += d * d;
    }
  };
  add(ref.W, x.W);
  add(ref.M, x.M);
  add(ref.Nm, x.Nm);
  add(ref.b, x.b);
  add(ref.W_in, x.W_in);
  if (!readout) return sum;
  add(ref.w_out, x.w_out);
  const real d = real(x.b_out) - ref.b_out;
  return sum + d * d;
}

real squared_norm(const rg::RnnParams<real>& p, bool readout) {
  const real used = p.W.squaredNorm() + p.M.squaredNorm() + p.Nm.squaredNorm() + p.b.squaredNorm() + p.W_in.squaredNorm();
  return readout ? real(used + p.w_out.squaredNorm() + p.b_out * p.b_out) : used;
}

}  // namespace

// (R43): h'_i = h_{p(i)} for every unit when every per-unit block is relabelled alike: rows of
// M, Nm, b, W_in, w_out, and W's rows and columns (W' = P W P^T).
fg::RnnNet permute_units(const fg::RnnNet& net, const std::vector<int>& p) {
  fg::RnnNet out = net;
  const auto n = static_cast<Eigen::Index>(p.size());
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::Index s = p[static_cast<std::size_t>(i)];
    if (net.M.rows() == n) out.M.row(i) = net.M.row(s);
    if (net.Nm.rows() == n) out.Nm.row(i) = net.Nm.row(s);
    out.b(i) = net.b(s);
    if (net.W_in.rows() == n) out.W_in.row(i) = net.W_in.row(s);
    if (net.w_out.size() == n) out.w_out(i) = net.w_out(s);
    if (net.W.rows() == n)
      for (Eigen::Index j = 0; j < n; ++j) out.W(i, j) = net.W(s, p[static_cast<std::size_t>(j)]);
  }
  return out;
}

// (R43): the batch the relabelled network sees: every per-unit array (initial state, noise)
// relabelled like the units; the inputs enter through W_in's rows and stay.
fg::RnnBatch permute_batch(const fg::RnnBatch& batch, const std::vector<int>& p) {
  fg::RnnBatch out = batch;
  const auto rows = [&](const Eigen::MatrixXd& in, Eigen::MatrixXd& to) {
    for (std::size_t i = 0; i < p.size(); ++i) to.row(static_cast<Eigen::Index>(i)) = in.row(p[i]);
  };
  rows(batch.initial, out.initial);
  for (std::size_t b = 0; b < batch.noise.size(); ++b) rows(batch.noise[b], out.noise[b]);
  return out;
}

fg::RnnNet unpermute_units(const fg::RnnNet& net, const std::vector<int>& p) {
  return permute_units(net, inverse_permutation(p));
}

double audit_work(const fg::RunSpec& s) {
  // A step's products: M, Nm at rank K (K per unit), W at full rank (N per unit).
  const double per_unit = s.rank == 0 ? s.neurons : s.rank;
  return static_cast<double>(s.epochs) * fg::steps_of(s) * fg::trials_of(s) * s.neurons * per_unit;
}

double audit_reference_seconds(const fg::RunSpec& s) {
  // Measured (docs/ghost.md, rnn-audit): one 50-digit DA epoch costs about 7 µs per step and
  // unit at rank one (the four runs together, mostly the 50-digit one; this 2-core machine: 5.6 s for
  // N = 100, 200 epochs of 40 steps). A batch of B trials costs B times one trial.
  return audit_work(s) * 7e-6;
}

AuditResult run_rnn_audit(const fg::RunSpec& s, const AuditSettings& settings) {
  require(settings.learned > 0 && std::isfinite(settings.learned), "learned", settings.learned, "> 0 (finite)");
  require(s.neurons <= kAuditMaxNeurons, "N", s.neurons,
          "1.." + std::to_string(kAuditMaxNeurons) + " (the 50-digit run: R44)");
  fg::validate(s);
  const double work = audit_work(s);
  require(work <= kAuditMaxWork, "epochs", s.epochs,
          "<= " + render_count(std::floor(kAuditMaxWork / (work / static_cast<double>(std::max(1L, s.epochs))))) +
              " at this N, rank, T and B (epochs x T x B x N x K <= 5e8, K = N at full rank: the 50-digit run, R44)");

  const fg::RnnNet start = settings.start ? *settings.start : fg::random_net(s);
  AuditResult out;
  out.initial_net = start;
  out.permutation = unit_permutation(s.neurons, settings.permutation_seed);

  ReferenceRun<real> truth(s, start);
  ReferenceRun<float> single(s, start);
  fg::RnnTrainer doubled(s, start);
  fg::RnnTrainer permuted(s, permute_units(start, out.permutation));

  out.table.columns = {"epoch",
                       "loss_reference",
                       "loss_float32",
                       "loss_float64",
                       "loss_float64_permuted",
                       "parameter_distance_float32",
                       "parameter_distance_float64",
                       "parameter_distance_float64_permuted",
                       "loss_distance_float32",
                       "loss_distance_float64",
                       "loss_distance_float64_permuted"};
  out.table.integer_columns = {"epoch"};
  out.runs = {{"reference"}, {"float32"}, {"float64"}, {"float64_permuted"}};
  const std::string lr_text = render_value(s.lr);
  Progress progress("ghost rnn-audit", "epoch", static_cast<double>(s.epochs),
                    "the 50-digit run: epochs x T x B x N x K = " + render_count(work), audit_reference_seconds(s));

  // Row e: the parameters after e updates and the loss at them, which is the loss returned by
  // epoch e (computed before its update; the last row's is the final loss). The distances of
  // row e are taken right after update e, the losses one epoch later.
  double pd[3] = {0, 0, 0};
  std::vector<double> by_epoch[3];  // every epoch's distances, for the horizons
  const bool readout = s.config.readout != fg::RnnReadout::latent;
  const auto distances = [&] {
    const real norm2 = squared_norm(truth.params, readout);
    const fg::RnnNet nets[3] = {to_fast(single.params), doubled.net(), unpermute_units(permuted.net(), out.permutation)};
    for (int k = 0; k < 3; ++k) {
      pd[k] = relative_distance(squared_distance(truth.params, nets[k], readout), norm2);
      by_epoch[k].push_back(pd[k]);  // index: the epoch
    }
  };
  const auto row = [&](long e, const real& loss_ref, double l32, double l64, double lp) {
    for (double l : {static_cast<double>(loss_ref), l32, l64, lp}) require_finite_loss(l, "lr", lr_text, s.lr, e);
    if (e % settings.record_every == 0 || e == s.epochs)
      out.table.add_row({static_cast<double>(e), static_cast<double>(loss_ref), l32, l64, lp, pd[0], pd[1], pd[2],
                         relative_loss_distance(l32, loss_ref), relative_loss_distance(l64, loss_ref),
                         relative_loss_distance(lp, loss_ref)});
  };
  // The float64 run draws its own batches (it is rnn-train's run); `stream` draws the same ones
  // for the others, and the control gets them relabelled (R43).
  fg::BatchStream stream(s);
  distances();
  for (long e = 0; e < s.epochs; ++e) {
    progress.update(static_cast<double>(e));
    if (e == s.change_epoch) {
      truth.change(s);
      single.change(s);
      for (fg::RnnTrainer* t : {&doubled, &permuted}) t->apply_change();
    }
    real loss_ref;
    double l32, lp;
    if (stream.fixed()) {
      loss_ref = truth.epoch();
      l32 = static_cast<double>(single.epoch());
      lp = permuted.epoch();
    } else {
      const fg::RnnBatch batch = stream.next();
      loss_ref = truth.epoch(batch);
      l32 = static_cast<double>(single.epoch(batch));
      lp = permuted.epoch(permute_batch(batch, out.permutation));
    }
    const double l64 = doubled.epoch();
    row(e, loss_ref, l32, l64, lp);
    distances();
  }
  const fg::RnnBatch evaluation = fg::evaluation_batch(s);
  const real final_ref = truth.loss(evaluation);
  const double finals[4] = {static_cast<double>(final_ref), static_cast<double>(single.loss(evaluation)),
                            doubled.loss(), permuted.loss(permute_batch(evaluation, out.permutation))};
  row(s.epochs, final_ref, finals[1], finals[2], finals[3]);

  // Outcomes (R44): learned by the final loss against the threshold of rnn-train / rnn-sweep;
  // at rank one the fixed points of the final latent flow (R30), counted on each run's own net.
  const fg::RnnNet final_nets[4] = {to_fast(truth.params), to_fast(single.params), doubled.net(),
                                    unpermute_units(permuted.net(), out.permutation)};
  for (std::size_t k = 1; k < 4; ++k) {
    out.runs[k].set_horizons(horizons_of(by_epoch[k - 1]));
  }
  for (std::size_t k = 0; k < 4; ++k) {
    AuditRun& r = out.runs[k];
    r.final_loss = finals[k];
    r.learned = finals[k] < settings.learned;
    if (s.rank == 1 && s.task == fg::RnnTask::da) r.fixed_points = rank_one_state(final_nets[k]).fixed_points;
    r.outcome_agrees = r.learned == out.runs[0].learned && r.fixed_points == out.runs[0].fixed_points;
  }
  return out;
}

}  // namespace learndyn::experiments::ghost
