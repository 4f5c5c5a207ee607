#include <learndyn/experiments/ntk/gradient.hpp>

#include <Eigen/Core>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/memory_budget.hpp>

namespace learndyn::experiments::ntk {
namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstStridedMap = Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>>;

// Columns [first, first + count) of a site variable V (rows (t, b), row-major, d columns).
ConstStridedMap site_columns(const fn::Site& site, std::ptrdiff_t rows, int first, int count) {
  return ConstStridedMap(site.v.data() + first, rows, count, Eigen::OuterStride<>(site.d));
}

// W[s, i] = gain[s, i] * q[(b T + t) n + i], s = t B + b: the site's share of an adjoint
// state vector in the compact row order (N11: B_k^* q).
RowMatrix gained_rows(const fn::Linearization& lin, const fn::FactorArray& gain, const double* q) {
  const int n = lin.hidden;
  RowMatrix w(static_cast<std::ptrdiff_t>(lin.batch) * lin.steps, n);
  for (int t = 0; t < lin.steps; ++t)
    for (int b = 0; b < lin.batch; ++b) {
      const std::ptrdiff_t s = static_cast<std::ptrdiff_t>(t) * lin.batch + b;
      const double* qs = q + (static_cast<std::ptrdiff_t>(b) * lin.steps + t) * n;
      for (int i = 0; i < n; ++i) w(s, i) = gain[s * n + i] * qs[i];
    }
  return w;
}

// Core of one site restricted to columns [first, first + count) of V, with the gain of
// `gain` (nullptr: unit gain): out = D (V_c V_c^T (x) I_n) D in (N12'), m probes at once.
void restricted_core(const fn::Linearization& lin, const fn::Site& site, const fn::FactorArray* gain, int first,
                     int count, const double* in, double* out, int m) {
  const int n = lin.hidden;
  const std::ptrdiff_t rows = static_cast<std::ptrdiff_t>(lin.batch) * lin.steps, dim = rows * n;
  const fn::FactorArray ones(gain ? 0 : static_cast<std::size_t>(dim), 1.0);
  const fn::FactorArray& g = gain ? *gain : ones;
  const ConstStridedMap v = site_columns(site, rows, first, count);
  RowMatrix u(rows, static_cast<std::ptrdiff_t>(n) * m);
  for (int p = 0; p < m; ++p) u.middleCols(static_cast<std::ptrdiff_t>(p) * n, n) = gained_rows(lin, g, in + p * dim);
  const RowMatrix z = v.transpose() * u;  // count x (n m)
  const RowMatrix r = v * z;              // rows x (n m)
  for (int p = 0; p < m; ++p)
    for (int t = 0; t < lin.steps; ++t)
      for (int b = 0; b < lin.batch; ++b) {
        const std::ptrdiff_t s = static_cast<std::ptrdiff_t>(t) * lin.batch + b;
        double* o = out + p * dim + (static_cast<std::ptrdiff_t>(b) * lin.steps + t) * n;
        for (int i = 0; i < n; ++i) o[i] = g[s * n + i] * r(s, static_cast<std::ptrdiff_t>(p) * n + i);
      }
}

}  // namespace

std::vector<double> parameter_gradient(const fn::Ntk& ntk, const fn::Model& model, const std::vector<double>& dl_dh) {
  require(static_cast<std::ptrdiff_t>(dl_dh.size()) == ntk.dimension(), "dl_dh",
          static_cast<long>(dl_dh.size()), "B T n values");
  std::vector<double> lambda(dl_dh.size());
  ntk.apply_p_adjoint(dl_dh.data(), lambda.data(), 1);       // lambda = P* dL/dh (N7)
  return fn::apply_g_adjoint(ntk, model.shape, lambda.data());  // G^T lambda (N11, N49)
}

std::vector<double> read_out(const Readout& r, const std::vector<double>& states) {
  const std::size_t count = states.size() / r.hidden;
  std::vector<double> y(count * r.outputs);
  for (std::size_t s = 0; s < count; ++s)
    for (int k = 0; k < r.outputs; ++k) {
      double acc = r.bias[k];
      for (int i = 0; i < r.hidden; ++i) acc += r.weight[static_cast<std::size_t>(k) * r.hidden + i] * states[s * r.hidden + i];
      y[s * r.outputs + k] = acc;
    }
  return y;
}

LossGradient mse(const std::vector<double>& y, const std::vector<double>& target, const std::vector<double>* mask) {
  LossGradient out{0, std::vector<double>(y.size())};
  const double scale = 1.0 / static_cast<double>(y.size());
  for (std::size_t k = 0; k < y.size(); ++k) {
    const double w = mask ? (*mask)[k] : 1.0, e = y[k] - target[k];
    out.loss += w * e * e * scale;
    out.dl_dy[k] = 2 * w * e * scale;
  }
  return out;
}

std::vector<double> state_gradient(const Readout& r, const std::vector<double>& dl_dy) {
  const std::size_t count = dl_dy.size() / r.outputs;
  std::vector<double> g(count * r.hidden, 0.0);
  for (std::size_t s = 0; s < count; ++s)
    for (int k = 0; k < r.outputs; ++k) {
      const double d = dl_dy[s * r.outputs + k];
      for (int i = 0; i < r.hidden; ++i) g[s * r.hidden + i] += r.weight[static_cast<std::size_t>(k) * r.hidden + i] * d;
    }
  return g;
}

void readout_gradient(const Readout& r, const std::vector<double>& states, const std::vector<double>& dl_dy,
                      std::vector<double>& d_weight, std::vector<double>& d_bias) {
  d_weight.assign(r.weight.size(), 0.0);
  d_bias.assign(r.bias.size(), 0.0);
  const std::size_t count = dl_dy.size() / r.outputs;
  for (std::size_t s = 0; s < count; ++s)
    for (int k = 0; k < r.outputs; ++k) {
      const double d = dl_dy[s * r.outputs + k];
      d_bias[k] += d;
      for (int i = 0; i < r.hidden; ++i) d_weight[static_cast<std::size_t>(k) * r.hidden + i] += d * states[s * r.hidden + i];
    }
}

void apply_recurrent_ntk(const fn::Ntk& ntk, const double* in, double* out, int m) {
  const fn::Linearization& lin = ntk.linearization();
  require(lin.sites.size() == 1, "model", "gru", "rnn_vanilla or rnn_rate (one site)");
  const std::size_t size = static_cast<std::size_t>(ntk.dimension()) * m;
  std::vector<double> a(size), b(size);
  ntk.apply_p_adjoint(in, a.data(), m);                                               // P* (N7)
  restricted_core(lin, lin.sites[0], &lin.sites[0].gain, 0, lin.hidden, a.data(), b.data(), m);  // K_W (X2)
  ntk.apply_p(b.data(), out, m);                                                      // P (N5)
}

void apply_recurrent_core(const fn::Ntk& ntk, const double* in, double* out, int m) {
  const fn::Linearization& lin = ntk.linearization();
  require(lin.sites.size() == 1, "model", "gru", "rnn_vanilla or rnn_rate (one site)");
  restricted_core(lin, lin.sites[0], &lin.sites[0].gain, 0, lin.hidden, in, out, m);
}

void apply_input_core(const fn::Ntk& ntk, int inputs, const double* in, double* out, int m) {
  const fn::Linearization& lin = ntk.linearization();
  require(inputs >= 1 && lin.hidden + inputs <= lin.joint.d, "inputs", inputs, "1..n_in of the model");
  restricted_core(lin, lin.joint, nullptr, lin.hidden, inputs, in, out, m);  // X X^T (x) I_n (X3)
}

RankSnapshot measure_ranks(const fn::SymmetricOperator& a, const fn::SymmetricOperator* core, int batch, int steps,
                           int hidden, const RankOptions& o) {
  RankSnapshot r;
  const auto pr = [&](fn::KeptAxes keep, int size) {
    return fn::small_metrics(fn::reduced_operator(a, batch, steps, hidden, keep), size).participation_ratio;
  };
  r.temporal = pr({false, true, false}, steps);
  r.spatial = pr({false, false, true}, hidden);
  r.batch = pr({true, false, false}, batch);
  if (o.overall) {
    const fn::RankEstimate e = fn::hutch_plus_plus(a, o.sketch, o.residual, o.seed);
    r.overall = e.participation_ratio.value;
    r.overall_se = e.participation_ratio.standard_error;
  }
  if (o.cosine && core) {
    const fn::Estimate c = fn::operator_cosine(a, *core, o.cosine_probes, o.seed + 7);
    r.core_cosine = c.value;
    r.core_cosine_se = c.standard_error;
  }
  return r;
}

void require_state_budget(int batch, int eval_batch, int steps, int hidden, double training_bytes) {
  const double per_sequence = static_cast<double>(steps) * hidden;  // states of one sequence
  require(batch * per_sequence <= 2.5e7, "batch", batch, "B T n <= 2.5e7 training states");
  require(eval_batch * per_sequence <= 1e6, "eval-batch", eval_batch, "eval-batch T n <= 1e6 measured states");
  // Below those caps (3.75 GB and 4.7 GB) the estimate is checked against the budget, which is
  // less on a small machine or under ulimit -v.
  require_memory_terms(20e6, {{training_bytes * batch * per_sequence, "batch", std::to_string(batch)},
                              {4700 * eval_batch * per_sequence, "eval-batch", std::to_string(eval_batch)}});
}

}  // namespace learndyn::experiments::ntk
