#include <learndyn/fast/ntk/model.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/parallel.hpp>
#include <learndyn/common/random.hpp>

namespace learndyn::fast::ntk {
namespace {

double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

// Row views of theta in the PyTorch layout.
struct Weights {
  const Shape& s;
  const double* theta;
  int rows() const { return gate_count(s) * s.hidden; }
  const double* w_ih(int r) const { return theta + static_cast<std::ptrdiff_t>(r) * s.inputs; }
  const double* w_hh(int r) const {
    return theta + static_cast<std::ptrdiff_t>(rows()) * s.inputs + static_cast<std::ptrdiff_t>(r) * s.hidden;
  }
  double b_ih(int r) const {
    return s.bias ? theta[static_cast<std::ptrdiff_t>(rows()) * (s.inputs + s.hidden) + r] : 0.0;
  }
  double b_hh(int r) const {
    return s.bias ? theta[static_cast<std::ptrdiff_t>(rows()) * (s.inputs + s.hidden + 1) + r] : 0.0;
  }
};

// The pre-activations of one step for all G n rows at once: a_ih = W_ih x + b_ih and
// a_hh = W_hh v + b_hh, each row's sum taken in the order k = 0, 1, ... from 0, then the bias
// added: the same operations in the same order as one dot product per row, so the same bits
// (fast/ is built with -ffp-contract=off), but the loop runs over the rows for a fixed k, which
// the compiler vectorises; a dot product per row was a serial chain of adds, and the forward
// pass of the benchmark GRU spent most of its 12 ms in it (docs/ntk.md "Cold start", N60).
// `wt_ih` and `wt_hh` are W_ih^T and W_hh^T: the k-th row holds column k of every row.
struct Transposed {
  int rows = 0, inputs = 0, hidden = 0;
  std::vector<double> wt_ih, wt_hh, b_ih, b_hh;  // b: zeros without biases (Weights::b_ih)
  explicit Transposed(const Weights& w) : rows(w.rows()), inputs(w.s.inputs), hidden(w.s.hidden) {
    wt_ih.resize(static_cast<std::size_t>(inputs) * rows);
    wt_hh.resize(static_cast<std::size_t>(hidden) * rows);
    b_ih.resize(rows);
    b_hh.resize(rows);
    for (int r = 0; r < rows; ++r) {
      for (int k = 0; k < inputs; ++k) wt_ih[static_cast<std::size_t>(k) * rows + r] = w.w_ih(r)[k];
      for (int k = 0; k < hidden; ++k) wt_hh[static_cast<std::size_t>(k) * rows + r] = w.w_hh(r)[k];
      b_ih[r] = w.b_ih(r);
      b_hh[r] = w.b_hh(r);
    }
  }
  static void rows_times(const double* __restrict wt, int depth, int rows, const double* __restrict x,
                         double* __restrict out) {
    for (int r = 0; r < rows; ++r) out[r] = 0;
    for (int k = 0; k < depth; ++k) {
      const double xk = x[k];
      const double* col = wt + static_cast<std::ptrdiff_t>(k) * rows;
      for (int r = 0; r < rows; ++r) out[r] += col[r] * xk;
    }
  }
  void drives(const double* x, const double* v, double* a_ih, double* a_hh) const {
    rows_times(wt_ih.data(), inputs, rows, x, a_ih);
    rows_times(wt_hh.data(), hidden, rows, v, a_hh);
    for (int r = 0; r < rows; ++r) {
      a_ih[r] += b_ih[r];
      a_hh[r] += b_hh[r];
    }
  }
};

// Everything one step produces: the next state and the factors of (N13)-(N16) at (b, t).
// Sized once and reused step after step (a fresh set of vectors per step was ~15 allocations).
struct StepFactors {
  std::vector<double> next, c, right, rate;  // rate: tanh(h_prev) of rnn_rate
  std::vector<std::vector<double>> left;     // L_j
  std::vector<std::vector<double>> gains;    // site gains
  std::vector<double> a_ih, a_hh;            // the step's pre-activations
  explicit StepFactors(const Shape& s) {
    const int n = s.hidden, rows = gate_count(s) * n;
    next.resize(n);
    c.resize(n);
    right.resize(n);
    a_ih.resize(rows);
    a_hh.resize(rows);
    switch (s.kind) {
      case ModelKind::rnn_rate: rate.resize(n); left.assign(1, std::vector<double>(n)); gains.assign(1, std::vector<double>(n)); break;
      case ModelKind::rnn_vanilla: left.assign(1, std::vector<double>(n)); gains.assign(1, std::vector<double>(n)); break;
      case ModelKind::gru: left.assign(3, std::vector<double>(n)); gains.assign(4, std::vector<double>(n)); break;
    }
  }
};

void step(const Model& m, const Transposed& w, const double* h, const double* x, StepFactors& f) {
  const Shape& s = m.shape;
  const int n = s.hidden;
  double* const a_ih = f.a_ih.data();
  double* const a_hh = f.a_hh.data();
  switch (s.kind) {
    case ModelKind::rnn_rate: {  // (N13)
      for (int i = 0; i < n; ++i) f.rate[i] = std::tanh(h[i]);
      w.drives(x, f.rate.data(), a_ih, a_hh);
      for (int i = 0; i < n; ++i) {
        f.next[i] = (1 - m.alpha) * h[i] + m.alpha * (a_hh[i] + a_ih[i]);
        f.c[i] = 1 - m.alpha;
        f.right[i] = 1 - f.rate[i] * f.rate[i];
        f.left[0][i] = m.alpha;
        f.gains[0][i] = m.alpha;
      }
      break;
    }
    case ModelKind::rnn_vanilla: {  // (N14)
      w.drives(x, h, a_ih, a_hh);
      for (int i = 0; i < n; ++i) {
        const double y = std::tanh(a_ih[i] + a_hh[i]);
        f.next[i] = (1 - m.alpha) * h[i] + m.alpha * y;
        f.c[i] = 1 - m.alpha;
        f.right[i] = 1;
        const double g = m.alpha * (1 - y * y);
        f.left[0][i] = g;
        f.gains[0][i] = g;
      }
      break;
    }
    case ModelKind::gru: {  // (N15), (N16)
      w.drives(x, h, a_ih, a_hh);
      double* const g_r = f.gains[0].data();
      double* const g_z = f.gains[1].data();
      double* const g_ni = f.gains[2].data();
      double* const g_nh = f.gains[3].data();
      for (int i = 0; i < n; ++i) {
        const double r = sigmoid(a_ih[i] + a_hh[i]);
        const double z = sigmoid(a_ih[n + i] + a_hh[n + i]);
        const double nu = std::tanh(a_ih[2 * n + i] + r * a_hh[2 * n + i]);
        f.next[i] = (1 - z) * nu + z * h[i];
        f.c[i] = z;
        f.right[i] = 1;
        g_ni[i] = (1 - z) * (1 - nu * nu);
        g_nh[i] = g_ni[i] * r;
        g_r[i] = g_ni[i] * a_hh[2 * n + i] * r * (1 - r);
        g_z[i] = (h[i] - nu) * z * (1 - z);
      }
      f.left[0] = f.gains[0];
      f.left[1] = f.gains[1];
      f.left[2] = f.gains[3];
      break;
    }
  }
}

bool finite(const std::vector<double>& v) {
  for (double x : v)
    if (!std::isfinite(x)) return false;
  return true;
}

}  // namespace

const char* model_kind_name(ModelKind kind) {
  switch (kind) {
    case ModelKind::rnn_rate: return "rnn_rate";
    case ModelKind::rnn_vanilla: return "rnn_vanilla";
    case ModelKind::gru: return "gru";
  }
  return "?";
}

ModelKind parse_model_kind(const std::string& name, const std::string& parameter) {
  for (const ModelKind kind : {ModelKind::gru, ModelKind::rnn_rate, ModelKind::rnn_vanilla})
    if (name == model_kind_name(kind)) return kind;
  throw ArgumentError(parameter, "'" + name + "'", "gru, rnn_rate or rnn_vanilla");
}

int gate_count(const Shape& shape) { return shape.kind == ModelKind::gru ? 3 : 1; }

int parameter_count(const Shape& shape) {
  const int rows = gate_count(shape) * shape.hidden;
  return rows * (shape.inputs + shape.hidden) + (shape.bias ? 2 * rows : 0);
}

void validate(const Model& m, const Inputs& in) {
  const Shape& s = m.shape;
  require(s.hidden >= 1, "hidden", s.hidden, "n >= 1");
  require(s.inputs >= 1, "inputs", s.inputs, "n_in >= 1");
  require(m.alpha > 0 && m.alpha <= 1, "alpha", m.alpha, "0 < alpha <= 1");
  require(m.theta.size() == static_cast<std::size_t>(parameter_count(s)), "theta",
          static_cast<long>(m.theta.size()), std::to_string(parameter_count(s)) + " values");
  require(in.batch >= 1, "batch", in.batch, "B >= 1");
  require(in.steps >= 1, "steps", in.steps, "T >= 1");
  require(in.x.size() == static_cast<std::size_t>(in.batch) * in.steps * s.inputs, "x",
          static_cast<long>(in.x.size()), "B T n_in values");
  require(in.h0.empty() || in.h0.size() == static_cast<std::size_t>(in.batch) * s.hidden, "h0",
          static_cast<long>(in.h0.size()), "empty or B n values");
  require(finite(m.theta), "theta", "non-finite", "finite values");
  require(finite(in.x), "x", "non-finite", "finite values");
  require(finite(in.h0), "h0", "non-finite", "finite values");
}

Model random_model(const Shape& shape, double alpha, double gain, std::uint64_t seed) {
  Model m{shape, alpha, std::vector<double>(parameter_count(shape))};
  Rng rng(seed);
  const int rows = gate_count(shape) * shape.hidden;
  std::size_t k = 0;
  for (int r = 0; r < rows * shape.inputs; ++r) m.theta[k++] = rng.normal() * gain / std::sqrt(double(shape.inputs));
  for (int r = 0; r < rows * shape.hidden; ++r) m.theta[k++] = rng.normal() * gain / std::sqrt(double(shape.hidden));
  for (; k < m.theta.size(); ++k) m.theta[k] = rng.normal() / 10;
  return m;
}

Inputs random_inputs(const Shape& shape, int batch, int steps, std::uint64_t seed) {
  Inputs in{batch, steps, std::vector<double>(static_cast<std::size_t>(batch) * steps * shape.inputs), {}};
  Rng rng(seed ^ 0x5DEECE66Dull);
  for (double& v : in.x) v = rng.normal();
  return in;
}

// Runs the forward pass, calling visit(b, t, h_prev, x, factors) at every step. The sequences
// are independent: they run in chunks of a batch-only size on up to `threads` workers (each
// sequence's arithmetic is the same whatever the chunk or thread, so the same bits, C16), and
// visit may be called concurrently for different b (it must write only b's rows).
template <class Visit>
void run(const Model& m, const Inputs& in, unsigned threads, Visit&& visit) {
  validate(m, in);
  const int n = m.shape.hidden;
  const Transposed w(Weights{m.shape, m.theta.data()});
  const Chunking chunks(static_cast<std::size_t>(in.batch), static_cast<std::size_t>((in.batch + 7) / 8));
  parallel_for(chunks, threads, [&](std::size_t lo, std::size_t hi) {
    std::vector<double> h(n);
    StepFactors f(m.shape);
    for (int b = static_cast<int>(lo); b < static_cast<int>(hi); ++b) {
      for (int i = 0; i < n; ++i) h[i] = in.h0.empty() ? 0.0 : in.h0[static_cast<std::size_t>(b) * n + i];
      for (int t = 0; t < in.steps; ++t) {
        const double* x = in.x.data() + (static_cast<std::size_t>(b) * in.steps + t) * m.shape.inputs;
        step(m, w, h.data(), x, f);
        visit(b, t, h.data(), x, f);
        std::swap(h, f.next);
      }
    }
  });
}

std::vector<double> forward(const Model& m, const Inputs& in, unsigned threads) {
  const int n = m.shape.hidden;
  std::vector<double> states(static_cast<std::size_t>(in.batch) * in.steps * n);
  run(m, in, threads, [&](int b, int t, const double*, const double*, const StepFactors& f) {
    std::copy(f.next.begin(), f.next.end(), states.begin() + (static_cast<std::ptrdiff_t>(b) * in.steps + t) * n);
  });
  return states;
}

Linearization linearize(const Model& m, const Inputs& in, unsigned threads) {
  const Shape& s = m.shape;
  const int n = s.hidden, n_in = s.inputs;
  const std::size_t rows = static_cast<std::size_t>(in.batch) * in.steps, block = rows * n;
  Linearization lin;
  lin.batch = in.batch;
  lin.steps = in.steps;
  lin.hidden = n;
  lin.terms = gate_count(s);
  const int site_count = s.kind == ModelKind::gru ? 4 : 1;
  lin.sites.resize(site_count);
  const int dx = n_in + (s.bias ? 1 : 0), dh = n + (s.bias ? 1 : 0), dj = n + n_in + (s.bias ? 1 : 0);
  lin.joint.d = dj;
  for (int k = 0; k < site_count; ++k)
    lin.sites[k].d = s.kind == ModelKind::gru && k == 2 ? dx : s.kind == ModelKind::gru && k == 3 ? dh : dj;
  // The arrays (5.6 MB on the benchmark GRU: ~1,400 first-touch faults of ~1.7 us each on the
  // benchmark machine) are sized, which zeroes them and is their first touch, one array per
  // item on the workers rather than all on the calling thread before any worker runs
  // (docs/ntk.md "Cold start, fourth round"). Values are then written by `run` below, so where
  // they were zeroed changes no bit.
  std::vector<std::pair<FactorArray*, std::size_t>> arrays{
      {&lin.c, block}, {&lin.right, block}, {&lin.left, lin.terms * block}, {&lin.joint.v, rows * dj},
      {&lin.joint.gain, block}};
  for (int k = 0; k < site_count; ++k) {
    arrays.push_back({&lin.sites[k].v, rows * lin.sites[k].d});
    arrays.push_back({&lin.sites[k].gain, block});
  }
  parallel_for(Chunking(arrays.size(), 1), threads, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) arrays[i].first->resize(arrays[i].second);
  });
  std::fill(lin.joint.gain.begin(), lin.joint.gain.end(), 1.0);
  // Writes [a; b; sqrt(copies) if bias] as one row of a site, in place.
  const auto put_row = [&](double* dst, const double* a, int na, const double* b, int nb, int copies) {
    std::copy(a, a + na, dst);
    if (nb) std::copy(b, b + nb, dst + na);
    if (s.bias) dst[na + nb] = std::sqrt(static_cast<double>(copies));
  };
  run(m, in, threads, [&](int b, int t, const double* h, const double* x, const StepFactors& f) {
    const std::size_t row = static_cast<std::size_t>(t) * in.batch + b;  // (t, b) order
    std::copy(f.c.begin(), f.c.end(), lin.c.begin() + row * n);
    std::copy(f.right.begin(), f.right.end(), lin.right.begin() + row * n);
    for (int j = 0; j < lin.terms; ++j)
      std::copy(f.left[j].begin(), f.left[j].end(), lin.left.begin() + j * block + row * n);
    for (int k = 0; k < site_count; ++k)
      std::copy(f.gains[k].begin(), f.gains[k].end(), lin.sites[k].gain.begin() + row * n);
    const double* first = s.kind == ModelKind::rnn_rate ? f.rate.data() : h;
    double* const joint = lin.joint.v.data() + row * dj;
    put_row(joint, first, n, x, n_in, 2);
    for (int k = 0; k < site_count; ++k) {
      double* const v = lin.sites[k].v.data() + row * lin.sites[k].d;
      if (s.kind == ModelKind::gru && k == 2) put_row(v, x, n_in, nullptr, 0, 1);
      else if (s.kind == ModelKind::gru && k == 3) put_row(v, h, n, nullptr, 0, 1);
      else std::copy(joint, joint + dj, v);
    }
  });
  const Weights w{s, m.theta.data()};
  lin.w_stack.assign(w.w_hh(0), w.w_hh(0) + static_cast<std::ptrdiff_t>(lin.terms) * n * n);
  return lin;
}

}  // namespace learndyn::fast::ntk
