#include <learndyn/fast/ntk/model.hpp>

#include <cmath>
#include <string>

#include <learndyn/common/argument_error.hpp>
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

double dot(const double* a, const double* b, int n) {
  double s = 0;
  for (int k = 0; k < n; ++k) s += a[k] * b[k];
  return s;
}

// Pre-activations of one step: a_ih = W_ih x + b_ih, a_hh = W_hh v + b_hh (all G n rows).
void drives(const Weights& w, const double* x, const double* v, std::vector<double>& a_ih,
            std::vector<double>& a_hh) {
  for (int r = 0; r < w.rows(); ++r) {
    a_ih[r] = dot(w.w_ih(r), x, w.s.inputs) + w.b_ih(r);
    a_hh[r] = dot(w.w_hh(r), v, w.s.hidden) + w.b_hh(r);
  }
}

// Everything one step produces: the next state and the factors of (N13)-(N16) at (b, t).
struct StepFactors {
  std::vector<double> next, c, right, rate;  // rate: tanh(h_prev) of rnn_rate
  std::vector<std::vector<double>> left;     // L_j
  std::vector<std::vector<double>> gains;    // site gains
};

StepFactors step(const Model& m, const double* h, const double* x) {
  const Shape& s = m.shape;
  const int n = s.hidden;
  const Weights w{s, m.theta.data()};
  std::vector<double> a_ih(w.rows()), a_hh(w.rows());
  StepFactors f;
  f.next.resize(n);
  f.c.resize(n);
  f.right.assign(n, 1.0);
  switch (s.kind) {
    case ModelKind::rnn_rate: {  // (N13)
      f.rate.resize(n);
      for (int i = 0; i < n; ++i) f.rate[i] = std::tanh(h[i]);
      drives(w, x, f.rate.data(), a_ih, a_hh);
      for (int i = 0; i < n; ++i) {
        f.next[i] = (1 - m.alpha) * h[i] + m.alpha * (a_hh[i] + a_ih[i]);
        f.c[i] = 1 - m.alpha;
        f.right[i] = 1 - f.rate[i] * f.rate[i];
      }
      f.left = {std::vector<double>(n, m.alpha)};
      f.gains = {std::vector<double>(n, m.alpha)};
      break;
    }
    case ModelKind::rnn_vanilla: {  // (N14)
      drives(w, x, h, a_ih, a_hh);
      std::vector<double> g(n);
      for (int i = 0; i < n; ++i) {
        const double y = std::tanh(a_ih[i] + a_hh[i]);
        f.next[i] = (1 - m.alpha) * h[i] + m.alpha * y;
        f.c[i] = 1 - m.alpha;
        g[i] = m.alpha * (1 - y * y);
      }
      f.left = {g};
      f.gains = {g};
      break;
    }
    case ModelKind::gru: {  // (N15), (N16)
      drives(w, x, h, a_ih, a_hh);
      std::vector<double> g_r(n), g_z(n), g_ni(n), g_nh(n);
      for (int i = 0; i < n; ++i) {
        const double r = sigmoid(a_ih[i] + a_hh[i]);
        const double z = sigmoid(a_ih[n + i] + a_hh[n + i]);
        const double nu = std::tanh(a_ih[2 * n + i] + r * a_hh[2 * n + i]);
        f.next[i] = (1 - z) * nu + z * h[i];
        f.c[i] = z;
        g_ni[i] = (1 - z) * (1 - nu * nu);
        g_nh[i] = g_ni[i] * r;
        g_r[i] = g_ni[i] * a_hh[2 * n + i] * r * (1 - r);
        g_z[i] = (h[i] - nu) * z * (1 - z);
      }
      f.left = {g_r, g_z, g_nh};
      f.gains = {g_r, g_z, g_ni, g_nh};
      break;
    }
  }
  return f;
}

bool finite(const std::vector<double>& v) {
  for (double x : v)
    if (!std::isfinite(x)) return false;
  return true;
}

// Appends [a; b; sqrt(copies) if bias] as one row of a site.
void append_row(std::vector<double>& v, const double* a, int na, const double* b, int nb, bool bias,
                int copies) {
  v.insert(v.end(), a, a + na);
  if (nb) v.insert(v.end(), b, b + nb);
  if (bias) v.push_back(std::sqrt(static_cast<double>(copies)));
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

// Runs the forward pass, calling visit(b, t, h_prev, x, factors) at every step.
template <class Visit>
void run(const Model& m, const Inputs& in, Visit&& visit) {
  validate(m, in);
  const int n = m.shape.hidden;
  std::vector<double> h(n);
  for (int b = 0; b < in.batch; ++b) {
    for (int i = 0; i < n; ++i) h[i] = in.h0.empty() ? 0.0 : in.h0[static_cast<std::size_t>(b) * n + i];
    for (int t = 0; t < in.steps; ++t) {
      const double* x = in.x.data() + (static_cast<std::size_t>(b) * in.steps + t) * m.shape.inputs;
      StepFactors f = step(m, h.data(), x);
      visit(b, t, h.data(), x, f);
      h = std::move(f.next);
    }
  }
}

std::vector<double> forward(const Model& m, const Inputs& in) {
  const int n = m.shape.hidden;
  std::vector<double> states(static_cast<std::size_t>(in.batch) * in.steps * n);
  run(m, in, [&](int b, int t, const double*, const double*, const StepFactors& f) {
    std::copy(f.next.begin(), f.next.end(), states.begin() + (static_cast<std::ptrdiff_t>(b) * in.steps + t) * n);
  });
  return states;
}

Linearization linearize(const Model& m, const Inputs& in) {
  const Shape& s = m.shape;
  const int n = s.hidden, n_in = s.inputs;
  const std::size_t rows = static_cast<std::size_t>(in.batch) * in.steps, block = rows * n;
  Linearization lin;
  lin.batch = in.batch;
  lin.steps = in.steps;
  lin.hidden = n;
  lin.terms = gate_count(s);
  lin.c.resize(block);
  lin.right.resize(block);
  lin.left.resize(lin.terms * block);
  const int site_count = s.kind == ModelKind::gru ? 4 : 1;
  lin.sites.resize(site_count);
  const int dx = n_in + (s.bias ? 1 : 0), dh = n + (s.bias ? 1 : 0), dj = n + n_in + (s.bias ? 1 : 0);
  lin.joint.d = dj;
  lin.joint.v.resize(rows * dj);
  lin.joint.gain.assign(block, 1.0);
  for (int k = 0; k < site_count; ++k) {
    lin.sites[k].d = s.kind == ModelKind::gru && k == 2 ? dx : s.kind == ModelKind::gru && k == 3 ? dh : dj;
    lin.sites[k].v.resize(rows * lin.sites[k].d);
    lin.sites[k].gain.resize(block);
  }
  run(m, in, [&](int b, int t, const double* h, const double* x, const StepFactors& f) {
    const std::size_t row = static_cast<std::size_t>(t) * in.batch + b;  // (t, b) order
    std::copy(f.c.begin(), f.c.end(), lin.c.begin() + row * n);
    std::copy(f.right.begin(), f.right.end(), lin.right.begin() + row * n);
    for (int j = 0; j < lin.terms; ++j)
      std::copy(f.left[j].begin(), f.left[j].end(), lin.left.begin() + j * block + row * n);
    for (int k = 0; k < site_count; ++k)
      std::copy(f.gains[k].begin(), f.gains[k].end(), lin.sites[k].gain.begin() + row * n);
    const double* first = s.kind == ModelKind::rnn_rate ? f.rate.data() : h;
    std::vector<double> joint;
    append_row(joint, first, n, x, n_in, s.bias, 2);
    std::copy(joint.begin(), joint.end(), lin.joint.v.begin() + row * dj);
    for (int k = 0; k < site_count; ++k) {
      std::vector<double> v;
      if (s.kind == ModelKind::gru && k == 2) append_row(v, x, n_in, nullptr, 0, s.bias, 1);
      else if (s.kind == ModelKind::gru && k == 3) append_row(v, h, n, nullptr, 0, s.bias, 1);
      else v = joint;
      std::copy(v.begin(), v.end(), lin.sites[k].v.begin() + row * lin.sites[k].d);
    }
  });
  const Weights w{s, m.theta.data()};
  lin.w_stack.assign(w.w_hh(0), w.w_hh(0) + static_cast<std::ptrdiff_t>(lin.terms) * n * n);
  return lin;
}

}  // namespace learndyn::fast::ntk
