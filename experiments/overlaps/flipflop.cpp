#include <learndyn/experiments/overlaps/flipflop.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>

#include <boost/math/special_functions/erf.hpp>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/memory_budget.hpp>
#include <learndyn/common/progress.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/experiments/overlaps/networks.hpp>
#include <learndyn/experiments/overlaps/statistics.hpp>
#include <learndyn/experiments/overlaps/support.hpp>
#include <learndyn/fast/overlaps/network.hpp>

namespace learndyn::experiments::overlaps {

void validate(const FlipFlopRunSettings& s) {
  require(s.neurons >= 8 && s.neurons <= 10000000, "N", s.neurons, "8 <= N <= 1e7");
  require(s.epochs >= 0 && s.epochs <= 100000000, "epochs", s.epochs, "0 <= epochs <= 1e8");
  require(s.record_every >= 1, "record-every", s.record_every, "record-every >= 1");
  require(s.lr > 0 && std::isfinite(s.lr), "lr", s.lr, "lr > 0");
  require(s.task.dt > 0 && s.task.dt <= 1, "dt", s.task.dt, "0 < dt <= 1");
  require(s.task.batch >= 1, "batch", s.task.batch, "batch >= 1");
  require(duration_steps(s.task.t_max, s.task.dt) >= 1, "t-max", s.task.t_max, "t_max >= dt");
  require(std::isfinite(s.trace_t_max) && duration_steps(s.trace_t_max, s.task.dt) >= 2 &&
              duration_steps(s.trace_t_max, s.task.dt) <= 10000000,
          "trace-t-max", s.trace_t_max, "2 dt <= trace-t-max <= 1e7 dt");
  require(s.bins >= 2 && s.bins <= 1000, "bins", s.bins, "2 <= bins <= 1000");
  require(s.null_samples >= 100 && s.null_samples <= 1000000, "null-samples", s.null_samples,
          "100 <= null-samples <= 1e6");
}

void require_flipflop_memory(const FlipFlopRunSettings& s) {
  validate(s);
  // Per neuron: the trainer (72 bytes a neuron at rank one, as `filter`'s), the start, the final
  // copy, the loadings and Q-Q tables (a row vector each: ~100 bytes with its allocation) and the
  // sorted entries. Per batch step: one epoch's flip-flop batch (~260 bytes a trial step, as
  // nscaling's) and the theory's recursion (26 doubles a step). Per test-trial step: 230 bytes
  // (measured: 197 MB peak at 8e5 steps; the trial's one row, the outputs and its traces row).
  // Per recorded epoch: one trajectory row of 38 doubles.
  const double n = s.neurons;
  const double batch_steps = static_cast<double>(duration_steps(s.task.t_max, s.task.dt)) * s.task.batch;
  const double trace_steps = static_cast<double>(duration_steps(s.trace_t_max, s.task.dt));
  const double rows = std::min<double>(static_cast<double>(s.epochs) + 1,
                                       static_cast<double>(s.record_every) +
                                           static_cast<double>(s.epochs / s.record_every) + 1);
  require_memory_terms(20e6, {{n * (72 + 64 + 64 + 2 * 110 + 32), "N", render_value(s.neurons)},
                              {batch_steps * (260 + 26 * 8), "batch", render_value(s.task.batch)},
                              {trace_steps * 230, "trace-t-max", render_value(s.trace_t_max)},
                              {rows * (38 * 8 + 40), "epochs", render_value(s.epochs)}});
}

std::vector<double> normal_order_quantiles(int n) {
  // (O59) Filliben's medians of the uniform order statistics, mapped by Phi^{-1}(p) = -sqrt2 erfc^{-1}(2p).
  std::vector<double> q(static_cast<std::size_t>(n));
  const double last = std::pow(0.5, 1.0 / n);
  for (int i = 1; i <= n; ++i) {
    const double p = i == 1 ? 1 - last : i == n ? last : (i - 0.3175) / (n + 0.365);
    q[static_cast<std::size_t>(i - 1)] = -std::sqrt(2.0) * boost::math::erfc_inv(2 * p);
  }
  return q;
}

namespace {

double correlation_with(const std::vector<double>& q, const std::vector<double>& x) {
  const double n = static_cast<double>(q.size());
  double mq = 0, mx = 0;
  for (std::size_t i = 0; i < q.size(); ++i) mq += q[i], mx += x[i];
  mq /= n, mx /= n;
  double sqx = 0, sqq = 0, sxx = 0;
  for (std::size_t i = 0; i < q.size(); ++i) {
    sqx += (q[i] - mq) * (x[i] - mx);
    sqq += (q[i] - mq) * (q[i] - mq);
    sxx += (x[i] - mx) * (x[i] - mx);
  }
  return sxx > 0 ? sqx / std::sqrt(sqq * sxx) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

double qq_correlation(std::vector<double> sample) {
  require(sample.size() >= 2, "sample", static_cast<long>(sample.size()), "at least two values");
  std::sort(sample.begin(), sample.end());
  return correlation_with(normal_order_quantiles(static_cast<int>(sample.size())), sample);
}

double qq_null_quantile(int n, int draws, double level, std::uint64_t seed) {
  const std::vector<double> q = normal_order_quantiles(n);
  NormalStream normals(seed);
  std::vector<double> r, x(static_cast<std::size_t>(n));
  for (int d = 0; d < draws; ++d) {
    for (double& v : x) v = normals.next();
    std::sort(x.begin(), x.end());
    r.push_back(correlation_with(q, x));
  }
  std::sort(r.begin(), r.end());
  return r[static_cast<std::size_t>(std::floor(level * (draws - 1)))];
}

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// The network with its optimiser: SGD at rate N lr (the fast trainer), or Adam at step lr.
class Trained {
 public:
  Trained(const fo::Model& model, const fo::Network& net, const FlipFlopRunSettings& s)
      : model_(model), options_{s.threads, false}, lr_(s.lr), net_(net), gradient_(net) {
    if (s.optimizer == FlipFlopOptimizer::sgd) {
      trainer_ = std::make_unique<fo::NetworkTrainer>(model, net, options_);
    } else {
      AdamSettings a;
      a.lr = s.lr;
      adam_ = std::make_unique<Adam>(net, a);
    }
  }
  double step(const fo::Task& task) {
    if (trainer_) return trainer_->epoch(task, lr_);
    const double l = fo::network_gradient(model_, net_, task, gradient_, options_);
    adam_->step(net_, gradient_);
    return l;
  }
  double loss(const fo::Task& task) { return trainer_ ? trainer_->loss(task) : fo::network_loss(model_, net_, task, options_); }
  Eigen::MatrixXd outputs(const fo::Task& task) {
    return trainer_ ? trainer_->outputs(task) : fo::network_outputs(model_, net_, task, options_);
  }
  fo::Network network() const { return trainer_ ? trainer_->network() : net_; }
  Eigen::MatrixXd gram() const { return trainer_ ? trainer_->gram() : fo::gram(net_); }  // blocked sums (deterministic)

 private:
  fo::Model model_;
  fo::NetworkOptions options_;
  double lr_;
  fo::Network net_, gradient_;
  std::unique_ptr<fo::NetworkTrainer> trainer_;
  std::unique_ptr<Adam> adam_;
};

// An overlap theory that stops (NaN from then on) when its Sigma stops being finite.
struct Theory {
  Eigen::MatrixXd sigma;
  bool alive = true;
  long diverged_at = -1;
  void check(long epoch) {
    if (alive && !sigma.allFinite()) {
      alive = false;
      diverged_at = epoch;
    }
  }
};

}  // namespace

FlipFlopResult run_flipflop(const FlipFlopRunSettings& s) {
  validate(s);
  const fo::Model erf = fo::erf_model(1, s.task.dt);
  const fo::Network net0 = s.init == FlipFlopInit::balanced ? balanced_network(s.neurons, derived_seed(s.seed, 1))
                                                            : fo::random_network(s.neurons, 1, derived_seed(s.seed, 1));
  Trained network(erf, net0, s);
  const bool with_theory = s.theory && s.optimizer == FlipFlopOptimizer::sgd;
  Theory theory{exact_gram(net0)}, direct{theory.sigma};  // (O45): the network's own start
  if (!with_theory) theory.alive = direct.alive = false;

  FlipFlopResult r;
  r.overlap_names = overlap_names(1, fo::Activation::erf);
  r.visible = overlap_visibility(1, fo::Activation::erf);
  Table& tr = r.trajectory;
  tr.columns = {"epoch", "loss_network", "loss_theory", "loss_direct", "gap_theory", "gap_direct",
                "gap_theory_visible", "gap_theory_invisible"};
  for (const char* prefix : {"", "theory_", "direct_"})
    for (const std::string& n : r.overlap_names) tr.columns.push_back(prefix + n);
  tr.integer_columns = {"epoch"};

  const long steps = duration_steps(s.task.t_max, s.task.dt) * s.task.batch;
  Progress progress("overlaps flipflop", "epoch", static_cast<double>(s.epochs),
                    network_work(erf, s.neurons, static_cast<int>(std::min<long>(steps, 2147483647)), s.epochs),
                    network_seconds(erf, s.neurons, static_cast<int>(std::min<long>(steps, 2147483647)), s.epochs));
  Rng batches(derived_seed(s.seed, 2));
  double max_gap_theory = 0, max_loss_gap_theory = 0, max_loss_gap_direct = 0, loss0 = kNan;
  for (long e = 0; e <= s.epochs; ++e) {
    const bool last = e == s.epochs;
    const bool record = is_recorded(e, s.record_every, s.epochs);
    const fo::Task task = flip_flop(s.task, batches);
    Eigen::MatrixXd net_sigma;
    if (record) net_sigma = network.gram();
    const Eigen::MatrixXd theory_before = theory.sigma, direct_before = direct.sigma;
    double l_theory = kNan, l_direct = kNan;
    if (theory.alive || direct.alive) {
      fo::OverlapSolver solver(erf, task);  // the same batch as the network's (O56)
      // A theory whose Sigma leaves the solver's domain (a non-finite entry) stops there (NaN after).
      try {
        if (theory.alive) l_theory = last ? solver.loss(theory.sigma) : solver.epoch(s.lr, s.stepper, theory.sigma);
      } catch (const ArgumentError&) {
        theory.sigma.setConstant(kNan);
      }
      try {
        if (direct.alive) l_direct = last ? solver.loss(direct.sigma) : direct_step(solver, s.lr, direct.sigma);
      } catch (const ArgumentError&) {
        direct.sigma.setConstant(kNan);
      }
    }
    const double l_net = last ? network.loss(task) : network.step(task);
    if (e == 0) loss0 = l_net;
    if (record) {
      std::vector<double> row{static_cast<double>(e), l_net, l_theory, l_direct};
      const double gap_t = with_theory && theory_before.allFinite() ? max_abs_difference(net_sigma, theory_before) : kNan;
      const double gap_d = with_theory && direct_before.allFinite() ? max_abs_difference(net_sigma, direct_before) : kNan;
      double gap_vis = kNan, gap_inv = kNan;
      if (std::isfinite(gap_t)) {
        gap_vis = overlap_gap(net_sigma, theory_before, r.visible, true);
        gap_inv = overlap_gap(net_sigma, theory_before, r.visible, false);
        max_gap_theory = std::max(max_gap_theory, gap_t);
      }
      row.insert(row.end(), {gap_t, gap_d, gap_vis, gap_inv});
      for (const Eigen::MatrixXd* m : std::array<const Eigen::MatrixXd*, 3>{&net_sigma, &theory_before, &direct_before}) {
        const bool shown = m == &net_sigma || (with_theory && m->allFinite());
        const Eigen::VectorXd v = overlap_values(*m, 1, fo::Activation::erf);
        for (Eigen::Index k = 0; k < v.size(); ++k) row.push_back(shown ? v(k) : kNan);
      }
      tr.add_row(std::move(row));
      if (std::isfinite(l_theory)) max_loss_gap_theory = std::max(max_loss_gap_theory, std::fabs(l_net - l_theory));
      if (std::isfinite(l_direct)) max_loss_gap_direct = std::max(max_loss_gap_direct, std::fabs(l_net - l_direct));
    }
    theory.check(e + 1);
    direct.check(e + 1);
    if (!last) progress.advance();
  }
  require(tr.rows.back()[1] == tr.rows.back()[1] && std::isfinite(tr.rows.back()[1]), "lr", s.lr,
          "a rate at which the network's loss stays finite");

  // ---- the test trial (O57) -----------------------------------------------------------------
  FlipFlopSettings trial = s.task;
  trial.t_max = s.trace_t_max;
  trial.batch = 1;
  Rng trial_rng(derived_seed(s.seed, 3));
  Eigen::MatrixXd mask;
  const fo::Task test = flip_flop(trial, trial_rng, &mask);
  const fo::Network final_net = network.network();
  const Eigen::MatrixXd final_sigma = exact_gram(final_net);
  const Eigen::MatrixXd y_net = network.outputs(test);
  const Eigen::MatrixXd y_eff_net = fo::overlap_outputs(erf, final_sigma, test);
  const Eigen::MatrixXd nan_row = Eigen::MatrixXd::Constant(1, test.input.cols(), kNan);
  const Eigen::MatrixXd y_eff_theory = theory.alive ? fo::overlap_outputs(erf, theory.sigma, test) : nan_row;
  const Eigen::MatrixXd y_eff_direct = direct.alive ? fo::overlap_outputs(erf, direct.sigma, test) : nan_row;
  r.traces.columns = {"t", "input", "target", "mask", "y_network", "y_effective_network", "y_effective_theory",
                      "y_effective_direct"};
  r.traces.integer_columns = {"mask"};
  double sq_theory = 0, max_theory = 0, sq_net = 0, max_net = 0, sq_target = 0;
  double masked_theory = 0, masked_net = 0, masked_target = 0, masked_steps = 0;  // the steps the loss weighs
  const Eigen::Index T = test.input.cols();
  for (Eigen::Index k = 0; k < T; ++k) {
    r.traces.add_row({static_cast<double>(k) * s.task.dt, test.input(0, k), test.target(0, k), mask(0, k), y_net(0, k),
                      y_eff_net(0, k), y_eff_theory(0, k), y_eff_direct(0, k)});
    const double dt_ = y_net(0, k) - y_eff_theory(0, k), dn = y_net(0, k) - y_eff_net(0, k);
    sq_theory += dt_ * dt_, sq_net += dn * dn, sq_target += test.target(0, k) * test.target(0, k);
    max_theory = std::max(max_theory, std::fabs(dt_));
    max_net = std::max(max_net, std::fabs(dn));
    if (mask(0, k) > 0) {
      masked_theory += dt_ * dt_, masked_net += dn * dn, masked_target += test.target(0, k) * test.target(0, k);
      masked_steps += 1;
    }
  }

  // ---- the loadings (O59, O60) ----------------------------------------------------------------
  const Eigen::VectorXd u = final_net.U.col(0), v = final_net.V.col(0);
  const Eigen::VectorXd* entries[4] = {&final_net.m, &u, &v, &final_net.z};
  const double second[4] = {final_sigma(2, 2), final_sigma(3, 3), final_sigma(1, 1), final_sigma(0, 0)};  // canonical z v m u
  const char* names[4] = {"m", "u", "v", "z"};
  const int n = s.neurons;
  r.loadings.columns = {"unit", "m", "u", "v", "z"};
  r.loadings.integer_columns = {"unit"};
  for (int i = 0; i < n; ++i) r.loadings.add_row({static_cast<double>(i), (*entries[0])(i), (*entries[1])(i), (*entries[2])(i), (*entries[3])(i)});
  double reach = 0;
  for (const Eigen::VectorXd* x : entries) reach = std::max(reach, x->cwiseAbs().maxCoeff());
  reach *= 1 + 1e-9;
  const double width = 2 * reach / s.bins;
  r.histogram.columns = {"x", "m", "u", "v", "z", "normal_m", "normal_u", "normal_v", "normal_z"};
  std::vector<std::vector<double>> counts(4, std::vector<double>(static_cast<std::size_t>(s.bins), 0.0));
  for (int j = 0; j < 4; ++j)
    for (int i = 0; i < n; ++i) {
      const int b = std::min(s.bins - 1, static_cast<int>(std::floor(((*entries[j])(i) + reach) / width)));
      counts[static_cast<std::size_t>(j)][static_cast<std::size_t>(b)] += 1;
    }
  const double pi = 3.14159265358979323846;
  for (int b = 0; b < s.bins; ++b) {
    const double x = -reach + (b + 0.5) * width;
    std::vector<double> row{x};
    for (int j = 0; j < 4; ++j) row.push_back(counts[static_cast<std::size_t>(j)][static_cast<std::size_t>(b)] / (n * width));
    for (int j = 0; j < 4; ++j) row.push_back(std::exp(-x * x / (2 * second[j])) / std::sqrt(2 * pi * second[j]));
    r.histogram.add_row(std::move(row));
  }
  const std::vector<double> q = normal_order_quantiles(n);
  std::vector<std::vector<double>> sorted(4);
  double qq_r[4];
  for (int j = 0; j < 4; ++j) {
    sorted[static_cast<std::size_t>(j)].assign(entries[j]->data(), entries[j]->data() + n);
    std::sort(sorted[static_cast<std::size_t>(j)].begin(), sorted[static_cast<std::size_t>(j)].end());
    qq_r[j] = correlation_with(q, sorted[static_cast<std::size_t>(j)]);
  }
  r.qq.columns = {"rank", "quantile", "m", "u", "v", "z"};
  r.qq.integer_columns = {"rank"};
  for (int i = 0; i < n; ++i) {
    std::vector<double> row{static_cast<double>(i + 1), q[static_cast<std::size_t>(i)]};
    for (int j = 0; j < 4; ++j) row.push_back(sorted[static_cast<std::size_t>(j)][static_cast<std::size_t>(i)] / std::sqrt(second[j]));
    r.qq.add_row(std::move(row));
  }
  // The null's cost is draws x N normals and sorts: above N = 5e4 the draws fall to keep it near
  // 5e7 (at least 100, whose 1% quantile is then the sample minimum's neighbour; E39).
  const int null_draws = std::max(100, std::min(s.null_samples, static_cast<int>(5e7 / n)));
  const double null01 = qq_null_quantile(n, null_draws, 0.01, derived_seed(s.seed, 4));
  const LoadingShape shape = loading_shape(loadings(final_net));

  // ---- summary --------------------------------------------------------------------------------
  Summary& sum = r.summary;
  const auto& lastrow = tr.rows.back();
  sum.add("loss_network_initial", loss0);
  sum.add("loss_network_final", lastrow[1]);
  sum.add("loss_theory_final", lastrow[2]);
  sum.add("loss_direct_final", lastrow[3]);
  sum.add("max_loss_gap_theory_relative", with_theory ? max_loss_gap_theory / loss0 : kNan);
  sum.add("max_loss_gap_direct_relative", with_theory ? max_loss_gap_direct / loss0 : kNan);
  // (O62) The plateau escape: the first recorded epoch whose loss is below 0.1 (L(0) ~ 0.25 on
  // this task); NaN when it never is. A loss-gap maximum during the steep drop measures mostly
  // the offset between two escapes, which this states directly.
  for (const auto& [name, column] : {std::pair<const char*, int>{"escape_epoch_network", 1}, {"escape_epoch_theory", 2},
                                     {"escape_epoch_direct", 3}}) {
    double at = kNan;
    for (const auto& row : tr.rows)
      if (row[static_cast<std::size_t>(column)] < 0.1) {
        at = row[0];
        break;
      }
    sum.add(name, at);
  }
  sum.add("gap_theory_final", lastrow[4]);
  sum.add("gap_theory_max", with_theory ? max_gap_theory : kNan);
  sum.add("gap_theory_visible_final", lastrow[6]);
  sum.add("gap_theory_invisible_final", lastrow[7]);
  sum.add("gap_direct_final", lastrow[5]);
  sum.add("theory_diverged_epoch", theory.diverged_at >= 0 ? static_cast<double>(theory.diverged_at) : kNan);
  sum.add("direct_diverged_epoch", direct.diverged_at >= 0 ? static_cast<double>(direct.diverged_at) : kNan);
  sum.add("trace_rms_target", std::sqrt(sq_target / T));
  sum.add("trace_rms_network_vs_theory", theory.alive ? std::sqrt(sq_theory / T) : kNan);
  sum.add("trace_max_network_vs_theory", theory.alive ? max_theory : kNan);
  sum.add("trace_rms_network_vs_theory_masked",
          theory.alive && masked_steps > 0 ? std::sqrt(masked_theory / masked_steps) : kNan);
  sum.add("trace_rms_network_vs_own_sigma", std::sqrt(sq_net / T));
  sum.add("trace_max_network_vs_own_sigma", max_net);
  sum.add("trace_rms_network_vs_own_sigma_masked", masked_steps > 0 ? std::sqrt(masked_net / masked_steps) : kNan);
  sum.add("trace_rms_target_masked", masked_steps > 0 ? std::sqrt(masked_target / masked_steps) : kNan);
  for (int j = 0; j < 4; ++j) sum.add(std::string("qq_r_") + names[j], qq_r[j]);
  sum.add("qq_r_null_q01", null01);
  sum.add("qq_null_draws", null_draws);
  sum.add("kurtosis_mardia", shape.mardia);
  sum.add("kurtosis_marginal_max", shape.marginal_max);
  return r;
}

}  // namespace learndyn::experiments::overlaps
