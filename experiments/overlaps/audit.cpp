#include <learndyn/experiments/overlaps/audit.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/memory_budget.hpp>
#include <learndyn/common/progress.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/experiments/overlaps/support.hpp>
#include <learndyn/experiments/overlaps/tasks.hpp>
#include <learndyn/experiments/overlaps/user_inputs.hpp>
#include <learndyn/reference/overlaps/network.hpp>

namespace learndyn::experiments::overlaps {
namespace {

namespace ro = learndyn::reference::overlaps;

// C = [z V m U] (N x (2R+2)) at 50 digits; every double and float entry is exact there.
template <class Matrix>
ro::Matrix<real> columns_of(const Matrix& z, const Matrix& m, const Matrix& U, const Matrix& V) {
  const Eigen::Index n = z.rows(), r = U.cols();
  ro::Matrix<real> C(n, 2 * r + 2);
  for (Eigen::Index i = 0; i < n; ++i) {
    C(i, 0) = real(z(i, 0));
    C(i, r + 1) = real(m(i, 0));
    for (Eigen::Index k = 0; k < r; ++k) {
      C(i, 1 + k) = real(V(i, k));
      C(i, r + 2 + k) = real(U(i, k));
    }
  }
  return C;
}
ro::Matrix<real> columns_of(const fo::Network& n) { return columns_of<Eigen::MatrixXd>(n.z, n.m, n.U, n.V); }
template <class Real>
ro::Matrix<real> columns_of(const ro::Network<Real>& n) {
  return columns_of<ro::Matrix<Real>>(n.z, n.m, n.U, n.V);
}

// Sigma = C^T C / N at 50 digits (O5).
ro::Matrix<real> gram_of(const ro::Matrix<real>& C) {
  return (C.transpose() * C / real(static_cast<double>(C.rows()))).eval();
}

double max_abs_difference(const ro::Matrix<real>& a, const ro::Matrix<real>& b) {
  using std::abs;
  real worst = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i) worst = std::max(worst, real(abs(a.data()[i] - b.data()[i])));
  return static_cast<double>(worst);
}

double rows_of_table(const FilterSettings& s) {
  return std::min<double>(static_cast<double>(s.epochs) + 1,
                          static_cast<double>(s.record_every) + static_cast<double>(s.epochs / s.record_every) + 1);
}

}  // namespace

FilterSettings audit_defaults(int rank) {
  FilterSettings s = filter_defaults(rank);
  s.neurons = 50;
  s.epochs = 200;
  s.record_every = 1;
  return s;
}

fo::Network permute_units(const fo::Network& net, const std::vector<int>& p) {
  fo::Network out = net;
  for (Eigen::Index i = 0; i < static_cast<Eigen::Index>(p.size()); ++i) {
    const Eigen::Index s = p[static_cast<std::size_t>(i)];
    out.z(i) = net.z(s);
    out.m(i) = net.m(s);
    out.U.row(i) = net.U.row(s);
    out.V.row(i) = net.V.row(s);
  }
  return out;
}

fo::Network unpermute_units(const fo::Network& net, const std::vector<int>& p) {
  return permute_units(net, inverse_permutation(p));
}

double audit_work(const FilterSettings& s) {
  return (static_cast<double>(s.epochs) + 1) * s.steps * s.neurons * (2.0 * s.rank + 2);
}

double audit_seconds(const FilterSettings& s) {
  // Measured (E24; CPU time on this 2-core machine, N = 50, T = 400, 20 epochs): the four runs
  // together cost 4.5e-7 s a unit of work with linear phi, 4.6e-6 s with erf and 2.8e-6 s with
  // tanh (the 50-digit run dominates; its erf and tanh are the cost of the nonlinear runs).
  return audit_work(s) * (s.activation == ro::Activation::linear ? 5e-7 : 5e-6);
}

double audit_max_work(const FilterSettings& s) {
  return s.activation == ro::Activation::linear ? kAuditMaxWorkLinear : kAuditMaxWorkNonlinear;
}

void validate(const AuditSettings& a) {
  const FilterSettings& s = a.run;
  require(a.learned > 0 && std::isfinite(a.learned), "learned", a.learned, "> 0 (finite)");
  require(!s.sigma0, "sigma0", "(a Gram matrix)", "none in an audit (it trains the network, not the theory alone)");
  require(s.reference == ReferenceCheck::none, "reference", "(a reference check)",
          "none in an audit (its reference is the 50-digit network)");
  validate(s);
  const double per_epoch = audit_work(s) / (static_cast<double>(s.epochs) + 1);
  const double bound = audit_max_work(s);
  const std::string rule = "((epochs + 1) x T x N x (2R+2) <= " + render_count(bound) + " for " +
                           (s.activation == ro::Activation::linear ? "linear phi" : "erf and tanh") +
                           ": the 50-digit run, E24)";
  if (per_epoch > bound / 2) {  // not even one epoch and the final loss: the network is the size to lower
    const double largest = std::floor(bound / 2 / (s.steps * (2.0 * s.rank + 2)));
    require(largest >= 1, "T", s.steps, "a T at which one epoch fits " + rule);
    require(false, "N", s.neurons, "1.." + render_count(largest) + " at this T and rank " + rule);
  }
  require(audit_work(s) <= bound, "epochs", s.epochs,
          "0.." + render_count(std::floor(bound / per_epoch) - 1) + " at this N, T and rank " + rule);
  // The 50-digit and float BPTT keep about 3 N-vectors a step (h, phi(h), the next state) for
  // the backward pass (ro::network_gradient), tanh's float64 run the same at double; the table
  // ~67 bytes a cell, 18 columns; the horizons 4 doubles an epoch.
  const double per_entry = sizeof(real) + sizeof(float) + (s.activation == ro::Activation::tanh ? 8.0 : 0.0);
  const double states = 3.0 * s.neurons * (s.steps + 1.0) * per_entry;
  const double vectors = 8.0 * (2 * s.rank + 2) * s.neurons * (sizeof(real) + 24.0);
  const double table = rows_of_table(s) * 18 * 67 + 32.0 * (static_cast<double>(s.epochs) + 1);
  require_memory_terms(20e6, {{states, "T", render_value(s.steps)},
                              {vectors, "N", render_value(s.neurons)},
                              {table, "epochs", render_value(s.epochs)}});
}

AuditResult run_audit(const AuditSettings& a) {
  validate(a);
  const FilterSettings& s = a.run;
  const fo::Task task = filter_task(s.decay, s.frequency, s.amplitude, s.dt, s.steps);
  AuditResult out;
  out.initial = s.vectors ? *s.vectors : fo::random_network(s.neurons, s.rank, s.seed);
  out.permutation = unit_permutation(s.neurons, a.permutation_seed);

  ReferenceTraining<real> truth(s, out.initial, task);
  ReferenceTraining<float> single(s, out.initial, task);
  const std::unique_ptr<FilterNetwork> doubled = make_filter_network(s, out.initial, task);  // the filter's run
  const std::unique_ptr<FilterNetwork> permuted = make_filter_network(s, permute_units(out.initial, out.permutation), task);

  const char* names[3] = {"float32", "float64", "float64_permuted"};
  out.table.columns = {"epoch", "loss_reference", "loss_float32", "loss_float64", "loss_float64_permuted"};
  for (const char* prefix : {"parameter_distance_", "loss_distance_", "overlap_distance_"})
    for (const char* name : names) out.table.columns.push_back(std::string(prefix) + name);
  out.table.columns.push_back("parameter_distance_float64_vs_permuted");
  out.table.integer_columns = {"epoch"};
  out.runs = {{"reference"}, {"float32"}, {"float64"}, {"float64_permuted"}};
  Progress progress("overlaps audit", "epoch", static_cast<double>(s.epochs),
                    "the 50-digit run: (epochs + 1) x T x N x (2R+2) = " + render_count(audit_work(s)), audit_seconds(s));

  // Row e: the vectors after e updates and the loss at them, which is the loss epoch e returns
  // (computed before its update; the last row's is the final loss). Distances every epoch (for
  // the horizons), overlaps only at the recorded ones.
  std::vector<double> by_epoch[4];  // the three runs, then float64 vs permuted
  double pd[4] = {0, 0, 0, 0}, od[3] = {0, 0, 0};
  const auto distances = [&](long e) {
    const ro::Matrix<real> ref = columns_of(truth.net);
    const real norm2 = ref.squaredNorm();
    const ro::Matrix<real> C[3] = {columns_of(single.net), columns_of(doubled->network()),
                                   columns_of(unpermute_units(permuted->network(), out.permutation))};
    for (int k = 0; k < 3; ++k) by_epoch[k].push_back(pd[k] = relative_distance((C[k] - ref).squaredNorm(), norm2));
    by_epoch[3].push_back(pd[3] = relative_distance((C[2] - C[1]).squaredNorm(), norm2));
    if (!is_recorded(e, s.record_every, s.epochs)) return;
    const ro::Matrix<real> sigma = gram_of(ref);
    for (int k = 0; k < 3; ++k) od[k] = max_abs_difference(gram_of(C[k]), sigma);
  };
  const auto row = [&](long e, const real& loss_ref, double l32, double l64, double lp) {
    for (double l : {static_cast<double>(loss_ref), l32, l64, lp})
      require(std::isfinite(l), "lr", s.lr,
              "a rate at which every run's loss stays finite (a loss diverged at epoch " + std::to_string(e) + ")");
    if (!is_recorded(e, s.record_every, s.epochs)) return;
    out.table.add_row({static_cast<double>(e), static_cast<double>(loss_ref), l32, l64, lp, pd[0], pd[1], pd[2],
                       relative_loss_distance(l32, loss_ref), relative_loss_distance(l64, loss_ref),
                       relative_loss_distance(lp, loss_ref), od[0], od[1], od[2], pd[3]});
  };
  distances(0);
  for (long e = 0; e < s.epochs; ++e) {
    progress.update(static_cast<double>(e));
    const real loss_ref = truth.epoch();
    const double l32 = static_cast<double>(single.epoch());
    const double l64 = doubled->epoch(s.lr), lp = permuted->epoch(s.lr);
    row(e, loss_ref, l32, l64, lp);
    distances(e + 1);
  }
  const real final_ref = truth.loss();
  const double finals[4] = {static_cast<double>(final_ref), static_cast<double>(single.loss()), doubled->loss(),
                            permuted->loss()};
  row(s.epochs, final_ref, finals[1], finals[2], finals[3]);

  // Outcomes (E23): learned by the final loss against --learned; the final overlaps' distance.
  for (std::size_t k = 0; k < 4; ++k) {
    AuditRun& r = out.runs[k];
    r.final_loss = finals[k];
    r.learned = finals[k] < a.learned;
    r.outcome_agrees = r.learned == out.runs[0].learned;
    if (k == 0) continue;
    r.set_horizons(horizons_of(by_epoch[k - 1]));
    r.final_overlap_distance = od[k - 1];
  }
  out.noise_floor = horizons_of(by_epoch[3]);
  return out;
}

}  // namespace learndyn::experiments::overlaps
