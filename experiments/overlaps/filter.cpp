#include <learndyn/experiments/overlaps/filter.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/memory_budget.hpp>
#include <learndyn/common/progress.hpp>
#include <learndyn/common/scalar.hpp>
#include <learndyn/experiments/overlaps/support.hpp>
#include <learndyn/experiments/overlaps/tasks.hpp>
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
}

namespace {

// Sigma of the reference's gradient flow (adaptive at double, extrapolation at 50 digits) at
// each of `epochs`, from the network's initial Gram matrix, as doubles.
template <class Real>
std::vector<Eigen::MatrixXd> reference_flow(const FilterSettings& s, const Eigen::MatrixXd& sigma0,
                                            const std::vector<long>& epochs, ro::FlowMethod method) {
  const ro::Model<Real> model = ro::linear_model<Real>(s.rank, Real(s.dt));
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

std::vector<long> recorded_epochs(long last, long every, long limit) {
  std::vector<long> out;
  for (long e = 0; e <= std::min(last, limit); ++e)
    if (is_recorded(e, every, last)) out.push_back(e);
  if (limit < last && (out.empty() || out.back() != limit)) out.push_back(limit);
  return out;
}

}  // namespace

void require_filter_memory(const FilterSettings& s, bool json_table) {
  validate(s);
  const double rank = s.rank;
  const double network = 18 * (2 * rank + 2) * s.neurons;
  const double task = (160 + 48 * rank) * s.steps;
  // Epochs 0..every-1, every every-th, and the last (is_recorded).
  const double rows = std::min<double>(static_cast<double>(s.epochs) + 1,
                                       static_cast<double>(s.record_every) + static_cast<double>(s.epochs / s.record_every) + 1);
  const double overlaps = static_cast<double>(overlap_names(s.rank, fo::Activation::linear).size());
  const double table = rows * (10 + 3 * overlaps) * (json_table ? 100 : 67);
  require_memory_terms(20e6, {{network, "N", render_value(s.neurons)},  // 20 MB: the program itself
                              {task, "T", render_value(s.steps)},
                              {table, "epochs", render_value(s.epochs)}});
}

FilterResult run_filter(const FilterSettings& s) {
  validate(s);
  const fo::Model model = fo::linear_model(s.rank, s.dt);
  const fo::Task task = filter_task(s.decay, s.frequency, s.amplitude, s.dt, s.steps);
  fo::NetworkTrainer network(model, fo::random_network(s.neurons, s.rank, s.seed), {s.threads, false});
  fo::OverlapSolver solver(model, task);
  const Eigen::MatrixXd sigma0 = network.gram();
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

  FilterResult result;
  result.overlap_names = overlap_names(s.rank, fo::Activation::linear);
  result.visible = overlap_visibility(s.rank, fo::Activation::linear);
  Table& table = result.trajectory;
  table.columns = {"epoch", "loss_network", "loss_exact_map", "loss_euler", "loss_direct",
                   "gap_exact_map", "gap_euler", "gap_direct"};
  if (s.reference != ReferenceCheck::none) {
    table.columns.push_back("loss_reference");
    table.columns.push_back("gap_reference");
  }
  for (const std::string prefix : {"", "euler_", "direct_"})
    for (const auto& name : result.overlap_names) table.columns.push_back(prefix + name);

  double worst_exact = 0, worst_euler = 0, worst_reference = 0, last_reference_loss = 0;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Progress progress("overlaps filter", "epoch", static_cast<double>(s.epochs),
                    network_work(model, s.neurons, s.steps, s.epochs),
                    network_seconds(model, s.neurons, s.steps, s.epochs));
  for (long e = 0; e <= s.epochs; ++e) {
    progress.update(static_cast<double>(e));
    const bool last = e == s.epochs;
    const bool record = is_recorded(e, s.record_every, s.epochs) ||
                        (next_reference < reference_epochs.size() && reference_epochs[next_reference] == e);
    Eigen::MatrixXd net_sigma;
    if (record) net_sigma = network.gram();
    // Each step returns the loss before it, i.e. the loss at epoch e.
    const double l_net = last ? network.loss(task) : network.epoch(task, s.lr);
    const Eigen::MatrixXd exact_e = exact, euler_e = euler, direct_e = direct;
    const double l_exact = last ? solver.loss(exact) : solver.epoch(s.lr, fo::Stepper::exact_map, exact);
    const double l_euler = last ? solver.loss(euler) : solver.epoch(s.lr, fo::Stepper::euler, euler);
    const double l_direct = last ? solver.loss(direct) : direct_step(solver, s.lr, direct);
    if (!record) continue;
    const double gap_exact = max_abs_difference(net_sigma, exact_e);
    const double gap_euler = max_abs_difference(net_sigma, euler_e);
    worst_exact = std::max(worst_exact, gap_exact);
    worst_euler = std::max(worst_euler, gap_euler);
    std::vector<double> row{static_cast<double>(e), l_net, l_exact, l_euler, l_direct, gap_exact,
                            gap_euler, max_abs_difference(net_sigma, direct_e)};
    if (s.reference != ReferenceCheck::none) {
      if (next_reference < reference_epochs.size() && reference_epochs[next_reference] == e) {
        const Eigen::MatrixXd& ref = reference_sigma[next_reference++];
        last_reference_loss = solver.loss(ref);
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
      const Eigen::VectorXd values = overlap_values(*m, s.rank, fo::Activation::linear);
      row.insert(row.end(), values.data(), values.data() + values.size());
    }
    if (is_recorded(e, s.record_every, s.epochs)) table.add_row(std::move(row));
  }
  const std::size_t final_row = table.rows.size() - 1;
  Summary& sum = result.summary;
  sum.add("loss_network_initial", table.at(0, "loss_network"));
  sum.add("loss_network_final", table.at(final_row, "loss_network"));
  sum.add("loss_exact_map_final", table.at(final_row, "loss_exact_map"));
  sum.add("loss_euler_final", table.at(final_row, "loss_euler"));
  sum.add("loss_direct_final", table.at(final_row, "loss_direct"));
  sum.add("max_gap_exact_map", worst_exact);
  sum.add("max_gap_euler", worst_euler);
  sum.add("gap_direct_final", table.at(final_row, "gap_direct"));
  if (s.reference != ReferenceCheck::none) {
    sum.add("reference_epochs", static_cast<double>(s.reference_epochs));
    sum.add("loss_reference_final", last_reference_loss);
    sum.add("max_gap_reference", worst_reference);
  }
  return result;
}

}  // namespace learndyn::experiments::overlaps
