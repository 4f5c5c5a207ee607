#include <learndyn/experiments/ntk/memory_pro.hpp>

#include <algorithm>
#include <cmath>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/progress.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/experiments/ntk/fixed_points.hpp>

namespace learndyn::experiments::ntk {
namespace {

constexpr int kChannels = 3;
constexpr double kTwoPi = 6.283185307179586;

struct Network {
  fn::Model model;
  Readout readout;
};

Readout xavier_readout(int outputs, int hidden, std::uint64_t seed) {
  Rng rng(seed ^ 0xA5A5A5A5ull);
  Readout r{outputs, hidden, std::vector<double>(static_cast<std::size_t>(outputs) * hidden),
            std::vector<double>(outputs, 0.0)};
  const double sd = std::sqrt(2.0 / (outputs + hidden));
  for (double& w : r.weight) w = sd * rng.normal();
  return r;
}

// Evaluation on the fixed, noise-free batch: losses, the end-state spread and the ranks.
std::vector<double> record_row(const MemoryProConfig& c, int network, int iteration, const Network& net,
                               const MemoryProBatch& eval) {
  const std::vector<double> states = fn::forward(net.model, eval.inputs);
  const std::vector<double> y = read_out(net.readout, states);
  const double loss = mse(y, eval.target).loss;
  double masked = 0, count = 0;
  for (std::size_t k = 0; k < y.size(); ++k) {
    masked += eval.response_mask[k] * (y[k] - eval.target[k]) * (y[k] - eval.target[k]);
    count += eval.response_mask[k];
  }
  // (X7) spread of h_T across trials: RMS over units of h_{b,T} - mean_b h_{b,T}.
  const int n = c.hidden, steps = c.task.steps(), batch = eval.inputs.batch;
  std::vector<double> mean(n, 0.0);
  for (int b = 0; b < batch; ++b)
    for (int i = 0; i < n; ++i) mean[i] += states[(static_cast<std::size_t>(b) * steps + steps - 1) * n + i] / batch;
  double spread = 0;
  for (int b = 0; b < batch; ++b)
    for (int i = 0; i < n; ++i) {
      const double d = states[(static_cast<std::size_t>(b) * steps + steps - 1) * n + i] - mean[i];
      spread += d * d / (static_cast<double>(batch) * n);
    }
  const fn::Ntk ntk(net.model, eval.inputs, {c.threads});
  const fn::SymmetricOperator a{ntk.dimension(), [&](const double* in, double* out, int m) { ntk.apply_ntk(in, out, m); }};
  const fn::SymmetricOperator core{ntk.dimension(), [&](const double* in, double* out, int m) { ntk.apply_core(in, out, m); }};
  const RankSnapshot r = measure_ranks(a, &core, batch, steps, n, c.ranks);
  return {double(network), double(iteration), loss, masked / count, std::sqrt(spread), r.temporal, r.spatial,
          r.batch, r.overall, r.overall_se, r.core_cosine, r.core_cosine_se};
}

void record_outputs(Table& out, int network, int stage, const Network& net, const MemoryProBatch& eval) {
  const std::vector<double> y = read_out(net.readout, fn::forward(net.model, eval.inputs));
  const int steps = eval.inputs.steps;
  for (int b = 0; b < eval.inputs.batch; ++b)
    for (int t = 0; t < steps; ++t) {
      const std::size_t s = (static_cast<std::size_t>(b) * steps + t) * kChannels;
      out.add_row({double(network), double(stage), double(b), double(t), y[s], y[s + 1], y[s + 2],
                   eval.target[s + 1], eval.target[s + 2]});
    }
}

double norm_squared(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x * x;
  return s;
}

// One SGD step on a fresh noisy batch; returns the batch loss.
double sgd_step(const MemoryProConfig& c, Network& net, Rng& rng, std::uint64_t noise_seed) {
  std::vector<double> angles(c.batch);
  for (double& a : angles) a = kTwoPi * rng.uniform();
  const MemoryProBatch batch = memory_pro_batch(c.task, angles, c.task.noise, noise_seed);
  const std::vector<double> states = fn::forward(net.model, batch.inputs);
  const LossGradient lg = mse(read_out(net.readout, states), batch.target);
  const fn::Ntk ntk(net.model, batch.inputs, {c.threads});
  std::vector<double> g_theta = parameter_gradient(ntk, net.model, state_gradient(net.readout, lg.dl_dy));  // (X1)
  std::vector<double> g_w, g_b;
  readout_gradient(net.readout, states, lg.dl_dy, g_w, g_b);
  double scale = c.learning_rate;
  const double norm = std::sqrt(norm_squared(g_theta) + norm_squared(g_w) + norm_squared(g_b));
  if (c.clip > 0 && norm > c.clip) scale *= c.clip / norm;  // global-norm clipping (X6)
  for (std::size_t k = 0; k < g_theta.size(); ++k) net.model.theta[k] -= scale * g_theta[k];
  for (std::size_t k = 0; k < g_w.size(); ++k) net.readout.weight[k] -= scale * g_w[k];
  for (std::size_t k = 0; k < g_b.size(); ++k) net.readout.bias[k] -= scale * g_b[k];
  return lg.loss;
}

}  // namespace

MemoryProBatch memory_pro_batch(const MemoryProTask& task, const std::vector<double>& angles, double noise,
                                std::uint64_t noise_seed) {
  const int batch = static_cast<int>(angles.size()), steps = task.steps();
  MemoryProBatch out;
  out.inputs.batch = batch;
  out.inputs.steps = steps;
  out.inputs.x.assign(static_cast<std::size_t>(batch) * steps * kChannels, 0.0);
  out.target.assign(out.inputs.x.size(), 0.0);
  out.response_mask.assign(out.inputs.x.size(), 0.0);
  Rng rng(noise_seed);
  for (int b = 0; b < batch; ++b)
    for (int t = 0; t < steps; ++t) {
      const std::size_t s = (static_cast<std::size_t>(b) * steps + t) * kChannels;
      const bool stimulus = t < task.stimulus, response = t >= task.stimulus + task.memory;
      out.inputs.x[s] = response ? 0.0 : 1.0;  // fixation cue, off in the response period
      out.inputs.x[s + 1] = stimulus ? std::cos(angles[b]) : 0.0;
      out.inputs.x[s + 2] = stimulus ? std::sin(angles[b]) : 0.0;
      out.target[s] = response ? 0.0 : 1.0;
      out.target[s + 1] = response ? std::cos(angles[b]) : 0.0;
      out.target[s + 2] = response ? std::sin(angles[b]) : 0.0;
      for (int k = 0; k < kChannels; ++k) out.response_mask[s + k] = response ? 1.0 : 0.0;
      if (noise > 0)
        for (int k = 0; k < kChannels; ++k) out.inputs.x[s + k] += noise * rng.normal();
    }
  return out;
}

void validate(const MemoryProConfig& c) {
  require(c.kind == fn::ModelKind::gru || c.kind == fn::ModelKind::rnn_rate, "model", "rnn_vanilla", "gru or rnn");
  require(c.hidden >= 1 && c.hidden <= 1024, "hidden", c.hidden, "1..1024");
  require(c.task.stimulus >= 1 && c.task.memory >= 0 && c.task.response >= 1, "period", c.task.stimulus,
          "stimulus, response >= 1, memory >= 0 steps");
  require(c.task.steps() <= 2000, "period", c.task.steps(), "T <= 2000 steps");
  require_state_budget(c.batch, c.eval_batch, c.task.steps(), c.hidden, 150);
  require(c.task.noise >= 0 && std::isfinite(c.task.noise), "noise", c.task.noise, "noise >= 0 finite");
  require(c.batch >= 1 && c.batch <= 10000, "batch", c.batch, "1..10000");
  require(c.eval_batch >= 2 && c.eval_batch <= 512, "eval-batch", c.eval_batch, "2..512");
  require(c.iterations >= 0 && c.iterations <= 1000000, "iterations", c.iterations, "0..1000000");
  require(c.record_every >= 1, "record-every", c.record_every, "record-every >= 1");
  require(c.alpha > 0 && c.alpha <= 1, "alpha", c.alpha, "0 < alpha <= 1");
  require(c.learning_rate > 0 && std::isfinite(c.learning_rate), "lr", c.learning_rate, "lr > 0 finite");
  require(c.clip >= 0 && std::isfinite(c.clip), "clip", c.clip, "clip >= 0 (0: none)");
  require(c.gain_collapse > 0 && std::isfinite(c.gain_collapse), "gain-collapse", c.gain_collapse, "g > 0 finite");
  require(c.gain_learn > 0 && std::isfinite(c.gain_learn), "gain-learn", c.gain_learn, "g > 0 finite");
  require(c.fixed_points >= 0 && c.fixed_points <= c.hidden, "fixed-points", c.fixed_points, "0..hidden");
  require(c.fixed_points == 0 || c.kind == fn::ModelKind::rnn_rate, "fixed-points", c.fixed_points,
          "0 for the GRU (the construction, X13, is for --model rnn)");
  require(c.fixed_point_rule == 0 || c.fixed_point_rule == 1, "rule", c.fixed_point_rule, "simultaneous or sequential");
  require(c.ranks.sketch >= 1 && c.ranks.sketch <= 4096, "sketch", c.ranks.sketch, "1..4096");
  require(c.ranks.residual >= 0 && c.ranks.residual <= 4096, "residual", c.ranks.residual, "0..4096");
  require(c.ranks.cosine_probes >= 2 && c.ranks.cosine_probes <= 4096, "probes", c.ranks.cosine_probes, "2..4096");
}

fn::Model xavier_model(fn::ModelKind kind, int hidden, int inputs, double alpha, double recurrent_gain,
                       std::uint64_t seed) {
  const fn::Shape shape{kind, hidden, inputs, true};
  fn::Model m{shape, alpha, std::vector<double>(fn::parameter_count(shape), 0.0)};
  Rng rng(seed);
  const std::size_t rows = static_cast<std::size_t>(fn::gate_count(shape)) * hidden;
  const double sd_in = std::sqrt(2.0 / (inputs + hidden)), sd_rec = recurrent_gain * std::sqrt(1.0 / hidden);
  std::size_t k = 0;
  for (std::size_t e = 0; e < rows * inputs; ++e) m.theta[k++] = sd_in * rng.normal();
  for (std::size_t e = 0; e < rows * hidden; ++e) m.theta[k++] = sd_rec * rng.normal();
  return m;  // biases stay 0
}

MemoryProResult run_memory_pro(const MemoryProConfig& c) {
  validate(c);
  MemoryProResult result;
  result.history.columns = {"network", "iteration", "loss", "response_loss", "end_dispersion", "temporal", "spatial",
                            "batch", "overall", "overall_se", "core_cosine", "core_cosine_se"};
  result.outputs.columns = {"network", "stage", "trial", "t", "y_fix", "y_cos", "y_sin", "target_cos", "target_sin"};
  std::vector<double> eval_angles(c.eval_batch);
  for (int b = 0; b < c.eval_batch; ++b) eval_angles[b] = kTwoPi * b / c.eval_batch;
  const MemoryProBatch eval = memory_pro_batch(c.task, eval_angles, 0.0, 0);
  const double gains[2] = {c.gain_collapse, c.gain_learn};
  // The items (proofs/common.md C13): the two networks; each draws from the seed alone (its own
  // Rng for the batches), so either can run without the other.
  const std::vector<std::size_t> mine =
      sweep_select(c.sweep, 2, [&](std::size_t i) { return "network " + std::to_string(i + 1); });
  std::vector<std::pair<Table, Table>> parts(2, {result.history, result.outputs});  // (history, outputs)
  Progress progress("ntk memory-pro", "SGD iteration", static_cast<double>(mine.size()) * c.iterations);
  double done = 0;
  for (std::size_t item : mine) {
    const int network = static_cast<int>(item) + 1;
    Table& history = parts[item].first;
    Table& outputs = parts[item].second;
    Network net{xavier_model(c.kind, c.hidden, kChannels, c.alpha, gains[network - 1], c.seed),
                xavier_readout(kChannels, c.hidden, c.seed)};
    if (network == 2 && c.fixed_points > 0)  // (X13) the paper's network 2: added fixed points
      add_fixed_points(net.model, fixed_point_targets(c.hidden, c.fixed_points, c.seed),
                       c.fixed_point_rule == 0 ? FixedPointRule::simultaneous : FixedPointRule::sequential);
    Rng rng(c.seed * 7919 + 17);  // the same batches for both networks
    record_outputs(outputs, network, 0, net, eval);
    history.add_row(record_row(c, network, 0, net, eval));
    for (int it = 1; it <= c.iterations; ++it) {
      progress.update(done++);
      sgd_step(c, net, rng, c.seed * 1000003 + static_cast<std::uint64_t>(it));
      if (it % c.record_every == 0 || it == c.iterations) history.add_row(record_row(c, network, it, net, eval));
    }
    record_outputs(outputs, network, 1, net, eval);
  }
  const std::size_t history_width = result.history.columns.size(), outputs_width = result.outputs.columns.size();
  sweep_complete(
      c.sweep, parts, mine,
      [](const std::pair<Table, Table>& p) {
        ItemRecord record;
        record.add_rows("history", p.first.rows);
        record.add_rows("outputs", p.second.rows);
        return record;
      },
      [&](const ItemRecord& record, std::pair<Table, Table>& p) {
        p.first.rows = record.rows("history", history_width);
        p.second.rows = record.rows("outputs", outputs_width);
      });
  for (const auto& [history, outputs] : parts) {
    for (const auto& row : history.rows) result.history.add_row(row);
    for (const auto& row : outputs.rows) result.outputs.add_row(row);
  }
  const Table& h = result.history;
  for (int network = 1; network <= 2; ++network) {
    std::size_t first = h.rows.size(), last = 0;
    for (std::size_t r = 0; r < h.rows.size(); ++r)
      if (h.at(r, "network") == network) first = std::min(first, r), last = r;
    const std::string p = "network" + std::to_string(network) + "_";
    for (const char* col : {"response_loss", "end_dispersion", "temporal", "spatial", "overall", "core_cosine"}) {
      result.summary.add(p + col + "_initial", h.at(first, col));
      result.summary.add(p + col + "_final", h.at(last, col));
    }
  }
  return result;
}

}  // namespace learndyn::experiments::ntk
