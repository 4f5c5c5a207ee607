#include <learndyn/experiments/ntk/gain_sweep.hpp>

#include <cmath>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/progress.hpp>
#include <learndyn/common/random.hpp>

namespace learndyn::experiments::ntk {
namespace {

// Columns of a random orthogonal n x n matrix (Gram-Schmidt twice on a Gaussian matrix),
// row-major.
std::vector<double> random_orthogonal(int n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<std::vector<double>> cols(n, std::vector<double>(n));
  for (auto& c : cols)
    for (double& x : c) x = rng.normal();
  for (int j = 0; j < n; ++j)
    for (int pass = 0; pass < 2; ++pass) {
      for (int k = 0; k < j; ++k) {
        double d = 0;
        for (int i = 0; i < n; ++i) d += cols[k][i] * cols[j][i];
        for (int i = 0; i < n; ++i) cols[j][i] -= d * cols[k][i];
      }
      double norm = 0;
      for (double x : cols[j]) norm += x * x;
      norm = std::sqrt(norm);
      for (double& x : cols[j]) x /= norm;
    }
  std::vector<double> q(static_cast<std::size_t>(n) * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) q[static_cast<std::size_t>(i) * n + j] = cols[j][i];
  return q;
}

struct StudentTeacher {
  fn::Model teacher, student;
  Readout readout;  // shared, frozen
};

// (X9) teacher: Xavier-normal W*, U*, w_out* (g* = 1); student: the teacher with W = g Q.
StudentTeacher make_pair(const GainSweepConfig& c, double gain) {
  const fn::Shape shape{fn::ModelKind::rnn_vanilla, c.hidden, c.inputs, false};
  const int n = c.hidden;
  StudentTeacher st;
  st.teacher = fn::Model{shape, 1.0, std::vector<double>(fn::parameter_count(shape))};
  Rng rng(c.seed * 31 + 5);
  const std::size_t ih = static_cast<std::size_t>(n) * c.inputs;
  const double sd_in = std::sqrt(2.0 / (c.inputs + n)), sd_rec = std::sqrt(1.0 / n);
  for (std::size_t k = 0; k < ih; ++k) st.teacher.theta[k] = sd_in * rng.normal();
  for (std::size_t k = ih; k < st.teacher.theta.size(); ++k) st.teacher.theta[k] = sd_rec * rng.normal();
  st.readout = Readout{1, n, std::vector<double>(n), {0.0}};
  const double sd_out = std::sqrt(2.0 / (1 + n));
  for (double& w : st.readout.weight) w = sd_out * rng.normal();
  st.student = st.teacher;
  const std::vector<double> q = random_orthogonal(n, c.seed * 31 + 11);
  for (std::size_t k = 0; k < q.size(); ++k) st.student.theta[ih + k] = gain * q[k];
  return st;
}

double student_loss(const StudentTeacher& st, const fn::Inputs& in) {
  return mse(read_out(st.readout, fn::forward(st.student, in)), read_out(st.readout, fn::forward(st.teacher, in))).loss;
}

// (X10) one GD step on W only: dL/dW is the weight_hh block of G^T P* dL/dh (X1).
void train_recurrent_step(const GainSweepConfig& c, StudentTeacher& st, const fn::Inputs& in) {
  const std::vector<double> states = fn::forward(st.student, in);
  const LossGradient lg = mse(read_out(st.readout, states), read_out(st.readout, fn::forward(st.teacher, in)));
  const fn::Ntk ntk(st.student, in, {c.threads});
  const std::vector<double> g = parameter_gradient(ntk, st.student, state_gradient(st.readout, lg.dl_dy));
  const std::size_t ih = static_cast<std::size_t>(c.hidden) * c.inputs;
  double norm = 0;
  for (std::size_t k = ih; k < g.size(); ++k) norm += g[k] * g[k];
  norm = std::sqrt(norm);
  const double scale = c.clip > 0 && norm > c.clip ? c.learning_rate * c.clip / norm : c.learning_rate;
  for (std::size_t k = ih; k < g.size(); ++k) st.student.theta[k] -= scale * g[k];
}

RankSnapshot recurrent_ranks(const GainSweepConfig& c, const fn::Model& student, const fn::Inputs& in) {
  const fn::Ntk ntk(student, in, {c.threads});
  const fn::SymmetricOperator a{ntk.dimension(),
                                [&](const double* x, double* y, int m) { apply_recurrent_ntk(ntk, x, y, m); }};
  RankOptions o = c.ranks;
  o.cosine = false;
  return measure_ranks(a, nullptr, in.batch, in.steps, c.hidden, o);
}

// Temporal and spatial PR of K_W alone, and the PR of the activity Gram H^T H (n x n).
struct CoreRanks {
  double temporal = 0, spatial = 0, activity_spatial = 0;
};
CoreRanks core_ranks(const GainSweepConfig& c, const fn::Model& student, const fn::Inputs& in) {
  const fn::Ntk ntk(student, in, {c.threads});
  const fn::SymmetricOperator a{ntk.dimension(),
                                [&](const double* x, double* y, int m) { apply_recurrent_core(ntk, x, y, m); }};
  CoreRanks r;
  r.temporal = fn::small_metrics(fn::reduced_operator(a, in.batch, in.steps, c.hidden, {false, true, false}), in.steps)
                   .participation_ratio;
  r.spatial = fn::small_metrics(fn::reduced_operator(a, in.batch, in.steps, c.hidden, {false, false, true}), c.hidden)
                  .participation_ratio;
  const std::vector<double> h = fn::forward(student, in);
  const int n = c.hidden;
  std::vector<double> gram(static_cast<std::size_t>(n) * n, 0.0);
  for (std::size_t s = 0; s < h.size() / n; ++s)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) gram[static_cast<std::size_t>(i) * n + j] += h[s * n + i] * h[s * n + j];
  r.activity_spatial = fn::small_metrics(gram, n).participation_ratio;
  return r;
}

// Temporal reduction of X X^T (x) I_n: its PR and its numerical rank (eigenvalues above
// 1e-10 of the largest), the exact bound r_x of X3.
std::pair<double, double> input_core_temporal(const GainSweepConfig& c, const fn::Model& student, const fn::Inputs& in) {
  const fn::Ntk ntk(student, in, {c.threads});
  const fn::SymmetricOperator a{ntk.dimension(),
                                [&](const double* x, double* y, int m) { apply_input_core(ntk, c.inputs, x, y, m); }};
  const fn::SmallMetrics sm =
      fn::small_metrics(fn::reduced_operator(a, in.batch, in.steps, c.hidden, {false, true, false}), in.steps);
  int rank = 0;
  for (double e : sm.eigenvalues)
    if (e > 1e-10 * sm.eigenvalues.front()) ++rank;
  return {sm.participation_ratio, double(rank)};
}

}  // namespace

fn::Inputs low_rank_inputs(int batch, int steps, int inputs, int rank, std::uint64_t basis_seed,
                           std::uint64_t coefficient_seed) {
  const std::vector<double> q = random_orthogonal(steps, basis_seed);  // columns: u_k
  Rng rng(coefficient_seed);
  fn::Inputs in{batch, steps, std::vector<double>(static_cast<std::size_t>(batch) * steps * inputs, 0.0), {}};
  const double scale = std::sqrt(static_cast<double>(steps) / rank);
  for (int b = 0; b < batch; ++b)
    for (int k = 0; k < rank; ++k)
      for (int j = 0; j < inputs; ++j) {
        const double a = rng.normal();
        for (int t = 0; t < steps; ++t)
          in.x[(static_cast<std::size_t>(b) * steps + t) * inputs + j] += scale * q[static_cast<std::size_t>(t) * steps + k] * a;
      }
  return in;
}

void validate(const GainSweepConfig& c) {
  require(c.hidden >= 1 && c.hidden <= 1024, "hidden", c.hidden, "1..1024");
  require(c.steps >= 1 && c.steps <= 2000, "steps", c.steps, "1..2000");
  require(c.inputs >= 1 && c.inputs <= 1024, "inputs", c.inputs, "1..1024");
  require(c.batch >= 1 && c.batch <= 10000, "batch", c.batch, "1..10000");
  require(c.eval_batch >= 1 && c.eval_batch <= 512, "eval-batch", c.eval_batch, "1..512");
  require_state_budget(c.batch, c.eval_batch, c.steps, c.hidden, 80);
  require(c.train_steps >= 0 && c.train_steps <= 1000000, "train-steps", c.train_steps, "0..1000000");
  require(c.learning_rate > 0 && std::isfinite(c.learning_rate), "lr", c.learning_rate, "lr > 0 finite");
  require(c.clip >= 0 && std::isfinite(c.clip), "clip", c.clip, "clip >= 0 (0: none)");
  require(!c.gains.empty(), "gains", "(empty)", "a non-empty list of gains");
  for (double g : c.gains) require(g >= 0 && g <= 100 && std::isfinite(g), "gains", g, "each 0 <= g <= 100");
  require(!c.input_ranks.empty(), "input-ranks", "(empty)", "a non-empty list of ranks");
  for (int r : c.input_ranks) require(r >= 1 && r <= c.steps, "input-ranks", r, "each 1 <= r <= steps");
  require(c.ranks.sketch >= 1 && c.ranks.sketch <= 4096, "sketch", c.ranks.sketch, "1..4096");
  require(c.ranks.residual >= 0 && c.ranks.residual <= 4096, "residual", c.ranks.residual, "0..4096");
}

GainSweepResult run_gain_sweep(const GainSweepConfig& c) {
  validate(c);
  GainSweepResult result;
  result.grid.columns = {"gain", "input_rank", "temporal", "spatial", "batch", "overall", "core_temporal", "core_spatial",
                         "activity_spatial", "input_core_temporal",
                         "input_core_temporal_rank", "loss_initial", "loss_final", "temporal_final", "spatial_final"};
  // The items (proofs/common.md C13): the cells, input-rank-major; a cell draws from (seed,
  // r_x, g) alone (make_pair, low_rank_inputs), so any subset computes the same rows.
  const std::size_t cells = c.input_ranks.size() * c.gains.size();
  const std::vector<std::size_t> mine = sweep_select(c.sweep, cells, [&](std::size_t i) {
    return "input_rank " + std::to_string(c.input_ranks[i / c.gains.size()]) + ", gain " +
           render_value(c.gains[i % c.gains.size()]);
  });
  std::vector<std::vector<double>> rows(cells);
  Progress progress("ntk gain-sweep", "cell", static_cast<double>(mine.size()));
  double cells_done = 0;
  for (std::size_t i : mine) {
    const int r = c.input_ranks[i / c.gains.size()];
    const double gain = c.gains[i % c.gains.size()];
    const std::uint64_t basis = c.seed * 131 + 1000 + static_cast<std::uint64_t>(r);
    const fn::Inputs eval = low_rank_inputs(c.eval_batch, c.steps, c.inputs, r, basis, c.seed * 131 + 7);
    progress.update(cells_done++);
    StudentTeacher st = make_pair(c, gain);
    const RankSnapshot before = recurrent_ranks(c, st.student, eval);
    const auto [core_pr, core_rank] = input_core_temporal(c, st.student, eval);
    const CoreRanks core = core_ranks(c, st.student, eval);
    const double loss0 = student_loss(st, eval);
    for (int s = 1; s <= c.train_steps; ++s)
      train_recurrent_step(c, st, low_rank_inputs(c.batch, c.steps, c.inputs, r, basis, c.seed * 977 + s));
    const RankSnapshot after = c.train_steps > 0 ? recurrent_ranks(c, st.student, eval) : before;
    rows[i] = {gain, double(r), before.temporal, before.spatial, before.batch, before.overall, core.temporal, core.spatial,
               core.activity_spatial, core_pr,
               core_rank, loss0, student_loss(st, eval), after.temporal, after.spatial};
  }
  sweep_complete_rows(c.sweep, rows, mine, result.grid.columns.size());
  for (std::vector<double>& row : rows) result.grid.add_row(std::move(row));
  const Table& g = result.grid;
  double max_excess = -1e300;
  for (std::size_t k = 0; k < g.rows.size(); ++k)
    max_excess = std::max(max_excess, g.at(k, "input_core_temporal_rank") - g.at(k, "input_rank"));
  result.summary.add("input_core_rank_minus_input_rank_max", max_excess);
  return result;
}

}  // namespace learndyn::experiments::ntk
