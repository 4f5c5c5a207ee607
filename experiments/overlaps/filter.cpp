#include <learndyn/experiments/overlaps/filter.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/memory_budget.hpp>
#include <learndyn/common/progress.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/experiments/audit.hpp>
#include <learndyn/experiments/overlaps/audit.hpp>
#include <learndyn/experiments/overlaps/statistics.hpp>
#include <learndyn/experiments/overlaps/support.hpp>
#include <learndyn/experiments/overlaps/tasks.hpp>
#include <learndyn/experiments/overlaps/user_inputs.hpp>
#include <learndyn/fast/overlaps/network.hpp>
#include <learndyn/fast/overlaps/overlap_ode.hpp>
#include <learndyn/reference/overlaps/learning.hpp>

namespace learndyn::experiments::overlaps {
namespace ro = learndyn::reference::overlaps;

FilterSettings filter_defaults(int rank) {
  FilterSettings s;
  s.rank = rank;
  if (rank >= 2) {
    s.decay = 0.3;
    s.frequency = 2;
    s.epochs = 10000;
    s.record_every = 50;
  }
  return s;
}

void validate(const FilterSettings& s) {
  require(s.rank >= 1 && s.rank <= fo::kMaxNetworkRank, "rank", s.rank, "1 <= rank <= 8");
  require(s.neurons >= 1, "N", s.neurons, "N >= 1");
  require(s.dt > 0 && s.dt <= 1, "dt", s.dt, "0 < dt <= 1");
  require(s.steps >= 1, "T", s.steps, "T >= 1");
  require(std::isfinite(s.decay), "decay", s.decay, "finite");
  require(std::isfinite(s.frequency), "frequency", s.frequency, "finite");
  require(std::isfinite(s.amplitude), "amplitude", s.amplitude, "finite");
  require(s.lr > 0 && std::isfinite(s.lr), "lr", s.lr, "lr > 0");
  require(s.epochs >= 0, "epochs", s.epochs, "epochs >= 0");
  require(s.record_every >= 1, "record-every", s.record_every, "record-every >= 1");
  require(s.reference == ReferenceCheck::none || (s.reference_epochs >= 0 && s.reference_epochs <= s.epochs),
          "reference-epochs", s.reference_epochs, "0 <= reference-epochs <= epochs");
  require(!(s.vectors && s.sigma0), "sigma0", "(with vectors)",
          "either the network's vectors or the theory's Gram matrix, not both");
  if (s.vectors) validate_vectors(*s.vectors, s.neurons, s.rank);
  if (s.sigma0) {
    require(s.sigma0->rows() == 2 * s.rank + 2, "rank", s.rank,
            "the R of sigma0 (" + std::to_string(s.sigma0->rows() / 2 - 1) + ")");
    fo::validate_overlaps(*s.sigma0, s.rank);
  }
}

namespace {

// Sigma of the reference's gradient flow (adaptive at double, extrapolation at 50 digits) at
// each of `epochs`, from the theory's initial Gram matrix, as doubles.
template <class Real>
std::vector<Eigen::MatrixXd> reference_flow(const FilterSettings& s, const Eigen::MatrixXd& sigma0,
                                            const std::vector<long>& epochs, ro::FlowMethod method) {
  const ro::Model<Real> model{s.rank, Real(s.dt), s.activation, s.readout};
  const ro::Task<Real> task = ro::filter_task<Real>(
      ro::FilterTarget<Real>{Real(s.decay), Real(s.frequency), Real(s.amplitude)}, Real(s.dt), s.steps);
  ro::FlowSettings<Real> settings{Real(s.lr)};
  settings.method = method;
  std::vector<Real> times;
  for (long e : epochs) times.push_back(Real(e));
  const ro::Matrix<Real> start = sigma0.cast<Real>();
  std::vector<Eigen::MatrixXd> out;
  for (const auto& sample : ro::integrate_flow<Real>(model, task, start, settings, times)) {
    Eigen::MatrixXd m(sample.sigma.rows(), sample.sigma.cols());
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      for (Eigen::Index j = 0; j < m.cols(); ++j) m(i, j) = static_cast<double>(sample.sigma(i, j));
    out.push_back(m);
  }
  return out;
}

// The name order and visibility of the overlaps depend only on whether phi is linear (O6, O12).
fo::Activation order_of(ro::Activation phi) {
  return phi == ro::Activation::linear ? fo::Activation::linear : fo::Activation::erf;
}

ro::Task<double> to_reference(const fo::Task& task) { return {task.input, task.target, task.weight}; }

class FastFilterNetwork final : public FilterNetwork {
 public:
  FastFilterNetwork(const fo::Model& model, const fo::Network& net, const fo::Task& task, unsigned threads)
      : trainer_(model, net, {threads, false}), task_(task) {}
  double epoch(double lr) override { return trainer_.epoch(task_, lr); }
  double loss() override { return trainer_.loss(task_); }
  Eigen::MatrixXd gram() override { return trainer_.gram(); }
  fo::Network network() override { return trainer_.network(); }

 private:
  fo::NetworkTrainer trainer_;
  const fo::Task& task_;
};

class ReferenceFilterNetwork final : public FilterNetwork {
 public:
  ReferenceFilterNetwork(const FilterSettings& s, const fo::Network& net, const fo::Task& task) : run_(s, net, task) {}
  double epoch(double) override { return run_.epoch(); }  // at the settings' lr
  double loss() override { return run_.loss(); }
  Eigen::MatrixXd gram() override { return fo::gram(network()); }
  fo::Network network() override { return {run_.net.z, run_.net.m, run_.net.U, run_.net.V}; }

 private:
  ReferenceTraining<double> run_;
};

enum class TheoryStep { exact_map, euler, direct };

// The overlap theory (O11-O17, O22): the fast solver (linear, erf) or the reference at double.
class FilterTheory {
 public:
  virtual ~FilterTheory() = default;
  virtual double step(TheoryStep kind, double lr, Eigen::MatrixXd& sigma) = 0;  // the loss before it
  virtual double loss(const Eigen::MatrixXd& sigma) = 0;
};

class FastFilterTheory final : public FilterTheory {
 public:
  FastFilterTheory(const fo::Model& model, const fo::Task& task) : solver_(model, task) {}
  double step(TheoryStep kind, double lr, Eigen::MatrixXd& sigma) override {
    switch (kind) {
      case TheoryStep::exact_map: return solver_.epoch(lr, fo::Stepper::exact_map, sigma);
      case TheoryStep::euler: return solver_.epoch(lr, fo::Stepper::euler, sigma);
      case TheoryStep::direct: break;
    }
    return direct_step(solver_, lr, sigma);
  }
  double loss(const Eigen::MatrixXd& sigma) override { return solver_.loss(sigma); }

 private:
  fo::OverlapSolver solver_;
};

class ReferenceFilterTheory final : public FilterTheory {
 public:
  ReferenceFilterTheory(const ro::Model<double>& model, const fo::Task& task) : model_(model), task_(to_reference(task)) {}
  double step(TheoryStep kind, double lr, Eigen::MatrixXd& sigma) override {
    const double before = loss(sigma);
    switch (kind) {
      case TheoryStep::exact_map: sigma = ro::discrete_map_step(model_, task_, lr, sigma); break;  // (O16)
      case TheoryStep::euler: sigma += ro::flow_rhs(model_, task_, lr, sigma); break;             // (O17)
      case TheoryStep::direct: sigma += ro::direct_rhs(model_, task_, lr, sigma); break;          // (O22)
    }
    return before;
  }
  double loss(const Eigen::MatrixXd& sigma) override { return ro::overlap_loss(model_, sigma, task_); }

 private:
  ro::Model<double> model_;
  ro::Task<double> task_;
};

std::vector<long> recorded_epochs(long last, long every, long limit) {
  std::vector<long> out;
  for (long e = 0; e <= std::min(last, limit); ++e)
    if (is_recorded(e, every, last)) out.push_back(e);
  if (limit < last && (out.empty() || out.back() != limit)) out.push_back(limit);
  return out;
}

}  // namespace

fo::Model fast_model(const FilterSettings& s) {
  return {s.rank, s.dt, order_of(s.activation),
          s.readout == ro::Readout::after_update ? fo::Readout::after_update : fo::Readout::before_update};
}

std::unique_ptr<FilterNetwork> make_filter_network(const FilterSettings& s, const fo::Network& start,
                                                   const fo::Task& task) {
  if (s.activation != ro::Activation::tanh)
    return std::make_unique<FastFilterNetwork>(fast_model(s), start, task, s.threads);
  return std::make_unique<ReferenceFilterNetwork>(s, start, task);
}

double rounding_level(const FilterSettings& s, double max_abs_sigma) {
  return 10 * (static_cast<double>(s.epochs) + 1) * (static_cast<double>(s.steps) + s.neurons) * 0x1p-53 *
         std::max(1.0, max_abs_sigma);
}

const char* theory_gap_verdict(const FilterSettings& s, double max_gap_exact_map, double max_gap_rounding, double level) {
  // NaN gaps (a diverged run) fail both comparisons: no rounding verdict.
  if (max_gap_rounding > level && max_gap_rounding >= max_gap_exact_map / 10) return kTheoryGapRounding;
  return s.activation == ro::Activation::linear ? kTheoryGapRoundingLevel : kTheoryGapClosure;
}

void require_filter_memory(const FilterSettings& s, bool json_table) {
  validate(s);
  const double rank = s.rank;
  // The theory alone keeps no network; tanh's reference network keeps its states, about five
  // N-vectors a step, for the backward pass (ro::network_gradient). The rounding control is a
  // second network (and its states) plus the permutation, 4 bytes a neuron.
  const double reference_states = s.activation == ro::Activation::tanh ? 40.0 * s.neurons * (s.steps + 1.0) : 0.0;
  const bool control = s.rounding_control && !s.sigma0;
  const double network = s.sigma0 ? 0.0
                                  : (control ? 2 : 1) * (18 * (2 * rank + 2) * s.neurons + reference_states) +
                                        (control ? 4.0 * s.neurons : 0.0);
  const double task = (160 + 48 * rank) * s.steps;
  // Epochs 0..every-1, every every-th, and the last (is_recorded).
  const double rows = std::min<double>(static_cast<double>(s.epochs) + 1,
                                       static_cast<double>(s.record_every) + static_cast<double>(s.epochs / s.record_every) + 1);
  const double overlaps = static_cast<double>(overlap_names(s.rank, fo::Activation::linear).size());
  const double table = rows * ((control ? 11 : 10) + 3 * overlaps) * (json_table ? 100 : 67);
  require_memory_terms(20e6, {{network, "N", render_value(s.neurons)},  // 20 MB: the program itself
                              {task, "T", render_value(s.steps)},
                              {table, "epochs", render_value(s.epochs)}});
}

FilterResult run_filter(const FilterSettings& s) {
  validate(s);
  const bool fast_path = s.activation != ro::Activation::tanh;
  const bool with_network = !s.sigma0.has_value();
  const fo::Activation order = order_of(s.activation);
  const fo::Model model = fast_model(s);
  const ro::Model<double> reference_model{s.rank, s.dt, s.activation, s.readout};
  const fo::Task task = filter_task(s.decay, s.frequency, s.amplitude, s.dt, s.steps);

  FilterResult result;
  std::unique_ptr<FilterNetwork> network;
  if (with_network) {
    result.initial = s.vectors ? *s.vectors : fo::random_network(s.neurons, s.rank, s.seed);
    network = make_filter_network(s, result.initial, task);
  }
  // (E25) The rounding control: the same network with its units relabelled (E22); Sigma is
  // invariant under the relabelling, so its Gram matrix compares with the network's directly.
  const bool with_control = with_network && s.rounding_control;
  std::unique_ptr<FilterNetwork> control;
  if (with_control)
    control = make_filter_network(
        s, permute_units(result.initial, unit_permutation(s.neurons, kRoundingControlPermutationSeed)), task);
  std::unique_ptr<FilterTheory> theory;
  if (fast_path)
    theory = std::make_unique<FastFilterTheory>(model, task);
  else
    theory = std::make_unique<ReferenceFilterTheory>(reference_model, task);
  // (O45) The theory starts from the exact Gram matrix of the network's own initial vectors.
  result.sigma0 = with_network ? exact_gram(result.initial) : *s.sigma0;
  const Eigen::MatrixXd& sigma0 = result.sigma0;
  Eigen::MatrixXd exact = sigma0, euler = sigma0, direct = sigma0;

  // The reference flow is computed first at the epochs it shares with the table, plus its last.
  std::vector<long> reference_epochs;
  std::vector<Eigen::MatrixXd> reference_sigma;
  if (s.reference != ReferenceCheck::none) {
    reference_epochs = recorded_epochs(s.epochs, s.record_every, s.reference_epochs);
    reference_sigma = s.reference == ReferenceCheck::double_precision
        ? reference_flow<double>(s, sigma0, reference_epochs, ro::FlowMethod::adaptive)
        : reference_flow<real>(s, sigma0, reference_epochs, ro::FlowMethod::extrapolation);
  }
  std::size_t next_reference = 0;

  result.overlap_names = overlap_names(s.rank, order);
  result.visible = overlap_visibility(s.rank, order);
  Table& table = result.trajectory;
  table.columns = {"epoch"};
  if (with_network) table.columns.push_back("loss_network");
  table.columns.insert(table.columns.end(), {"loss_exact_map", "loss_euler", "loss_direct"});
  if (with_network) table.columns.insert(table.columns.end(), {"gap_exact_map", "gap_euler", "gap_direct"});
  if (s.reference != ReferenceCheck::none) {
    table.columns.push_back("loss_reference");
    table.columns.push_back("gap_reference");
  }
  for (const std::string prefix : {with_network ? "" : "exact_", "euler_", "direct_"})
    for (const auto& name : result.overlap_names) table.columns.push_back(prefix + name);
  if (with_control) table.columns.push_back("gap_rounding");  // last: the other columns keep their places

  double worst_exact = 0, worst_euler = 0, worst_reference = 0, last_reference_loss = 0, worst_rounding = 0,
         largest_sigma = 0;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::optional<Progress> progress;
  if (with_network)
    progress.emplace("overlaps filter", "epoch", static_cast<double>(s.epochs),
                     network_work(model, s.neurons, s.steps, s.epochs) +
                         (with_control ? ", twice (the rounding control, E25)" : ""),
                     (with_control ? 2 : 1) * network_seconds(model, s.neurons, s.steps, s.epochs));
  // (E30) How far the loadings are from the Gaussian the mean-field closure assumes, at the start
  // and the end (nonlinear networks; the linear theory needs no closure).
  // Defined for more units than loadings per unit (N > 2R + 2); skipped otherwise.
  bool shape = with_network && s.activation != reference::overlaps::Activation::linear;
  LoadingShape shape_initial;
  if (shape) {
    const Eigen::MatrixXd C = loadings(network->network());
    shape = shape_defined(C);
    if (shape) shape_initial = loading_shape(C);
  }
  for (long e = 0; e <= s.epochs; ++e) {
    if (progress) progress->update(static_cast<double>(e));
    const bool last = e == s.epochs;
    const bool record = is_recorded(e, s.record_every, s.epochs) ||
                        (next_reference < reference_epochs.size() && reference_epochs[next_reference] == e);
    // The state the row describes: the network's Sigma, or (theory alone) the exact map's.
    Eigen::MatrixXd net_sigma, control_sigma;
    if (record) net_sigma = with_network ? network->gram() : exact;
    if (record && with_control) control_sigma = control->gram();
    // Each step returns the loss before it, i.e. the loss at epoch e.
    const double l_net = !with_network ? nan : last ? network->loss() : network->epoch(s.lr);
    if (with_control && !last) control->epoch(s.lr);
    const Eigen::MatrixXd exact_e = exact, euler_e = euler, direct_e = direct;
    const double l_exact = last ? theory->loss(exact) : theory->step(TheoryStep::exact_map, s.lr, exact);
    const double l_euler = last ? theory->loss(euler) : theory->step(TheoryStep::euler, s.lr, euler);
    const double l_direct = last ? theory->loss(direct) : theory->step(TheoryStep::direct, s.lr, direct);
    if (!record) continue;
    std::vector<double> row{static_cast<double>(e)};
    if (with_network) row.push_back(l_net);
    row.insert(row.end(), {l_exact, l_euler, l_direct});
    if (with_network) {
      const double gap_exact = max_abs_difference(net_sigma, exact_e);
      const double gap_euler = max_abs_difference(net_sigma, euler_e);
      worst_exact = std::max(worst_exact, gap_exact);
      worst_euler = std::max(worst_euler, gap_euler);
      row.insert(row.end(), {gap_exact, gap_euler, max_abs_difference(net_sigma, direct_e)});
    }
    if (s.reference != ReferenceCheck::none) {
      if (next_reference < reference_epochs.size() && reference_epochs[next_reference] == e) {
        const Eigen::MatrixXd& ref = reference_sigma[next_reference++];
        last_reference_loss = theory->loss(ref);
        const double gap = max_abs_difference(net_sigma, ref);
        worst_reference = std::max(worst_reference, gap);
        row.push_back(last_reference_loss);
        row.push_back(gap);
      } else {
        row.push_back(nan);
        row.push_back(nan);
      }
    }
    for (const Eigen::MatrixXd* m : std::array<const Eigen::MatrixXd*, 3>{&net_sigma, &euler_e, &direct_e}) {
      const Eigen::VectorXd values = overlap_values(*m, s.rank, order);
      row.insert(row.end(), values.data(), values.data() + values.size());
    }
    if (with_control) {
      const double gap = max_abs_difference(net_sigma, control_sigma);
      worst_rounding = std::max(worst_rounding, gap);
      largest_sigma = std::max(largest_sigma, net_sigma.cwiseAbs().maxCoeff());
      row.push_back(gap);
    }
    if (is_recorded(e, s.record_every, s.epochs)) table.add_row(std::move(row));
  }
  if (with_network) result.final = network->network();
  const std::size_t final_row = table.rows.size() - 1;
  Summary& sum = result.summary;
  if (with_network) {
    sum.add("loss_network_initial", table.at(0, "loss_network"));
    sum.add("loss_network_final", table.at(final_row, "loss_network"));
  } else {
    sum.add("loss_exact_map_initial", table.at(0, "loss_exact_map"));
  }
  sum.add("loss_exact_map_final", table.at(final_row, "loss_exact_map"));
  sum.add("loss_euler_final", table.at(final_row, "loss_euler"));
  sum.add("loss_direct_final", table.at(final_row, "loss_direct"));
  if (with_network) {
    sum.add("max_gap_exact_map", worst_exact);
    sum.add("max_gap_euler", worst_euler);
    sum.add("gap_direct_final", table.at(final_row, "gap_direct"));
  }
  if (shape && shape_defined(loadings(result.final))) {
    const LoadingShape shape_final = loading_shape(loadings(result.final));
    sum.add("kurtosis_mardia_initial", shape_initial.mardia);
    sum.add("kurtosis_marginal_initial", shape_initial.marginal_max);
    sum.add("kurtosis_mardia_final", shape_final.mardia);
    sum.add("kurtosis_marginal_final", shape_final.marginal_max);
  }
  if (s.reference != ReferenceCheck::none) {
    sum.add("reference_epochs", static_cast<double>(s.reference_epochs));
    sum.add("loss_reference_final", last_reference_loss);
    sum.add("max_gap_reference", worst_reference);
  }
  if (with_control) {
    const double level = rounding_level(s, largest_sigma);
    sum.add("max_gap_rounding", worst_rounding);
    sum.add("rounding_level", level);
    result.theory_gap = theory_gap_verdict(s, worst_exact, worst_rounding, level);
  }
  return result;
}

}  // namespace learndyn::experiments::overlaps
