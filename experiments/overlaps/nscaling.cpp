#include <learndyn/experiments/overlaps/nscaling.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>

#include <Eigen/Eigenvalues>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/memory_budget.hpp>
#include <learndyn/common/parallel.hpp>
#include <learndyn/common/progress.hpp>
#include <learndyn/experiments/overlaps/networks.hpp>
#include <learndyn/experiments/overlaps/support.hpp>
#include <learndyn/fast/overlaps/network.hpp>
#include <learndyn/reference/overlaps/network.hpp>

namespace learndyn::experiments::overlaps {

Eigen::MatrixXd gaussian_init_sigma() {
  Eigen::MatrixXd sigma(4, 4);
  sigma << 1.0, 0.1, 0.5, 0.3,
           0.1, 1.0, 0.4, 0.6,
           0.5, 0.4, 1.0, 0.2,
           0.3, 0.6, 0.2, 1.0;
  return sigma;
}

void validate(const NScalingSettings& s) {
  require(s.neurons.size() >= 2, "N", static_cast<long>(s.neurons.size()), "at least two sizes");
  for (int n : s.neurons) require(n >= 2 && n <= 10000000, "N", n, "2 <= N <= 1e7");
  std::vector<int> sorted = s.neurons;
  std::sort(sorted.begin(), sorted.end());
  require(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end(), "N", "(repeated)",
          "distinct sizes");
  require(s.seeds >= 1 && s.seeds <= 10000, "seeds", s.seeds, "1 <= seeds <= 10000");
  require(s.epochs >= 1, "epochs", s.epochs, "epochs >= 1");
  require(s.record_every >= 1, "record-every", s.record_every, "record-every >= 1");
  require(s.lr > 0 && std::isfinite(s.lr), "lr", s.lr, "lr > 0");
  require(s.task.dt > 0 && s.task.dt <= 1, "dt", s.task.dt, "0 < dt <= 1");
  require(s.task.batch >= 1, "batch", s.task.batch, "batch >= 1");
  require(duration_steps(s.task.t_max, s.task.dt) >= 1, "t-max", s.task.t_max, "t_max >= dt");
}

namespace {

struct Run {
  int neurons;
  int seed_index;
  // epoch, loss_network, loss_theory, mismatch, linear_mismatch, kurtosis_mardia, kurtosis_marginal
  std::vector<std::vector<double>> trajectory;
  std::vector<std::vector<double>> grams;  // the network's Gram matrix at each recorded epoch (upper triangle)
  double loss_network = 0, loss_theory = 0, mismatch = 0, linear_mismatch = 0, linear_scale = 0;
};

fo::Network initial_network(const NScalingSettings& s, int neurons, std::uint64_t seed) {
  switch (s.init) {
    case NScalingInit::balanced: return balanced_network(neurons, seed);
    case NScalingInit::random: return fo::random_network(neurons, 1, seed);
    case NScalingInit::gaussian: case NScalingInit::gaussian_exact: break;
  }
  const Eigen::MatrixXd sigma = s.gaussian_sigma.size() ? s.gaussian_sigma : gaussian_init_sigma();
  const auto net = reference::overlaps::gaussian_network<double>(neurons, sigma, seed);
  fo::Network out{net.z, net.m, net.U, net.V};
  if (s.init == NScalingInit::gaussian_exact) {
    // Canonical order z, v, m, u (rank 1): C G^{-1/2} Sigma*^{1/2} has Gram matrix Sigma*.
    Eigen::MatrixXd C(neurons, 4);
    C << out.z, out.V, out.m, out.U;
    const Eigen::MatrixXd G = C.transpose() * C / static_cast<double>(neurons);
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> g(G), t(sigma);
    const Eigen::MatrixXd map = g.operatorInverseSqrt() * t.operatorSqrt();
    C = C * map;
    out.z = C.col(0), out.V = C.col(1), out.m = C.col(2), out.U = C.col(3);
  }
  return out;
}

// One network and its theory (and the linear control) on one stream of batches.
void run_one(const NScalingSettings& s, Run& run) {
  const std::uint64_t stream = derived_seed(s.seed, 2 * static_cast<std::uint64_t>(run.seed_index));
  const std::uint64_t init = derived_seed(s.seed ^ static_cast<std::uint64_t>(run.neurons) << 32,
                                          2 * static_cast<std::uint64_t>(run.seed_index) + 1);
  const fo::Network net0 = initial_network(s, run.neurons, init);
  const fo::Model erf = fo::erf_model(1, s.task.dt), lin = fo::linear_model(1, s.task.dt);
  fo::NetworkTrainer network(erf, net0, {1, false});
  Eigen::MatrixXd theory = exact_gram(net0);  // (O45) the exact Gram matrix of the initial vectors
  std::optional<fo::NetworkTrainer> control;
  Eigen::MatrixXd control_theory = theory;
  if (s.linear_control) control.emplace(lin, net0, fo::NetworkOptions{1, false});
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Rng batches(stream);
  for (long e = 0; e <= s.epochs; ++e) {
    const bool last = e == s.epochs;
    const bool record = is_recorded(e, s.record_every, s.epochs);
    const fo::Task task = flip_flop(s.task, batches);
    double mismatch = 0, linear_mismatch = nan;
    LoadingShape shape;
    if (record) {
      const Eigen::MatrixXd gram = network.gram();
      mismatch = max_abs_difference(gram, theory);
      if (control) linear_mismatch = max_abs_difference(control->gram(), control_theory);
      // Undefined below N = 5 (four loadings per unit): NaN, as the columns of absent runs.
      const Eigen::MatrixXd C = loadings(network.network());
      shape = shape_defined(C) ? loading_shape(C) : LoadingShape{nan, nan};
      std::vector<double> upper;
      for (Eigen::Index i = 0; i < gram.rows(); ++i)
        for (Eigen::Index j = i; j < gram.cols(); ++j) upper.push_back(gram(i, j));
      run.grams.push_back(std::move(upper));
    }
    const double l_net = last ? network.loss(task) : network.epoch(task, s.lr);
    const double l_theory = last ? fo::overlap_loss(erf, theory, task)
                                 : fo::overlap_epoch(erf, task, s.lr, s.stepper, theory);
    if (control && !last) {
      control->epoch(task, s.lr);
      fo::overlap_epoch(lin, task, s.lr, fo::Stepper::exact_map, control_theory);
    }
    if (record)
      run.trajectory.push_back({static_cast<double>(e), l_net, l_theory, mismatch, linear_mismatch, shape.mardia,
                                shape.marginal_max});
    if (last) {
      run.loss_network = l_net;
      run.loss_theory = l_theory;
      run.mismatch = mismatch;
      run.linear_mismatch = linear_mismatch;
      run.linear_scale = control ? control_theory.cwiseAbs().maxCoeff() : std::numeric_limits<double>::quiet_NaN();
    }
  }
}

}  // namespace

void require_nscaling_memory(const NScalingSettings& s, bool json_table) {
  validate(s);
  // Runs go in parallel, one thread each, largest N first: the `threads` largest at once. Each
  // holds its start (4 N doubles), two rank-one trainers (the erf network and the linear
  // control, 72 N bytes each as in `filter`), and one epoch's flip-flop batch (~260 bytes a
  // trial step, measured).
  std::vector<int> sizes;
  for (int n : s.neurons)
    for (int j = 0; j < s.seeds; ++j) sizes.push_back(n);
  std::sort(sizes.begin(), sizes.end(), std::greater<>());
  const unsigned threads = parallel_workers(sizes.size(), s.threads);
  double networks = 0;
  for (unsigned k = 0; k < threads; ++k) networks += (32.0 + 2 * 72) * sizes[k];
  const double batches = threads * 260.0 * s.task.batch * static_cast<double>(duration_steps(s.task.t_max, s.task.dt));
  const double rows = static_cast<double>(sizes.size()) *
                      std::min<double>(static_cast<double>(s.epochs) + 1,
                                       static_cast<double>(s.record_every) + static_cast<double>(s.epochs / s.record_every) + 1);
  const double table = rows * 10 * (json_table ? 100 : 67) + rows * 17 * 8;
  require_memory_terms(20e6, {{networks, "N", render_value(sizes.front())},  // 20 MB: the program itself
                              {batches, "batch", render_value(s.task.batch)},
                              {table, "epochs", render_value(s.epochs)}});
}

NScalingResult run_nscaling(const NScalingSettings& s) {
  validate(s);
  std::vector<Run> runs;
  for (int n : s.neurons)
    for (int j = 0; j < s.seeds; ++j) runs.push_back({n, j, {}, {}});
  // The items (proofs/common.md C13): the runs, N-major; run_one draws from (seed, N, seed
  // index) alone, so any subset computes the same runs.
  const std::vector<std::size_t> mine = sweep_select(s.sweep, runs.size(), [&](std::size_t i) {
    return "N " + std::to_string(runs[i].neurons) + ", seed " + std::to_string(runs[i].seed_index);
  });
  // Largest networks first, so that the two threads finish together.
  std::vector<std::size_t> order = mine;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return runs[a].neurons > runs[b].neurons; });
  const fo::Model erf = fo::erf_model(1, s.task.dt);
  const long steps = duration_steps(s.task.t_max, s.task.dt) * s.task.batch;
  double neuron_steps = 0, seconds = 0;
  for (std::size_t i : order) {
    const Run& r = runs[i];
    neuron_steps += 2.0 * r.neurons * static_cast<double>(steps) * static_cast<double>(s.epochs);
    seconds += 2 * network_seconds(erf, r.neurons, static_cast<int>(std::min<long>(steps, 2147483647)), s.epochs);
  }
  Progress progress("overlaps nscaling", "run", static_cast<double>(order.size()),
                    render_count(static_cast<double>(order.size())) + " runs, " + render_count(neuron_steps) +
                        " neuron-steps",
                    seconds);
  try {
    parallel_for_each(order.size(), s.threads, [&](std::size_t k) {
      run_one(s, runs[order[k]]);
      progress.advance();
    });
  } catch (const ArgumentError& e) {
    // A diverging run makes the overlaps non-finite and the theory then refuses its own Sigma,
    // an internal name; the user's lever is the rate.
    if (e.parameter() != "sigma" && e.parameter() != "Sigma") throw;
    throw ArgumentError("lr", render_value(s.lr), "a rate at which the overlaps stay finite: Sigma diverged");
  }
  sweep_complete(
      s.sweep, runs, mine,
      [](const Run& r) {
        ItemRecord record;
        record.add("last", {r.loss_network, r.loss_theory, r.mismatch, r.linear_mismatch, r.linear_scale});
        record.add_rows("trajectory", r.trajectory);
        record.add_rows("grams", r.grams);
        return record;
      },
      [](const ItemRecord& record, Run& r) {
        const std::vector<double>& last = record.at("last", 5);
        r.loss_network = last[0], r.loss_theory = last[1], r.mismatch = last[2], r.linear_mismatch = last[3];
        r.linear_scale = last[4];
        r.trajectory = record.rows("trajectory", 7);
        r.grams = record.rows("grams", 10);
      });

  NScalingResult result;
  result.runs.columns = {"N", "seed", "mismatch", "loss_network", "loss_theory", "linear_mismatch", "linear_sigma_max"};
  result.trajectory.columns = {"N",        "seed",           "epoch",           "loss_network",
                               "loss_theory", "mismatch",    "linear_mismatch", "kurtosis_mardia",
                               "kurtosis_marginal", "mismatch_to_largest"};
  // (E30) The network at the largest N, same seed index (the same batches), stands in for the
  // N -> infinity limit of the network itself: its distance to a smaller network measures the
  // finite-N part of the mismatch alone, with no closure in it.
  const int largest = *std::max_element(s.neurons.begin(), s.neurons.end());
  auto to_largest = [&](const Run& r, std::size_t k) {
    if (r.neurons == largest) return std::numeric_limits<double>::quiet_NaN();
    for (const Run& big : runs)
      if (big.neurons == largest && big.seed_index == r.seed_index) {
        double worst = 0;
        for (std::size_t j = 0; j < r.grams[k].size(); ++j)
          worst = std::max(worst, std::abs(r.grams[k][j] - big.grams[k][j]));
        return worst;
      }
    return std::numeric_limits<double>::quiet_NaN();
  };
  std::vector<double> log_n, log_mismatch;
  for (const Run& r : runs) {
    result.runs.add_row({static_cast<double>(r.neurons), static_cast<double>(r.seed_index), r.mismatch,
                         r.loss_network, r.loss_theory, r.linear_mismatch, r.linear_scale});
    for (std::size_t k = 0; k < r.trajectory.size(); ++k) {
      std::vector<double> full{static_cast<double>(r.neurons), static_cast<double>(r.seed_index)};
      full.insert(full.end(), r.trajectory[k].begin(), r.trajectory[k].end());
      full.push_back(to_largest(r, k));
      result.trajectory.add_row(std::move(full));
    }
    log_n.push_back(std::log(static_cast<double>(r.neurons)));
    log_mismatch.push_back(std::log(std::max(r.mismatch, 1e-300)));
  }
  result.fit = fit_line(log_n, log_mismatch);
  result.by_n.columns = {"N", "mismatch_geomean", "mismatch_min", "mismatch_max", "fitted", "linear_mismatch_max"};
  double linear_worst = 0;
  for (int n : s.neurons) {
    double sum_log = 0, lo = std::numeric_limits<double>::infinity(), hi = 0, lin = 0;
    for (const Run& r : runs) {
      if (r.neurons != n) continue;
      sum_log += std::log(std::max(r.mismatch, 1e-300));
      lo = std::min(lo, r.mismatch);
      hi = std::max(hi, r.mismatch);
      lin = s.linear_control ? std::max(lin, r.linear_mismatch) : std::numeric_limits<double>::quiet_NaN();
    }
    linear_worst = std::max(linear_worst, lin);
    const double fitted = std::exp(result.fit.intercept + result.fit.slope * std::log(static_cast<double>(n)));
    result.by_n.add_row({static_cast<double>(n), std::exp(sum_log / s.seeds), lo, hi, fitted, lin});
  }
  result.fits.columns = {"epoch", "slope", "slope_error", "prefactor", "slope_to_largest", "slope_to_largest_error",
                         "kurtosis_mardia_largest"};
  const bool two_below = std::count_if(s.neurons.begin(), s.neurons.end(), [&](int n) { return n < largest; }) >= 2;
  for (std::size_t k = 1; k < runs.front().trajectory.size(); ++k) {
    std::vector<double> x, y, xs, ys;
    double kurtosis = 0;
    for (const Run& r : runs) {
      x.push_back(std::log(static_cast<double>(r.neurons)));
      y.push_back(std::log(std::max(r.trajectory[k][3], 1e-300)));
      if (r.neurons == largest) {
        kurtosis += r.trajectory[k][5] / s.seeds;
      } else {
        xs.push_back(x.back());
        ys.push_back(std::log(std::max(to_largest(r, k), 1e-300)));
      }
    }
    const LineFit f = fit_line(x, y);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const LineFit g = two_below ? fit_line(xs, ys) : LineFit{nan, nan, nan};
    result.fits.add_row({runs.front().trajectory[k][0], f.slope, f.slope_error, std::exp(f.intercept), g.slope,
                         g.slope_error, kurtosis});
  }
  Summary& sum = result.summary;
  sum.add("slope", result.fit.slope);
  sum.add("slope_standard_error", result.fit.slope_error);
  sum.add("prefactor", std::exp(result.fit.intercept));
  sum.add("predicted_slope", -0.5);
  sum.add("runs", static_cast<double>(runs.size()));
  if (!result.fits.rows.empty()) {
    const auto& last = result.fits.rows.back();
    if (std::isfinite(last[4])) sum.add("slope_to_largest", last[4]);
    if (std::isfinite(last[6])) sum.add("kurtosis_mardia_largest", last[6]);
  }
  if (s.linear_control) sum.add("linear_mismatch_max", linear_worst);
  return result;
}

}  // namespace learndyn::experiments::overlaps
