#include <learndyn/experiments/overlaps/aba.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <sstream>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/memory_budget.hpp>
#include <learndyn/experiments/overlaps/support.hpp>
#include <learndyn/experiments/overlaps/tasks.hpp>
#include <learndyn/experiments/overlaps/user_inputs.hpp>
#include <learndyn/fast/overlaps/network.hpp>
#include <learndyn/fast/overlaps/overlap_ode.hpp>
#include <learndyn/reference/overlaps/learning.hpp>

namespace learndyn::experiments::overlaps {
namespace ro = learndyn::reference::overlaps;

AbaSettings aba_defaults(AbaOptimizer optimizer) {
  AbaSettings s;
  s.optimizer = optimizer;
  if (optimizer == AbaOptimizer::sgd) {
    s.lr = 5e-3;
    s.phases = parse_phases("A:3000,B:1000,A:1000,B:1000,A+noise:4000", s.decay_a, s.decay_b, 0.1, 2);
  } else {
    s.lr = 1e-3;
    s.phases = parse_phases("A:4000,B:4000,A:4000,B:4000,A:4000", s.decay_a, s.decay_b, 0.1, 2);
  }
  return s;
}

std::vector<AbaPhase> parse_phases(const std::string& text, double decay_a, double decay_b,
                                   double noise_std, double noise_lr_factor) {
  const std::string allowed = "a comma-separated list of TASK:EPOCHS, TASK one of A, B, A+noise, B+noise";
  std::vector<AbaPhase> out;
  // getline drops a trailing empty item: "A:1," would silently be "A:1".
  require(text.empty() || text.back() != ',', "phases", "'" + text + "'", allowed + ", without empty items");
  std::stringstream list(text);
  for (std::string item; std::getline(list, item, ',');) {
    const auto colon = item.find(':');
    require(colon != std::string::npos, "phases", "'" + text + "'", allowed);
    const std::string task = item.substr(0, colon), count = item.substr(colon + 1);
    require(task == "A" || task == "B" || task == "A+noise" || task == "B+noise", "phases", "'" + text + "'",
            allowed);
    require(!count.empty() && count.size() <= 9 && count.find_first_not_of("0123456789") == std::string::npos,
            "phases", "'" + text + "'", allowed + " (epochs 0..999999999)");
    const bool noisy = task.size() > 1;
    out.push_back(AbaPhase{task, task[0] == 'A' ? decay_a : decay_b, std::stol(count),
                           noisy ? noise_std : 0.0, noisy ? noise_lr_factor : 1.0});
  }
  require(!out.empty(), "phases", "'" + text + "'", allowed);
  return out;
}

void validate(const AbaSettings& s) {
  require(s.neurons >= 4, "N", s.neurons, "N >= 4");
  if (s.vectors) validate_vectors(*s.vectors, s.neurons, 1, "1 (the A-B-A protocol is rank 1)");
  require(s.dt > 0 && s.dt <= 1, "dt", s.dt, "0 < dt <= 1");
  require(s.steps >= 1, "T", s.steps, "T >= 1");
  require(std::isfinite(s.decay_a) && std::isfinite(s.decay_b), "decay", s.decay_a, "finite");
  require(s.lr > 0 && std::isfinite(s.lr), "lr", s.lr, "lr > 0");
  require(!s.phases.empty(), "phases", "(none)", "at least one phase");
  for (const AbaPhase& p : s.phases) {
    require(p.epochs >= 0, "phases", p.epochs, "epochs >= 0");
    require(p.noise_std >= 0 && std::isfinite(p.noise_std), "noise", p.noise_std, ">= 0");
    require(p.lr_factor > 0 && std::isfinite(p.lr_factor), "noise-lr-factor", p.lr_factor, "> 0");
  }
  require(s.record_every >= 1, "record-every", s.record_every, "record-every >= 1");
  require(s.theta2_uu > 0 && std::isfinite(s.theta2_uu), "theta2-uu", s.theta2_uu, "> 0");
  require(std::isfinite(s.theta2_mu), "theta2-mu", s.theta2_mu, "finite");
  AdamSettings adam = s.adam;
  adam.lr = s.lr;
  validate(adam);
}

std::vector<std::pair<int, int>> aba_charge_entries(int n) {
  const auto at = [n](double fraction) { return std::clamp(static_cast<int>(std::lround(fraction * n)), 0, n - 1); };
  return {{0, std::max(0, n - 4)}, {std::min(1, n - 1), at(166.0 / 500)}, {std::min(1, n - 1), at(214.0 / 500)}};
}

namespace {

// A network with its optimiser: SGD at rate N lr (the fast trainer) or Adam at step lr.
class Learner {
 public:
  virtual ~Learner() = default;
  virtual double step(const fo::Task& task, double lr) = 0;  // the loss before the step
  virtual double loss(const fo::Task& task) = 0;
  virtual Eigen::MatrixXd gram() = 0;
  virtual fo::Network network() = 0;
};

class SgdLearner final : public Learner {
 public:
  SgdLearner(const fo::Model& model, const fo::Network& net, unsigned threads)
      : trainer_(model, net, {threads, false}) {}
  double step(const fo::Task& task, double lr) override { return trainer_.epoch(task, lr); }
  double loss(const fo::Task& task) override { return trainer_.loss(task); }
  Eigen::MatrixXd gram() override { return trainer_.gram(); }
  fo::Network network() override { return trainer_.network(); }

 private:
  fo::NetworkTrainer trainer_;
};

class AdamLearner final : public Learner {
 public:
  AdamLearner(const fo::Model& model, const fo::Network& net, const AdamSettings& adam, unsigned threads)
      : model_(model), net_(net), gradient_(net), adam_(net, adam), options_{threads, false} {}
  double step(const fo::Task& task, double lr) override {
    const double l = fo::network_gradient(model_, net_, task, gradient_, options_);
    adam_.set_lr(lr);
    adam_.step(net_, gradient_);
    return l;
  }
  double loss(const fo::Task& task) override { return fo::network_loss(model_, net_, task, options_); }
  Eigen::MatrixXd gram() override { return fo::gram(net_); }
  fo::Network network() override { return net_; }

 private:
  fo::Model model_;
  fo::Network net_, gradient_;
  Adam adam_;
  fo::NetworkOptions options_;
};

std::unique_ptr<Learner> make_learner(const AbaSettings& s, const fo::Model& model, const fo::Network& net) {
  if (s.optimizer == AbaOptimizer::sgd) return std::make_unique<SgdLearner>(model, net, s.threads);
  AdamSettings adam = s.adam;
  adam.lr = s.lr;
  return std::make_unique<AdamLearner>(model, net, adam, s.threads);
}

// K of (O31) as an N x N matrix.
Eigen::MatrixXd charge(const fo::Network& net) {
  Eigen::MatrixXd A(net.z.size(), 1 + net.V.cols()), B(net.m.size(), 1 + net.U.cols());
  A << net.z, net.V;
  B << net.m, net.U;
  return A * A.transpose() - B * B.transpose();
}

struct InvariantValues {
  double trace_j_sigma, det_sigma, zz_minus_mm, uu_minus_vv;
};

InvariantValues invariants_of(const Eigen::MatrixXd& sigma) {
  const ro::Invariants<double> inv = ro::invariants<double>(sigma, 1);
  return {inv.trace_j_sigma, inv.det_sigma, inv.zz_minus_mm, inv.uu_minus_vv(0, 0)};
}

}  // namespace

void require_aba_memory(const AbaSettings& s, bool json_table) {
  validate(s);
  const double n = s.neurons;
  // The N x N charge K (O31) at the phase start and its recomputation: two at once.
  const double network = 16 * n * n + (s.optimizer == AbaOptimizer::adam ? 440.0 : 220.0) * n;
  const double task = 500.0 * s.steps;
  double rows = 1;  // each phase records epochs 0..every-1, every every-th and its start
  for (const AbaPhase& p : s.phases)
    rows += std::min<double>(static_cast<double>(p.epochs) + 1,
                             static_cast<double>(s.record_every) + static_cast<double>(p.epochs / s.record_every) + 2);
  const double table = rows * 30 * (json_table ? 100 : 67);
  require_memory_terms(10e6, {{network, "N", render_value(s.neurons)},  // 10 MB: the program itself
                              {task, "T", render_value(s.steps)},
                              {table, "phases", render_value(rows) + " recorded rows"}});
}

AbaResult run_aba(const AbaSettings& s) {
  validate(s);
  const fo::Model model = fo::linear_model(1, s.dt);
  fo::Network start = s.vectors ? *s.vectors : fo::random_network(s.neurons, 1, s.seed);
  if (s.start_theta2 && !s.vectors)
    start = equivalent_network(start, std::sqrt(s.theta2_uu * s.neurons), s.theta2_mu * s.neurons);
  const bool sgd = s.optimizer == AbaOptimizer::sgd;
  std::unique_ptr<Learner> network = make_learner(s, model, start);
  // (O45) The theory starts from the exact Gram matrix of the network's initial vectors.
  Eigen::MatrixXd exact = exact_gram(start), euler = exact;
  const auto entries = aba_charge_entries(s.neurons);
  const double nan = std::numeric_limits<double>::quiet_NaN();

  AbaResult result;
  result.initial = start;
  result.sigma0 = exact;
  result.overlap_names = overlap_names(1, fo::Activation::linear);
  result.visible = overlap_visibility(1, fo::Activation::linear);
  Table& table = result.trajectory;
  table.columns = {"epoch", "phase", "loss_network"};
  if (sgd) table.columns.insert(table.columns.end(), {"loss_exact_map", "loss_euler", "gap_exact_map", "gap_euler"});
  for (const auto& name : result.overlap_names) table.columns.push_back(name);
  for (const auto& [i, j] : entries) table.columns.push_back("K_" + std::to_string(i) + "_" + std::to_string(j));
  table.columns.insert(table.columns.end(), {"tr_J_sigma", "det_sigma", "zz_minus_mm", "uu_minus_vv", "closure_gap"});
  result.phases.columns = {"phase", "decay", "epochs", "noise_std", "lr", "loss_start", "loss_end",
                           "closure_gap_max", "theory_gap_max", "K_drift_max", "tr_J_sigma_drift",
                           "det_sigma_drift", "zz_minus_mm_drift", "uu_minus_vv_drift"};

  NormalStream noise(derived_seed(s.seed, 1));
  long epoch = 0;
  const long total = [&] { long t = 0; for (const auto& p : s.phases) t += p.epochs; return t; }();
  std::vector<Eigen::MatrixXd> phase_end_sigma;
  for (std::size_t k = 0; k < s.phases.size(); ++k) {
    const AbaPhase& phase = s.phases[k];
    const double lr = s.lr * phase.lr_factor;
    const fo::Task clean = filter_task(phase.decay, 0, 1, s.dt, s.steps);
    fo::OverlapSolver solver(model, clean);
    const fo::Network at_start = network->network();
    std::unique_ptr<Learner> probe = make_learner(s, model, at_start);
    std::unique_ptr<Learner> twin = make_learner(s, model, rotated(at_start, derived_seed(s.seed, 100 + k)));
    const Eigen::MatrixXd K_start = charge(at_start);
    const InvariantValues inv_start = invariants_of(network->gram());
    double loss_start = nan, closure_max = 0, theory_max = sgd ? 0 : nan;
    const bool last_phase = k + 1 == s.phases.size();
    for (long e = 0; e < phase.epochs || (last_phase && e == phase.epochs); ++e, ++epoch) {
      const bool final_epoch = epoch == total;
      fo::Task task = clean;
      if (phase.noise_std > 0)
        for (Eigen::Index t = 0; t < task.target.cols(); ++t) task.target(0, t) += phase.noise_std * noise.next();
      const bool record = is_recorded(epoch, s.record_every, total) || e == 0;
      std::vector<double> row;
      Eigen::MatrixXd sigma;
      if (record) {
        sigma = network->gram();
        const double gap = max_abs_difference(probe->gram(), twin->gram());
        closure_max = std::max(closure_max, gap);
        row = {static_cast<double>(epoch), static_cast<double>(k), nan};
        if (sgd) {
          const double ge = max_abs_difference(sigma, exact);
          theory_max = std::max(theory_max, ge);
          row.insert(row.end(), {nan, nan, ge, max_abs_difference(sigma, euler)});
        }
        const Eigen::VectorXd values = overlap_values(sigma, 1, fo::Activation::linear);
        row.insert(row.end(), values.data(), values.data() + values.size());
        const fo::Network net = network->network();
        for (const auto& [i, j] : entries) row.push_back(charge_entry(net, i, j));
        const InvariantValues inv = invariants_of(sigma);
        row.insert(row.end(), {inv.trace_j_sigma, inv.det_sigma, inv.zz_minus_mm, inv.uu_minus_vv, gap});
      }
      double l_net, l_exact = nan, l_euler = nan;
      if (final_epoch) {
        l_net = network->loss(task);
        if (sgd) {
          l_exact = fo::overlap_loss(model, exact, task);
          l_euler = fo::overlap_loss(model, euler, task);
        }
      } else {
        l_net = network->step(task, lr);
        probe->step(task, lr);
        twin->step(task, lr);
        if (sgd) {
          if (phase.noise_std > 0) {
            l_exact = fo::overlap_epoch(model, task, lr, fo::Stepper::exact_map, exact);
            l_euler = fo::overlap_epoch(model, task, lr, fo::Stepper::euler, euler);
          } else {
            l_exact = solver.epoch(lr, fo::Stepper::exact_map, exact);
            l_euler = solver.epoch(lr, fo::Stepper::euler, euler);
          }
        }
      }
      if (e == 0) loss_start = l_net;
      if (record) {
        row[2] = l_net;
        if (sgd) {
          row[3] = l_exact;
          row[4] = l_euler;
        }
        table.add_row(std::move(row));
      }
    }
    // The phase's end state (the next phase's start, or the final state).
    const fo::Network at_end = network->network();
    const Eigen::MatrixXd sigma_end = network->gram();
    phase_end_sigma.push_back(sigma_end);
    closure_max = std::max(closure_max, max_abs_difference(probe->gram(), twin->gram()));
    if (sgd) theory_max = std::max(theory_max, max_abs_difference(sigma_end, exact));
    const InvariantValues inv_end = invariants_of(sigma_end);
    result.phases.add_row({static_cast<double>(k), phase.decay, static_cast<double>(phase.epochs), phase.noise_std, lr,
                           loss_start, network->loss(clean), closure_max, theory_max,
                           (charge(at_end) - K_start).cwiseAbs().maxCoeff(),
                           inv_end.trace_j_sigma - inv_start.trace_j_sigma, inv_end.det_sigma - inv_start.det_sigma,
                           inv_end.zz_minus_mm - inv_start.zz_minus_mm, inv_end.uu_minus_vv - inv_start.uu_minus_vv});
  }

  result.final = network->network();
  Summary& sum = result.summary;
  const Table& ph = result.phases;
  double closure = 0, theory = 0;
  for (std::size_t k = 0; k < ph.rows.size(); ++k) {
    closure = std::max(closure, ph.at(k, "closure_gap_max"));
    if (sgd) theory = std::max(theory, ph.at(k, "theory_gap_max"));
  }
  sum.add("closure_gap_max", closure);
  if (sgd) sum.add("theory_gap_max", theory);
  sum.add("loss_final", ph.at(ph.rows.size() - 1, "loss_end"));
  // Fig 3's scatter: the overlaps at the ends of phases 1, 3 and 5 (A1, A2, A3).
  if (phase_end_sigma.size() >= 3) {
    const auto split = [&](const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, bool visible) {
      return overlap_gap(a, b, result.visible, visible);
    };
    const Eigen::MatrixXd &a1 = phase_end_sigma[0], &a2 = phase_end_sigma[2];
    sum.add("A2_vs_A1_visible", split(a2, a1, true));
    sum.add("A2_vs_A1_invisible", split(a2, a1, false));
    if (phase_end_sigma.size() >= 5) {
      const Eigen::MatrixXd& a3 = phase_end_sigma[4];
      sum.add("A3_vs_A1_visible", split(a3, a1, true));
      sum.add("A3_vs_A1_invisible", split(a3, a1, false));
    }
  }
  return result;
}

}  // namespace learndyn::experiments::overlaps
