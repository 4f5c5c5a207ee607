// The definitions of model.hpp's templates, included by the translation units that
// instantiate them: model.cpp (double, real, real_hi) and, when the enclosures are built,
// reference/ntk/enclosures.cpp (learndyn::interval; proofs/ntk.md N59).
#pragma once

#include <learndyn/reference/ntk/model.hpp>

#include <cmath>
#include <limits>
#include <string>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/common/scalar.hpp>

namespace learndyn::reference::ntk {
namespace {

// ---- scalars of the forward pass: Real, or a dual number carrying one tangent (N33) ----------

template <class Real>
struct Dual {
  Real v, d;
};
template <class Real>
Dual<Real> operator+(const Dual<Real>& a, const Dual<Real>& b) { return {a.v + b.v, a.d + b.d}; }
template <class Real>
Dual<Real> operator-(const Dual<Real>& a, const Dual<Real>& b) { return {a.v - b.v, a.d - b.d}; }
template <class Real>
Dual<Real> operator*(const Dual<Real>& a, const Dual<Real>& b) {
  return {a.v * b.v, a.d * b.v + a.v * b.d};
}
template <class Real>
Dual<Real> operator*(const Real& a, const Dual<Real>& b) { return {a * b.v, a * b.d}; }
template <class Real>
Dual<Real> operator-(const Real& a, const Dual<Real>& b) { return {a - b.v, -b.d}; }

template <class Real>
Real tanh_of(const Real& x) {
  using std::tanh;
  return tanh(x);
}
template <class Real>
Dual<Real> tanh_of(const Dual<Real>& x) {
  const Real y = tanh_of(x.v);
  return {y, (1 - y * y) * x.d};
}
template <class Real>
Real sigmoid_of(const Real& x) {
  using std::exp;
  return 1 / (1 + exp(-x));
}
template <class Real>
Dual<Real> sigmoid_of(const Dual<Real>& x) {
  const Real y = sigmoid_of(x.v);
  return {y, y * (1 - y) * x.d};
}

template <class Real>
Real value_of(const Real& x) { return x; }
template <class Real>
Real value_of(const Dual<Real>& x) { return x.v; }
template <class Real>
Real tangent_of(const Dual<Real>& x) { return x.d; }

template <class S, class Real>
S lift(const Real& x) {
  if constexpr (std::is_same_v<S, Real>) {
    return x;
  } else {
    return S{x, Real(0)};
  }
}

// theta of (model.hpp) seen as weight_ih, weight_hh, bias_ih, bias_hh (PyTorch layout).
template <class S>
struct Params {
  const Shape& shape;
  const std::vector<S>& theta;
  int rows() const { return gate_count(shape) * shape.hidden; }
  const S& w_ih(int r, int k) const { return theta[r * shape.inputs + k]; }
  const S& w_hh(int r, int j) const {
    return theta[rows() * shape.inputs + r * shape.hidden + j];
  }
  const S& b_ih(int r) const { return theta[rows() * (shape.inputs + shape.hidden) + r]; }
  const S& b_hh(int r) const { return theta[rows() * (shape.inputs + shape.hidden + 1) + r]; }
};

// W_ih x + b_ih (row r) and W_hh v + b_hh (row r), each as written in the model equations.
template <class S, class Real>
S input_drive(const Params<S>& p, int r, const Matrix<Real>& x, Eigen::Index row) {
  S a = lift<S>(Real(0));
  for (int k = 0; k < p.shape.inputs; ++k) a = a + x(row, k) * p.w_ih(r, k);
  return p.shape.bias ? a + p.b_ih(r) : a;
}
template <class S>
S hidden_drive(const Params<S>& p, int r, const std::vector<S>& v) {
  S a = v[0] * p.w_hh(r, 0);
  for (int j = 1; j < p.shape.hidden; ++j) a = a + v[j] * p.w_hh(r, j);
  return p.shape.bias ? a + p.b_hh(r) : a;
}

// One step h' = f(h, x; theta) of (N13)-(N15), on any scalar S.
template <class S, class Real>
std::vector<S> step(const Params<S>& p, const Real& alpha, const std::vector<S>& h,
                    const Matrix<Real>& x, Eigen::Index row) {
  const int n = p.shape.hidden;
  std::vector<S> next(n, lift<S>(Real(0)));
  const Real keep = 1 - alpha;
  switch (p.shape.kind) {
    case ModelKind::rnn_rate: {
      std::vector<S> rate(n, lift<S>(Real(0)));
      for (int i = 0; i < n; ++i) rate[i] = tanh_of(h[i]);
      for (int i = 0; i < n; ++i)
        next[i] = keep * h[i] + alpha * (hidden_drive(p, i, rate) + input_drive(p, i, x, row));
      break;
    }
    case ModelKind::rnn_vanilla:
      for (int i = 0; i < n; ++i)
        next[i] = keep * h[i] + alpha * tanh_of(hidden_drive(p, i, h) + input_drive(p, i, x, row));
      break;
    case ModelKind::gru:
      for (int i = 0; i < n; ++i) {
        const S r = sigmoid_of(input_drive(p, i, x, row) + hidden_drive(p, i, h));
        const S z = sigmoid_of(input_drive(p, n + i, x, row) + hidden_drive(p, n + i, h));
        const S cand = tanh_of(input_drive(p, 2 * n + i, x, row) + r * hidden_drive(p, 2 * n + i, h));
        next[i] = (Real(1) - z) * cand + z * h[i];
      }
      break;
  }
  return next;
}

template <class S, class Real>
std::vector<S> lifted_theta(const Model<Real>& model) {
  std::vector<S> theta(model.theta.size(), lift<S>(Real(0)));
  for (Eigen::Index k = 0; k < model.theta.size(); ++k) theta[k] = lift<S>(model.theta(k));
  return theta;
}

template <class S, class Real>
std::vector<S> initial_state(const Inputs<Real>& in, int b, int n) {
  std::vector<S> h(n, lift<S>(Real(0)));
  if (in.h0.size() != 0)
    for (int i = 0; i < n; ++i) h[i] = lift<S>(in.h0(b, i));
  return h;
}

// The forward pass on scalar S; `out(b, t, i, value)` receives every state.
template <class S, class Real, class Out>
void run(const Shape& shape, const Real& alpha, const std::vector<S>& theta,
         const Inputs<Real>& in, Out&& out) {
  const Params<S> p{shape, theta};
  for (int b = 0; b < in.batch; ++b) {
    std::vector<S> h = initial_state<S>(in, b, shape.hidden);
    for (int t = 0; t < in.steps; ++t) {
      h = step(p, alpha, h, in.x, b * in.steps + t);
      for (int i = 0; i < shape.hidden; ++i) out(b, t, i, h[i]);
    }
  }
}

template <class Real>
Eigen::Index state_index(const Inputs<Real>& in, int n, int b, int t, int i) {
  return (static_cast<Eigen::Index>(b) * in.steps + t) * n + i;
}

template <class Real>
Matrix<Real> constant(Eigen::Index rows, Eigen::Index cols, const Real& value) {
  return Matrix<Real>::Constant(rows, cols, value);
}

// [blocks..., sqrt(c) 1]: the site variables with the bias column of (N12).
template <class Real>
Matrix<Real> with_bias_column(const Matrix<Real>& a, const Matrix<Real>& b, bool bias, int copies) {
  using std::sqrt;
  Matrix<Real> v(a.rows(), a.cols() + b.cols() + (bias ? 1 : 0));
  v.leftCols(a.cols()) = a;
  if (b.cols() > 0) v.middleCols(a.cols(), b.cols()) = b;
  if (bias) v.col(v.cols() - 1).setConstant(sqrt(Real(copies)));
  return v;
}

}  // namespace

template <class Real>
void validate(const Model<Real>& model, const Inputs<Real>& inputs) {
  const Shape& s = model.shape;
  require(s.hidden >= 1, "hidden", s.hidden, "n >= 1");
  require(s.inputs >= 1, "inputs", s.inputs, "n_in >= 1");
  require(model.alpha > 0 && model.alpha <= 1, "alpha", model.alpha, "0 < alpha <= 1");
  require(model.theta.size() == parameter_count(s), "theta", static_cast<long>(model.theta.size()),
          "parameter_count(shape) = " + std::to_string(parameter_count(s)) + " values");
  require(inputs.batch >= 1, "batch", inputs.batch, "B >= 1");
  require(inputs.steps >= 1, "steps", inputs.steps, "T >= 1");
  require(inputs.x.rows() == Eigen::Index(inputs.batch) * inputs.steps && inputs.x.cols() == s.inputs,
          "x", "shape", "(B T) x n_in");
  require(inputs.h0.size() == 0 || (inputs.h0.rows() == inputs.batch && inputs.h0.cols() == s.hidden),
          "h0", "shape", "empty or B x n");
  const auto finite = [](const Real& v) { return v - v == 0; };  // false for NaN and inf
  for (Eigen::Index k = 0; k < model.theta.size(); ++k)
    require(finite(model.theta(k)), "theta", model.theta(k), "finite values");
  for (Eigen::Index k = 0; k < inputs.x.size(); ++k)
    require(finite(inputs.x(k)), "x", inputs.x(k), "finite values");
}

template <class Real>
Model<Real> random_model(const Shape& shape, const Real& alpha, const Real& gain, std::uint64_t seed) {
  using std::sqrt;
  Model<Real> m;
  m.shape = shape;
  m.alpha = alpha;
  m.theta.resize(parameter_count(shape));
  Rng rng(seed);
  const int rows = gate_count(shape) * shape.hidden;
  Eigen::Index k = 0;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < shape.inputs; ++c) m.theta(k++) = Real(rng.normal()) * gain / sqrt(Real(shape.inputs));
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < shape.hidden; ++c) m.theta(k++) = Real(rng.normal()) * gain / sqrt(Real(shape.hidden));
  for (; k < m.theta.size(); ++k) m.theta(k) = Real(rng.normal()) / 10;
  return m;
}

template <class Real>
Inputs<Real> random_inputs(const Shape& shape, int batch, int steps, std::uint64_t seed) {
  Inputs<Real> in;
  in.batch = batch;
  in.steps = steps;
  in.x.resize(Eigen::Index(batch) * steps, shape.inputs);
  Rng rng(seed ^ 0x5DEECE66Dull);
  for (Eigen::Index r = 0; r < in.x.rows(); ++r)
    for (Eigen::Index c = 0; c < in.x.cols(); ++c) in.x(r, c) = Real(rng.normal());
  return in;
}

template <class Real>
Vector<Real> forward(const Model<Real>& model, const Inputs<Real>& in) {
  validate(model, in);
  const int n = model.shape.hidden;
  Vector<Real> h(Eigen::Index(in.batch) * in.steps * n);
  run(model.shape, model.alpha, lifted_theta<Real>(model), in,
      [&](int b, int t, int i, const Real& v) { h(state_index(in, n, b, t, i)) = v; });
  return h;
}

template <class Real>
Linearization<Real> linearize(const Model<Real>& model, const Inputs<Real>& in) {
  const Vector<Real> h = forward(model, in);
  const Shape& s = model.shape;
  const int n = s.hidden;
  const Eigen::Index rows = Eigen::Index(in.batch) * in.steps;
  // H_prev: row (b,t) holds h_{b,t-1} (h0 at t = 1).
  Matrix<Real> hp = Matrix<Real>::Zero(rows, n);
  for (int b = 0; b < in.batch; ++b)
    for (int t = 0; t < in.steps; ++t)
      for (int i = 0; i < n; ++i)
        hp(b * in.steps + t, i) = t > 0 ? h(state_index(in, n, b, t - 1, i))
                                        : (in.h0.size() ? in.h0(b, i) : Real(0));
  const int g = gate_count(s) * n;
  const Eigen::Index off_hh = Eigen::Index(g) * s.inputs;
  Matrix<Real> w_ih(g, s.inputs), w_hh(g, n);
  for (int r = 0; r < g; ++r) {
    for (int k = 0; k < s.inputs; ++k) w_ih(r, k) = model.theta(Eigen::Index(r) * s.inputs + k);
    for (int j = 0; j < n; ++j) w_hh(r, j) = model.theta(off_hh + Eigen::Index(r) * n + j);
  }
  Vector<Real> b_ih = Vector<Real>::Zero(g), b_hh = Vector<Real>::Zero(g);
  if (s.bias) {
    b_ih = model.theta.segment(off_hh + Eigen::Index(g) * n, g);
    b_hh = model.theta.segment(off_hh + Eigen::Index(g) * n + g, g);
  }
  // Pre-activations, rows (b,t): A_ih = X W_ih^T + b_ih, A_hh = V W_hh^T + b_hh.
  const Matrix<Real> a_ih = (in.x * w_ih.transpose()).rowwise() + b_ih.transpose();
  const auto tanh_m = [](const Matrix<Real>& a) {
    return Matrix<Real>(a.unaryExpr([](const Real& v) { return tanh_of(v); }));
  };
  const auto sigmoid_m = [](const Matrix<Real>& a) {
    return Matrix<Real>(a.unaryExpr([](const Real& v) { return sigmoid_of(v); }));
  };
  const auto one_minus_square = [](const Matrix<Real>& y) {
    return Matrix<Real>((Real(1) - y.array().square()).matrix());
  };
  Linearization<Real> lin;
  lin.batch = in.batch;
  lin.steps = in.steps;
  lin.hidden = n;
  const Matrix<Real> ones = constant<Real>(rows, n, Real(1));
  const Matrix<Real> none(rows, 0);
  switch (s.kind) {
    case ModelKind::rnn_rate: {  // (N13)
      const Matrix<Real> rate = tanh_m(hp);
      lin.c = constant<Real>(rows, n, 1 - model.alpha);
      lin.left = {constant<Real>(rows, n, model.alpha)};
      lin.w = {w_hh};
      lin.right = one_minus_square(rate);
      lin.joint = with_bias_column(rate, in.x, s.bias, 2);
      lin.sites = {{lin.joint, constant<Real>(rows, n, model.alpha)}};
      break;
    }
    case ModelKind::rnn_vanilla: {  // (N14)
      const Matrix<Real> u = a_ih + ((hp * w_hh.transpose()).rowwise() + b_hh.transpose());
      const Matrix<Real> gain = model.alpha * one_minus_square(tanh_m(u));
      lin.c = constant<Real>(rows, n, 1 - model.alpha);
      lin.left = {gain};
      lin.w = {w_hh};
      lin.right = ones;
      lin.joint = with_bias_column(hp, in.x, s.bias, 2);
      lin.sites = {{lin.joint, gain}};
      break;
    }
    case ModelKind::gru: {  // (N15), (N16)
      const Matrix<Real> a_hh = (hp * w_hh.transpose()).rowwise() + b_hh.transpose();
      const Matrix<Real> r = sigmoid_m(a_ih.leftCols(n) + a_hh.leftCols(n));
      const Matrix<Real> z = sigmoid_m(a_ih.middleCols(n, n) + a_hh.middleCols(n, n));
      const Matrix<Real> a_nh = a_hh.rightCols(n);
      const Matrix<Real> cand = tanh_m(a_ih.rightCols(n) + Matrix<Real>(r.cwiseProduct(a_nh)));
      const Matrix<Real> g_ni = (ones - z).cwiseProduct(one_minus_square(cand));
      const Matrix<Real> g_nh = g_ni.cwiseProduct(r);
      const Matrix<Real> g_r = g_ni.cwiseProduct(a_nh).cwiseProduct(r).cwiseProduct(ones - r);
      const Matrix<Real> g_z = (hp - cand).cwiseProduct(z).cwiseProduct(ones - z);
      lin.c = z;
      lin.left = {g_r, g_z, g_nh};
      lin.w = {w_hh.topRows(n), w_hh.middleRows(n, n), w_hh.bottomRows(n)};
      lin.right = ones;
      lin.joint = with_bias_column(hp, in.x, s.bias, 2);
      lin.sites = {{lin.joint, g_r},
                   {lin.joint, g_z},
                   {with_bias_column(in.x, none, s.bias, 1), g_ni},
                   {with_bias_column(hp, none, s.bias, 1), g_nh}};
      break;
    }
  }
  return lin;
}

template <class Real>
Matrix<Real> state_jacobian_forward_mode(const Model<Real>& model, const Inputs<Real>& in) {
  validate(model, in);
  using D = Dual<Real>;
  const int n = model.shape.hidden;
  const Eigen::Index p = model.theta.size();
  Matrix<Real> jac(Eigen::Index(in.batch) * in.steps * n, p);
  std::vector<D> theta = lifted_theta<D>(model);
  for (Eigen::Index k = 0; k < p; ++k) {
    theta[k].d = 1;
    run(model.shape, model.alpha, theta, in,
        [&](int b, int t, int i, const D& v) { jac(state_index(in, n, b, t, i), k) = v.d; });
    theta[k].d = 0;
  }
  return jac;
}

template <class Real>
Matrix<Real> one_step_parameter_jacobian(const Model<Real>& model, const Inputs<Real>& in) {
  using D = Dual<Real>;
  const Vector<Real> h = forward(model, in);
  const int n = model.shape.hidden;
  const Eigen::Index p = model.theta.size();
  Matrix<Real> jac(h.size(), p);
  std::vector<D> theta = lifted_theta<D>(model);
  const Params<D> params{model.shape, theta};
  for (Eigen::Index k = 0; k < p; ++k) {
    theta[k].d = 1;
    for (int b = 0; b < in.batch; ++b) {
      std::vector<D> prev = initial_state<D>(in, b, n);
      for (int t = 0; t < in.steps; ++t) {
        const std::vector<D> next = step(params, model.alpha, prev, in.x, b * in.steps + t);
        for (int i = 0; i < n; ++i) {
          jac(state_index(in, n, b, t, i), k) = next[i].d;
          prev[i] = D{h(state_index(in, n, b, t, i)), Real(0)};  // previous state held fixed (N8)
        }
      }
    }
    theta[k].d = 0;
  }
  return jac;
}

template <class Real>
Matrix<Real> state_jacobian_finite_differences(const Model<Real>& model, const Inputs<Real>& in,
                                               const Real& step_size) {
  require(is_finite_positive(step_size), "step", step_size, "a finite positive step");
  Model<Real> plus = model, minus = model;
  Matrix<Real> jac(Eigen::Index(in.batch) * in.steps * model.shape.hidden, model.theta.size());
  for (Eigen::Index k = 0; k < model.theta.size(); ++k) {
    plus.theta(k) = model.theta(k) + step_size;
    minus.theta(k) = model.theta(k) - step_size;
    jac.col(k) = (forward(plus, in) - forward(minus, in)) / (2 * step_size);
    plus.theta(k) = minus.theta(k) = model.theta(k);
  }
  return jac;
}

}  // namespace learndyn::reference::ntk
