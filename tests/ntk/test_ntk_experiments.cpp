// The NTK experiments' building blocks (proofs/ntk_experiments.md X1-X10) at tiny sizes: the
// parameter gradient G^T P* dL/dh and the whole Memory-Pro loss gradient against central
// differences (X1, X11), the recurrent-weight NTK against J_W J_W^T from finite differences
// (X2, X11), the exact temporal-rank bound of the input core (X3), determinism for any thread
// count (X12), and errors naming the parameter.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/experiments/ntk/gain_sweep.hpp>
#include <learndyn/experiments/ntk/memory_pro.hpp>

namespace {
namespace fn = learndyn::fast::ntk;
namespace ex = learndyn::experiments::ntk;

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

// L(theta) = <c, h(theta)>: dL/dh = c exactly, so G^T P* c is the whole gradient (X1).
double linear_functional(const fn::Model& m, const fn::Inputs& in, const std::vector<double>& c) {
  const std::vector<double> h = fn::forward(m, in);
  double s = 0;
  for (std::size_t k = 0; k < h.size(); ++k) s += c[k] * h[k];
  return s;
}

// Central difference of f at theta[k], step eps (X11).
template <class F>
double central_difference(fn::Model m, std::size_t k, double eps, F&& f) {
  const double t = m.theta[k];
  m.theta[k] = t + eps;
  const double up = f(m);
  m.theta[k] = t - eps;
  return (up - f(m)) / (2 * eps);
}

RC_GTEST_PROP(NtkExperiments, ParameterGradientMatchesCentralDifferences, ()) {
  const int kind = *rc::gen::inRange(0, 3), n = *rc::gen::inRange(1, 5), n_in = *rc::gen::inRange(1, 4);
  const int batch = *rc::gen::inRange(1, 4), steps = *rc::gen::inRange(1, 6);
  const bool bias = *rc::gen::arbitrary<bool>();
  const int seed = *rc::gen::inRange(0, 1 << 20);
  const fn::Shape shape{static_cast<fn::ModelKind>(kind), n, n_in, bias};
  const fn::Model model = fn::random_model(shape, kind == 2 ? 1.0 : 0.6, 0.9, seed);
  const fn::Inputs in = fn::random_inputs(shape, batch, steps, seed + 1);
  learndyn::Rng rng(seed + 2);
  std::vector<double> c(static_cast<std::size_t>(batch) * steps * n);
  for (double& x : c) x = rng.normal();
  const fn::Ntk ntk(model, in, {1});
  const std::vector<double> g = ex::parameter_gradient(ntk, model, c);
  RC_ASSERT(g.size() == model.theta.size());
  std::vector<double> fd(g.size());
  for (std::size_t k = 0; k < g.size(); ++k)
    fd[k] = central_difference(model, k, 1e-5, [&](const fn::Model& m) { return linear_functional(m, in, c); });
  // (X11): truncation eps^2 |L'''| / 6 + rounding ~ u |L| / eps, both < 1e-7 |g|_max here.
  const double scale = std::max(1.0, max_abs(fd));
  for (std::size_t k = 0; k < g.size(); ++k) RC_ASSERT(std::fabs(g[k] - fd[k]) <= 1e-6 * scale);
}

TEST(NtkExperiments, MemoryProLossGradientMatchesCentralDifferences) {
  // The whole chain of an SGD step: MSE of the readout of the states (X1, X5).
  for (fn::ModelKind kind : {fn::ModelKind::gru, fn::ModelKind::rnn_rate}) {
    const ex::MemoryProTask task{2, 1, 2, 0.1};
    const ex::MemoryProBatch batch = ex::memory_pro_batch(task, {0.3, 2.0}, task.noise, 5);
    const fn::Model model = ex::xavier_model(kind, 3, 3, 0.7, 1.5, 11);
    ex::Readout ro{3, 3, {0.1, -0.2, 0.3, 0.4, 0.5, -0.6, 0.7, 0.2, -0.1}, {0.05, -0.02, 0.01}};
    const auto loss = [&](const fn::Model& m) { return ex::mse(ex::read_out(ro, fn::forward(m, batch.inputs)), batch.target).loss; };
    const std::vector<double> states = fn::forward(model, batch.inputs);
    const ex::LossGradient lg = ex::mse(ex::read_out(ro, states), batch.target);
    const fn::Ntk ntk(model, batch.inputs, {2});
    const std::vector<double> g = ex::parameter_gradient(ntk, model, ex::state_gradient(ro, lg.dl_dy));
    double scale = 0;
    std::vector<double> fd(g.size());
    for (std::size_t k = 0; k < g.size(); ++k) scale = std::max(scale, std::fabs(fd[k] = central_difference(model, k, 1e-5, loss)));
    for (std::size_t k = 0; k < g.size(); ++k) EXPECT_NEAR(g[k], fd[k], 1e-6 * std::max(scale, 1e-3)) << "theta " << k;
    // Readout: d/dW_out by central differences on the readout itself.
    std::vector<double> dw, db;
    ex::readout_gradient(ro, states, lg.dl_dy, dw, db);
    for (std::size_t k = 0; k < dw.size(); ++k) {
      ex::Readout up = ro, down = ro;
      up.weight[k] += 1e-5;
      down.weight[k] -= 1e-5;
      const double f = (ex::mse(ex::read_out(up, states), batch.target).loss -
                        ex::mse(ex::read_out(down, states), batch.target).loss) / 2e-5;
      EXPECT_NEAR(dw[k], f, 1e-8) << "W_out " << k;
    }
  }
}

TEST(NtkExperiments, RecurrentNtkIsJwJwTransposeFromFiniteDifferences) {
  // (X2): P K_W P* = (dh/dW)(dh/dW)^T, dh/dW column by column by central differences.
  const fn::Shape shape{fn::ModelKind::rnn_vanilla, 3, 2, false};
  const fn::Model model = fn::random_model(shape, 1.0, 1.1, 3);
  const fn::Inputs in = fn::random_inputs(shape, 2, 4, 4);
  const fn::Ntk ntk(model, in, {2});
  const int dim = static_cast<int>(ntk.dimension());
  std::vector<double> id(static_cast<std::size_t>(dim) * dim, 0.0), ntk_w(id.size());
  for (int j = 0; j < dim; ++j) id[static_cast<std::size_t>(j) * dim + j] = 1;
  ex::apply_recurrent_ntk(ntk, id.data(), ntk_w.data(), dim);
  const std::size_t first = static_cast<std::size_t>(shape.hidden) * shape.inputs;  // weight_hh block
  std::vector<std::vector<double>> columns;
  for (std::size_t k = first; k < model.theta.size(); ++k) {
    fn::Model up = model, down = model;
    up.theta[k] += 1e-6;
    down.theta[k] -= 1e-6;
    const std::vector<double> hu = fn::forward(up, in), hd = fn::forward(down, in);
    std::vector<double> col(dim);
    for (int i = 0; i < dim; ++i) col[i] = (hu[i] - hd[i]) / 2e-6;
    columns.push_back(col);
  }
  const double scale = max_abs(ntk_w);
  for (int i = 0; i < dim; ++i)
    for (int j = 0; j < dim; ++j) {
      double jj = 0;
      for (const auto& col : columns) jj += col[i] * col[j];
      EXPECT_NEAR(ntk_w[static_cast<std::size_t>(j) * dim + i], jj, 1e-7 * scale) << i << "," << j;
    }
}

RC_GTEST_PROP(NtkExperiments, InputCoreTemporalRankIsAtMostTheInputRank, ()) {
  // (X3): the temporal reduction of X X^T (x) I_n is (1/B) M M^T, M_t = sum_b x_{b,t}, whose
  // rank is at most r_x for the inputs of X8; the eigenvalues past r_x vanish to rounding.
  const int steps = *rc::gen::inRange(2, 9), rank = *rc::gen::inRange(1, steps + 1);
  const int batch = *rc::gen::inRange(1, 4), inputs = *rc::gen::inRange(1, 4), n = *rc::gen::inRange(1, 4);
  const fn::Shape shape{fn::ModelKind::rnn_vanilla, n, inputs, false};
  const fn::Model model = fn::random_model(shape, 1.0, 1.0, rank);
  const fn::Inputs in = ex::low_rank_inputs(batch, steps, inputs, rank, 9, 10);
  const fn::Ntk ntk(model, in, {1});
  const fn::SymmetricOperator a{ntk.dimension(), [&](const double* x, double* y, int m) { ex::apply_input_core(ntk, inputs, x, y, m); }};
  const fn::SmallMetrics sm = fn::small_metrics(fn::reduced_operator(a, batch, steps, n, {false, true, false}), steps);
  for (std::size_t k = rank; k < sm.eigenvalues.size(); ++k)
    RC_ASSERT(std::fabs(sm.eigenvalues[k]) <= 1e-12 * sm.eigenvalues.front());
  RC_ASSERT(sm.participation_ratio <= rank * (1 + 1e-12));
}

// Sizes at which every product inside fast/ntk takes Eigen's GEMM path (X12: below them the
// coefficient-based small products depend on buffer alignment in the last bits).
// (X6): at h = 0 under zero input (zero biases) the step Jacobian is I/2 + W_hn/4 (GRU) or
// (1 - alpha) I + alpha W (RNN): checked against central differences of one step, and its
// spectral radius is < 1 for network 1's default gain and > 1 for network 2's.
double origin_jacobian_radius(fn::ModelKind kind, double gain) {
  const int n = 32;
  const double alpha = 0.7;
  const fn::Model model = ex::xavier_model(kind, n, 3, alpha, gain, 0);
  const std::size_t rows = static_cast<std::size_t>(fn::gate_count(model.shape)) * n;
  const double* w = model.theta.data() + rows * 3 + (kind == fn::ModelKind::gru ? 2 * static_cast<std::size_t>(n) * n : 0);
  Eigen::MatrixXd j(n, n);
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c)
      j(r, c) = kind == fn::ModelKind::gru ? 0.25 * w[r * n + c] + (r == c ? 0.5 : 0.0)
                                            : alpha * w[r * n + c] + (r == c ? 1 - alpha : 0.0);
  fn::Inputs in{1, 1, std::vector<double>(3, 0.0), std::vector<double>(n, 0.0)};
  for (int c = 0; c < n; ++c) {
    in.h0.assign(n, 0.0);
    in.h0[c] = 1e-6;
    const std::vector<double> up = fn::forward(model, in);
    in.h0[c] = -1e-6;
    const std::vector<double> down = fn::forward(model, in);
    for (int r = 0; r < n; ++r) EXPECT_NEAR((up[r] - down[r]) / 2e-6, j(r, c), 1e-8) << r << "," << c;
  }
  return Eigen::EigenSolver<Eigen::MatrixXd>(j).eigenvalues().cwiseAbs().maxCoeff();
}

TEST(NtkExperiments, DefaultGainsMakeTheOriginAttractingOrRepelling) {
  EXPECT_LT(origin_jacobian_radius(fn::ModelKind::gru, 1.0), 1.0);
  EXPECT_GT(origin_jacobian_radius(fn::ModelKind::gru, 4.0), 1.0);
  EXPECT_LT(origin_jacobian_radius(fn::ModelKind::rnn_rate, 0.5), 1.0);
  EXPECT_GT(origin_jacobian_radius(fn::ModelKind::rnn_rate, 1.3), 1.0);
}

ex::MemoryProConfig tiny_memory_pro(unsigned threads) {
  ex::MemoryProConfig c;
  c.task = {3, 2, 3, 0.1};
  c.hidden = 12;
  c.batch = 4;
  c.iterations = 4;
  c.record_every = 2;
  c.eval_batch = 4;
  c.ranks = {4, 4, 4, 1, true, true};
  c.threads = threads;
  return c;
}

bool same_tables(const learndyn::experiments::Table& a, const learndyn::experiments::Table& b) { return a.columns == b.columns && a.rows == b.rows; }

TEST(NtkExperiments, MemoryProIsDeterministicForAnyThreadCount) {
  for (fn::ModelKind kind : {fn::ModelKind::gru, fn::ModelKind::rnn_rate}) {
    ex::MemoryProConfig c1 = tiny_memory_pro(1), c2 = tiny_memory_pro(2);
    c1.kind = c2.kind = kind;
    const ex::MemoryProResult a = ex::run_memory_pro(c1), b = ex::run_memory_pro(c2);
    EXPECT_TRUE(same_tables(a.history, b.history));
    EXPECT_TRUE(same_tables(a.outputs, b.outputs));
    EXPECT_EQ(a.history.rows.size(), 2u * 3u);  // iterations 0, 2, 4 per network
  }
}

TEST(NtkExperiments, MemoryProRanksLieInTheirRanges) {
  // (N25): 1 <= PR <= size of the reduced operator; |cos| <= 1 (X4).
  const ex::MemoryProResult r = ex::run_memory_pro(tiny_memory_pro(2));
  for (std::size_t k = 0; k < r.history.rows.size(); ++k) {
    EXPECT_GE(r.history.at(k, "temporal"), 1 - 1e-12);
    EXPECT_LE(r.history.at(k, "temporal"), 8 + 1e-12);
    EXPECT_LE(r.history.at(k, "spatial"), 12 + 1e-12);
    EXPECT_LE(r.history.at(k, "batch"), 4 + 1e-12);
    EXPECT_LE(std::fabs(r.history.at(k, "core_cosine")), 1 + 1e-12);
  }
}

TEST(NtkExperiments, GainSweepIsDeterministicAndMeetsTheInputCoreBound) {
  ex::GainSweepConfig c;
  c.hidden = 12;
  c.steps = 6;
  c.inputs = 3;
  c.batch = 4;
  c.eval_batch = 4;
  c.train_steps = 2;
  c.gains = {0.5, 2.0};
  c.input_ranks = {1, 3};
  c.ranks = {4, 4, 4, 1, true, false};
  c.threads = 1;
  const ex::GainSweepResult a = ex::run_gain_sweep(c);
  c.threads = 2;
  const ex::GainSweepResult b = ex::run_gain_sweep(c);
  EXPECT_TRUE(same_tables(a.grid, b.grid));
  ASSERT_EQ(a.grid.rows.size(), 4u);
  EXPECT_LE(a.summary.get("input_core_rank_minus_input_rank_max"), 0.0);  // X3
}

template <class F>
void expect_argument_error(F&& f, const std::string& parameter) {
  try {
    f();
    ADD_FAILURE() << "no error for " << parameter;
  } catch (const learndyn::ArgumentError& e) {
    EXPECT_EQ(e.parameter(), parameter);
  }
}

TEST(NtkExperiments, BadConfigurationsNameTheParameter) {
  ex::MemoryProConfig m = tiny_memory_pro(1);
  m.hidden = 0;
  expect_argument_error([&] { ex::run_memory_pro(m); }, "hidden");
  m = tiny_memory_pro(1);
  m.learning_rate = -1;
  expect_argument_error([&] { ex::run_memory_pro(m); }, "lr");
  m = tiny_memory_pro(1);
  m.kind = fn::ModelKind::rnn_vanilla;
  expect_argument_error([&] { ex::run_memory_pro(m); }, "model");
  ex::GainSweepConfig g;
  g.steps = 4;
  g.input_ranks = {5};
  expect_argument_error([&] { ex::run_gain_sweep(g); }, "input-ranks");
  g = {};
  g.gains = {-1};
  expect_argument_error([&] { ex::run_gain_sweep(g); }, "gains");
}

}  // namespace
