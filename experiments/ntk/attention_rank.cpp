#include <learndyn/experiments/ntk/attention_rank.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/memory_budget.hpp>
#include <learndyn/common/parallel.hpp>
#include <learndyn/experiments/ntk/metrics_memory.hpp>
#include <learndyn/fast/ntk/estimators.hpp>

namespace learndyn::experiments::ntk {
namespace {
namespace fn = learndyn::fast::ntk;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// PR of the T x T Gram of xbar_t = sum_b x_bt: the temporal reduction of X X^T (x) I (N24).
double input_temporal_rank(const fn::AttentionInputs& in, int d_in) {
  std::vector<double> xbar(std::size_t(in.steps) * d_in, 0.0), gram(std::size_t(in.steps) * in.steps, 0.0);
  for (int b = 0; b < in.batch; ++b)
    for (int t = 0; t < in.steps; ++t)
      for (int c = 0; c < d_in; ++c) xbar[std::size_t(t) * d_in + c] += in.x[(std::size_t(b) * in.steps + t) * d_in + c];
  for (int t = 0; t < in.steps; ++t)
    for (int s = 0; s < in.steps; ++s)
      for (int c = 0; c < d_in; ++c)
        gram[std::size_t(t) * in.steps + s] += xbar[std::size_t(t) * d_in + c] * xbar[std::size_t(s) * d_in + c];
  return fn::small_metrics(gram, in.steps).participation_ratio;
}

std::vector<double> measure(const AttentionRankConfig& c, long d_in, long d_a, long seed) {
  fn::AttentionShape shape;
  shape.inputs = static_cast<int>(d_in);
  shape.attention = static_cast<int>(d_a);
  shape.mlp = c.mlp;
  shape.outputs = c.outputs;
  shape.heads = c.heads;
  const fn::AttentionModel model = fn::random_attention(shape, static_cast<std::uint64_t>(seed));
  const fn::AttentionInputs inputs = fn::random_attention_inputs(shape, c.batch, c.steps, static_cast<std::uint64_t>(seed) + 1);
  const fn::AttentionNtk ntk(model, inputs, {c.threads});
  const int d = shape.state_size();
  const fn::KeptAxes time{false, true, false}, space{false, false, true};
  const double temporal_inputs = input_temporal_rank(inputs, shape.inputs);
  const double temporal =
      fn::small_metrics(fn::reduced_operator(ntk.ntk_operator(), c.batch, c.steps, d, time), c.steps).participation_ratio;
  const double temporal_core =
      fn::small_metrics(fn::reduced_operator(ntk.k_operator(), c.batch, c.steps, d, time), c.steps).participation_ratio;
  double spatial = kNaN, overall = kNaN, overall_se = kNaN;
  if (c.spatial)
    spatial = fn::small_metrics(fn::reduced_operator(ntk.ntk_operator(), c.batch, c.steps, d, space), d).participation_ratio;
  if (c.overall) {
    const fn::RankEstimate e =
        fn::hutch_plus_plus(ntk.ntk_operator(), c.sketch, c.residual, static_cast<std::uint64_t>(seed) + 101);
    overall = e.participation_ratio.value;
    overall_se = e.participation_ratio.standard_error;
  }
  return {double(d_in), double(d_a), double(seed), temporal, temporal_core, temporal_inputs, spatial, overall, overall_se};
}

void require_list(const std::vector<long>& values, const char* parameter, long lo, long hi) {
  require(!values.empty(), parameter, "''", "a comma-separated list of integers in " + std::to_string(lo) + ".." + std::to_string(hi));
  for (long v : values) require(v >= lo && v <= hi, parameter, v, "an integer with " + std::to_string(lo) + " <= " +
                                                                 std::string(parameter) + " <= " + std::to_string(hi));
}

}  // namespace

void validate(const AttentionRankConfig& c) {
  require_list(c.inputs, "inputs", 1, 4096);
  require_list(c.seeds, "seeds", 0, 9007199254740992L);  // 2^53: every seed exact in the table
  require_list(c.attentions, "attention", 1, 1024);
  require(c.heads >= 1 && c.heads <= 1024, "heads", c.heads, "1..1024");
  for (long da : c.attentions) require(da % c.heads == 0, "heads", c.heads, "a divisor of every --attention width (N65)");
  require(c.mlp >= 1 && c.mlp <= 4096, "mlp", c.mlp, "1..4096");
  require(c.outputs >= 1 && c.outputs <= 1024, "outputs", c.outputs, "1..1024");
  require(c.batch >= 1 && c.batch <= 100000, "batch", c.batch, "1..100000");
  require(c.steps >= 1 && c.steps <= 4096, "steps", c.steps, "1..4096");
  require(c.sketch >= 1 && c.sketch <= 4096, "sketch", c.sketch, "1..4096");
  require(c.residual >= 0 && c.residual <= 4096, "residual", c.residual, "0..4096");
  require(c.threads <= kMaxThreads, "threads", c.threads, "0..256 (0: every available core)");
  require(static_cast<double>(c.batch) * c.steps * c.steps <= 5e7, "steps", c.steps, "B T^2 <= 5e7 attention weights");
  for (long da : c.attentions) {
    fn::AttentionShape shape;
    shape.attention = static_cast<int>(da);
    shape.mlp = c.mlp;
    shape.outputs = c.outputs;
    require(!c.spatial || shape.state_size() <= 4096, "spatial", shape.state_size(),
            "per-token state 4 attention + mlp + outputs <= 4096");
    require(static_cast<double>(c.batch) * c.steps * shape.state_size() <= 5e7, "batch", c.batch,
            "B T (4 attention + mlp + outputs) <= 5e7 states");
    MetricsWork work;  // the reductions, and Hutch++ for the overall rank
    work.estimator = c.overall ? MetricsWork::Estimator::hutch_plus_plus : MetricsWork::Estimator::none;
    work.sketch = c.sketch;
    work.residual = c.residual;
    work.cosine_probes = 0;
    work.reduced = true;
    require_memory_terms(kMetricsFixedBytes,
                         attention_metrics_memory(shape, c.batch, c.steps, work,
                                                  {"batch", std::to_string(c.batch), "", "", "steps", std::to_string(c.steps)}));
  }
}

AttentionRankResult run_attention_rank(const AttentionRankConfig& c) {
  validate(c);
  AttentionRankResult out;
  out.rows.columns = {"inputs", "attention", "seed", "temporal_rank", "temporal_rank_K", "temporal_rank_inputs",
                      "spatial_rank", "overall_rank", "overall_rank_se"};
  out.rows.integer_columns = {"inputs", "attention", "seed"};
  // The items (proofs/common.md C13): the rows, attention-major, then d_in, then seed; a row
  // draws from its (d_in, d_a, seed) alone, so any subset computes the same rows.
  const std::size_t per_attention = c.inputs.size() * c.seeds.size();
  const auto cell = [&](std::size_t i) {
    return std::array<long, 3>{c.inputs[i % per_attention / c.seeds.size()], c.attentions[i / per_attention],
                               c.seeds[i % c.seeds.size()]};
  };
  const std::vector<std::size_t> mine =
      sweep_select(c.sweep, c.attentions.size() * per_attention, [&](std::size_t i) {
        const auto [d, da, seed] = cell(i);
        return "inputs " + std::to_string(d) + ", attention " + std::to_string(da) + ", seed " + std::to_string(seed);
      });
  std::vector<std::vector<double>> rows(c.attentions.size() * per_attention);
  for (std::size_t i : mine) {
    const auto [d, da, seed] = cell(i);
    rows[i] = measure(c, d, da, seed);
  }
  sweep_complete_rows(c.sweep, rows, mine, out.rows.columns.size());
  for (std::vector<double>& row : rows) out.rows.add_row(std::move(row));
  out.summary.columns = {"inputs", "attention", "temporal_rank_mean", "temporal_rank_sd", "temporal_rank_K_mean",
                         "temporal_rank_inputs_mean"};
  out.summary.integer_columns = {"inputs", "attention"};
  for (long da : c.attentions)
    for (long d : c.inputs) {
      double sum = 0, sq = 0, core = 0, in = 0;
      int n = 0;
      for (const auto& r : out.rows.rows)
        if (r[0] == double(d) && r[1] == double(da)) {
          sum += r[3];
          sq += r[3] * r[3];
          core += r[4];
          in += r[5];
          ++n;
        }
      const double mean = sum / n;
      out.summary.add_row({double(d), double(da), mean, n > 1 ? std::sqrt(std::max(0.0, (sq - n * mean * mean) / (n - 1))) : 0.0,
                           core / n, in / n});
    }
  return out;
}

}  // namespace learndyn::experiments::ntk
