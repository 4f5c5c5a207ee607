#include <learndyn/experiments/overlaps/equivalent.hpp>

#include <algorithm>
#include <cmath>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/memory_budget.hpp>
#include <learndyn/common/progress.hpp>
#include <learndyn/experiments/overlaps/networks.hpp>
#include <learndyn/experiments/overlaps/responses.hpp>
#include <learndyn/experiments/overlaps/support.hpp>
#include <learndyn/experiments/overlaps/tasks.hpp>
#include <learndyn/experiments/overlaps/user_inputs.hpp>
#include <learndyn/fast/overlaps/network.hpp>
#include <learndyn/fast/overlaps/overlap_ode.hpp>

namespace learndyn::experiments::overlaps {

void validate(const EquivalentSettings& s) {
  require(s.neurons >= 4, "N", s.neurons, "N >= 4");
  require(s.dt > 0 && s.dt <= 1, "dt", s.dt, "0 < dt <= 1");
  require(s.steps >= 1, "T", s.steps, "T >= 1");
  require(std::isfinite(s.decay), "decay", s.decay, "finite");
  require(s.lr > 0 && std::isfinite(s.lr), "lr", s.lr, "lr > 0");
  require(s.epochs >= 0, "epochs", s.epochs, "epochs >= 0");
  require(s.record_every >= 1, "record-every", s.record_every, "record-every >= 1");
  require(s.theta2_uu > 0 && std::isfinite(s.theta2_uu), "theta2-uu", s.theta2_uu, "> 0");
  require(std::isfinite(s.theta2_mu), "theta2-mu", s.theta2_mu, "finite");
  // theta2 is built from |u| = sqrt(uu N) and m.u = mu N (equivalent.cpp below).
  require(std::isfinite(s.theta2_uu * s.neurons), "theta2-uu", s.theta2_uu, "> 0 with theta2-uu N finite");
  require(std::isfinite(s.theta2_mu * s.neurons), "theta2-mu", s.theta2_mu, "finite with theta2-mu N finite");
  require(s.input_std >= 0 && std::isfinite(s.input_std), "input-std", s.input_std, ">= 0");
  require(s.state_noise_std >= 0 && std::isfinite(s.state_noise_std), "state-noise", s.state_noise_std, ">= 0");
  if (s.vectors) validate_vectors(*s.vectors, s.neurons, 1, "1 (theta1 and theta2 are rank 1)");
}

void require_equivalent_memory(const EquivalentSettings& s, bool json_table) {
  validate(s);
  // Two rank-one trainers (as `filter`: 18 (2 R + 2) N bytes each), the state noise xi (N x T
  // doubles: the perturbation check draws it whole), the task and the output tables (~30 doubles
  // a step), and the trajectory's rows (8 columns).
  const double n = s.neurons, t = s.steps;
  const double network = 2 * 18 * 4 * n, noise = 8 * n * t, task = 30 * 8 * t + (160 + 48) * t;
  const double rows = std::min<double>(static_cast<double>(s.epochs) + 1,
                                       static_cast<double>(s.record_every) + static_cast<double>(s.epochs / s.record_every) + 1);
  const double table = rows * 8 * (json_table ? 100 : 67);
  require_memory_terms(20e6, {{network + noise, "N", render_value(s.neurons)},  // 20 MB: the program itself
                              {task, "T", render_value(s.steps)},
                              {table, "epochs", render_value(s.epochs)}});
}

namespace {

// The linear network (O1, readout after the update) driven by x with xi_k (N-vectors, column k)
// added to the state after each update: h_{k+1} = h_k + dt(-h_k + W h_k + m x_k) + xi_k,
// y_k = z.h_{k+1}/N. W h = U (V^T h)/N is never formed.
Eigen::VectorXd noisy_outputs(const fo::Network& net, double dt, const Eigen::VectorXd& x, const Eigen::MatrixXd& xi) {
  const double n = static_cast<double>(net.z.size());
  Eigen::VectorXd h = Eigen::VectorXd::Zero(net.z.size()), y(x.size());
  for (Eigen::Index k = 0; k < x.size(); ++k) {
    const Eigen::VectorXd recurrent = net.U * (net.V.transpose() * h / n);
    h += dt * (-h + recurrent + net.m * x(k));
    h += xi.col(k);
    y(k) = net.z.dot(h) / n;
  }
  return y;
}

}  // namespace

EquivalentResult run_equivalent(const EquivalentSettings& s) {
  validate(s);
  const fo::Model model = fo::linear_model(1, s.dt);
  const fo::Task task = filter_task(s.decay, 0, 1, s.dt, s.steps);
  const fo::Network theta1 = s.vectors ? *s.vectors : fo::random_network(s.neurons, 1, s.seed);
  const fo::Network theta2 =
      equivalent_network(theta1, std::sqrt(s.theta2_uu * s.neurons), s.theta2_mu * s.neurons);

  EquivalentResult result;
  result.overlap_names = overlap_names(1, fo::Activation::linear);
  result.visible = overlap_visibility(1, fo::Activation::linear);

  // The perturbation check at the start: the same white-noise input and state noise for both.
  NormalStream normals(derived_seed(s.seed, 1));
  Eigen::VectorXd x(s.steps);
  for (int k = 0; k < s.steps; ++k) x(k) = s.input_std * normals.next();
  Eigen::MatrixXd xi(s.neurons, s.steps);
  for (int k = 0; k < s.steps; ++k)
    for (int i = 0; i < s.neurons; ++i) xi(i, k) = s.state_noise_std * normals.next();
  const Eigen::VectorXd noisy1 = noisy_outputs(theta1, s.dt, x, xi), noisy2 = noisy_outputs(theta2, s.dt, x, xi);

  fo::NetworkTrainer net1(model, theta1, {s.threads, false}), net2(model, theta2, {s.threads, false});
  fo::OverlapSolver solver(model, task);
  // (O45) Each theory starts from the exact Gram matrix of its network's initial vectors.
  Eigen::MatrixXd th1 = exact_gram(theta1), th2 = exact_gram(theta2);
  const Eigen::MatrixXd sigma1_start = th1, sigma2_start = th2;
  const Eigen::VectorXd y1_start = net1.outputs(task).row(0).transpose(), y2_start = net2.outputs(task).row(0).transpose();

  Table& t = result.trajectory;
  t.columns = {"epoch", "loss_1", "loss_2", "theory_loss_1", "theory_loss_2", "gap_1", "gap_2", "output_gap"};
  double worst_gap = 0, loss_difference = 0;
  Progress progress("overlaps equivalent", "epoch", static_cast<double>(s.epochs),
                    "two networks: " + network_work(model, s.neurons, s.steps, 2 * s.epochs),
                    network_seconds(model, s.neurons, s.steps, 2 * s.epochs));
  for (long e = 0; e <= s.epochs; ++e) {
    progress.update(static_cast<double>(e));
    const bool last = e == s.epochs, record = is_recorded(e, s.record_every, s.epochs);
    double gap1 = 0, gap2 = 0, output_gap = 0;
    if (record) {
      gap1 = max_abs_difference(net1.gram(), th1);
      gap2 = max_abs_difference(net2.gram(), th2);
      output_gap = (net1.outputs(task) - net2.outputs(task)).cwiseAbs().maxCoeff();
      worst_gap = std::max({worst_gap, gap1, gap2});
    }
    const double l1 = last ? net1.loss(task) : net1.epoch(task, s.lr);
    const double l2 = last ? net2.loss(task) : net2.epoch(task, s.lr);
    const double tl1 = last ? solver.loss(th1) : solver.epoch(s.lr, fo::Stepper::exact_map, th1);
    const double tl2 = last ? solver.loss(th2) : solver.epoch(s.lr, fo::Stepper::exact_map, th2);
    loss_difference = std::max(loss_difference, std::fabs(l1 - l2));
    if (record) t.add_row({static_cast<double>(e), l1, l2, tl1, tl2, gap1, gap2, output_gap});
  }
  const Eigen::VectorXd y1_end = net1.outputs(task).row(0).transpose(), y2_end = net2.outputs(task).row(0).transpose();

  result.overlaps.columns = {"state"};
  for (const auto& name : result.overlap_names) result.overlaps.columns.push_back(name);
  const Eigen::MatrixXd sigma1_end = net1.gram(), sigma2_end = net2.gram();
  result.theta1_initial = theta1;
  result.theta2_initial = theta2;
  result.theta1_final = net1.network();
  result.theta2_final = net2.network();
  int state = 0;
  for (const Eigen::MatrixXd* m : {&sigma1_start, &sigma2_start, &sigma1_end, &sigma2_end}) {
    std::vector<double> row{static_cast<double>(state++)};
    const Eigen::VectorXd v = overlap_values(*m, 1, fo::Activation::linear);
    row.insert(row.end(), v.data(), v.data() + v.size());
    result.overlaps.add_row(std::move(row));
  }

  result.outputs.columns = {"k", "t", "target", "y1_start", "y2_start", "y1_end", "y2_end", "x", "y1_noisy", "y2_noisy"};
  for (int k = 0; k < s.steps; ++k)
    result.outputs.add_row({static_cast<double>(k), s.dt * k, task.target(0, k), y1_start(k), y2_start(k), y1_end(k),
                            y2_end(k), x(k), noisy1(k), noisy2(k)});

  // (E31) The hidden activity under the same input without state noise: h = m kappa_m + u kappa_u
  // with the same latent kappa (the visible overlaps drive it) but theta2's other u.
  result.hidden_neurons = s.neurons >= 14 ? std::vector<int>{10, 11, 12, 13} : std::vector<int>{0, 1, 2, 3};
  const Rollout r1 = linear_rollout(theta1, s.dt, x, result.hidden_neurons);
  const Rollout r2 = linear_rollout(theta2, s.dt, x, result.hidden_neurons);
  result.hidden.columns = {"k", "t", "x"};
  for (int i : result.hidden_neurons) result.hidden.columns.push_back("h1_" + std::to_string(i));
  for (int i : result.hidden_neurons) result.hidden.columns.push_back("h2_" + std::to_string(i));
  result.hidden.columns.push_back("y1");
  result.hidden.columns.push_back("y2");
  result.hidden.integer_columns = {"k"};
  double hidden_gap = 0, hidden_scale = 0;
  for (int k = 0; k < s.steps; ++k) {
    std::vector<double> row{static_cast<double>(k), s.dt * k, x(k)};
    for (Eigen::Index j = 0; j < r1.hidden.cols(); ++j) row.push_back(r1.hidden(k, j));
    for (Eigen::Index j = 0; j < r2.hidden.cols(); ++j) row.push_back(r2.hidden(k, j));
    row.push_back(r1.y(k));
    row.push_back(r2.y(k));
    result.hidden.add_row(std::move(row));
  }
  hidden_gap = (r1.hidden - r2.hidden).cwiseAbs().maxCoeff();
  hidden_scale = r1.hidden.cwiseAbs().maxCoeff();

  const auto blocks_gap = [&](const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, bool visible) {
    return overlap_gap(a, b, result.visible, visible);
  };
  Summary& sum = result.summary;
  sum.add("visible_difference_start", blocks_gap(sigma1_start, sigma2_start, true));
  sum.add("invisible_difference_start", blocks_gap(sigma1_start, sigma2_start, false));
  sum.add("output_gap_start", (y1_start - y2_start).cwiseAbs().maxCoeff());
  sum.add("noisy_output_gap_start", (noisy1 - noisy2).cwiseAbs().maxCoeff());
  sum.add("noisy_output_scale", noisy1.cwiseAbs().maxCoeff());
  sum.add("output_gap_end", (y1_end - y2_end).cwiseAbs().maxCoeff());
  sum.add("loss_1_end", t.rows.back()[1]);
  sum.add("loss_2_end", t.rows.back()[2]);
  sum.add("max_loss_difference", loss_difference);
  sum.add("visible_difference_end", blocks_gap(sigma1_end, sigma2_end, true));
  sum.add("max_theory_gap", worst_gap);
  sum.add("hidden_gap_start", hidden_gap);
  sum.add("hidden_scale_start", hidden_scale);
  sum.add("theta2_uu", sigma2_start(3, 3));
  sum.add("theta2_mu", sigma2_start(2, 3));
  return result;
}

}  // namespace learndyn::experiments::overlaps
