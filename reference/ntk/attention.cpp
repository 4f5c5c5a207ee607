#include <learndyn/reference/ntk/attention.hpp>

#include <cmath>
#include <type_traits>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/common/scalar.hpp>

namespace learndyn::reference::ntk {
namespace {

// A scalar carrying one tangent (N33): forward mode through the model equations.
template <class Real>
struct Tangent {
  Real v, d;
};
template <class Real>
Tangent<Real> operator+(const Tangent<Real>& a, const Tangent<Real>& b) { return {a.v + b.v, a.d + b.d}; }
template <class Real>
Tangent<Real> operator-(const Tangent<Real>& a, const Tangent<Real>& b) { return {a.v - b.v, a.d - b.d}; }
template <class Real>
Tangent<Real> operator*(const Tangent<Real>& a, const Tangent<Real>& b) { return {a.v * b.v, a.d * b.v + a.v * b.d}; }
template <class Real>
Tangent<Real> operator/(const Tangent<Real>& a, const Tangent<Real>& b) {
  return {a.v / b.v, (a.d * b.v - a.v * b.d) / (b.v * b.v)};
}
template <class Real>
Real value(const Real& x) { return x; }
template <class Real>
Real value(const Tangent<Real>& x) { return x.v; }
template <class Real>
Real exp_of(const Real& x) { using std::exp; return exp(x); }
template <class Real>
Tangent<Real> exp_of(const Tangent<Real>& x) { const Real e = exp_of(x.v); return {e, e * x.d}; }
template <class Real>
Real tanh_of(const Real& x) { using std::tanh; return tanh(x); }
template <class Real>
Tangent<Real> tanh_of(const Tangent<Real>& x) { const Real y = tanh_of(x.v); return {y, (1 - y * y) * x.d}; }
template <class S, class Real>
S lift(const Real& x) {
  if constexpr (std::is_same_v<S, Real>) return x; else return S{x, Real(0)};
}

// Offsets of the blocks of one token's state.
struct Blocks {
  int q, k, v, a, u, y, size;
  explicit Blocks(const AttentionShape& s)
      : q(0), k(s.attention), v(2 * s.attention), a(3 * s.attention), u(4 * s.attention),
        y(4 * s.attention + s.mlp), size(s.state_size()) {}
};

template <class Real>
void validate_attention(const AttentionShape& s, const Vector<Real>& theta, const Matrix<Real>& x, int batch,
                        int steps) {
  require(s.inputs >= 1 && s.attention >= 1 && s.mlp >= 1 && s.outputs >= 1, "attention shape", s.inputs,
          "all dimensions >= 1");
  require(s.heads >= 1 && s.attention % s.heads == 0, "heads", s.heads, "H >= 1 dividing d_a (N65)");
  require(theta.size() == s.parameter_count(), "theta", static_cast<long>(theta.size()), "parameter_count()");
  require(batch >= 1 && steps >= 1 && x.rows() == Eigen::Index(batch) * steps && x.cols() == s.inputs, "x",
          "shape", "(B T) x d_in");
}

// The forward pass on scalar S; `parameters` of S, `fixed` (optional) the states held at the
// trajectory's values for the one-step Jacobian (every input of f is then a constant).
template <class S, class Real>
std::vector<S> run(const AttentionShape& s, const std::vector<S>& th, const Matrix<Real>& x, int batch,
                   int steps, const Vector<Real>* fixed) {
  const Blocks blk(s);
  const int da = s.attention, di = s.inputs, dh = s.mlp, dout = s.outputs;
  std::vector<S> h(std::size_t(batch) * steps * blk.size, lift<S>(Real(0)));
  const auto at = [&](int b, int t, int off) { return (std::size_t(b) * steps + t) * blk.size + off; };
  // Reads a state: the computed one, or the trajectory's value when held fixed.
  const auto in = [&](int b, int t, int off) { return fixed ? lift<S>((*fixed)(at(b, t, off))) : h[at(b, t, off)]; };
  const std::size_t wq = 0, wk = std::size_t(da) * di, wv = 2 * wk, w1 = 3 * wk, b1 = w1 + std::size_t(dh) * da,
                    w2 = b1 + dh, b2 = w2 + std::size_t(dout) * dh;
  using std::sqrt;
  const int dk = s.head_width();
  const Real scale = 1 / sqrt(Real(dk));
  for (int b = 0; b < batch; ++b) {
    for (int t = 0; t < steps; ++t)
      for (int r = 0; r < da; ++r) {
        S q = lift<S>(Real(0)), k = q, v = q;
        for (int c = 0; c < di; ++c) {
          const S xc = lift<S>(x(b * steps + t, c));
          q = q + th[wq + r * di + c] * xc;
          k = k + th[wk + r * di + c] * xc;
          v = v + th[wv + r * di + c] * xc;
        }
        h[at(b, t, blk.q + r)] = q;
        h[at(b, t, blk.k + r)] = k;
        h[at(b, t, blk.v + r)] = v;
      }
    for (int t = 0; t < steps; ++t)
      for (int j0 = 0; j0 < da; j0 += dk) {  // head j0 / dk on components [j0, j0 + dk) (N65)
        std::vector<S> e(steps, lift<S>(Real(0)));
        S total = lift<S>(Real(0));
        for (int u = 0; u < steps; ++u) {
          S dot = lift<S>(Real(0));
          for (int r = j0; r < j0 + dk; ++r) dot = dot + in(b, t, blk.q + r) * in(b, u, blk.k + r);
          e[u] = exp_of(lift<S>(scale) * dot);  // |scores| are O(1) here: no max shift needed
          total = total + e[u];
        }
        for (int r = j0; r < j0 + dk; ++r) {
          S a = lift<S>(Real(0));
          for (int u = 0; u < steps; ++u) a = a + (e[u] / total) * in(b, u, blk.v + r);
          h[at(b, t, blk.a + r)] = a;
        }
      }
    for (int t = 0; t < steps; ++t) {
      for (int j = 0; j < dh; ++j) {
        S u = th[b1 + j];
        for (int r = 0; r < da; ++r) u = u + th[w1 + j * da + r] * in(b, t, blk.a + r);
        h[at(b, t, blk.u + j)] = u;
      }
      for (int o = 0; o < dout; ++o) {
        S y = th[b2 + o];
        for (int j = 0; j < dh; ++j) y = y + th[w2 + o * dh + j] * tanh_of(in(b, t, blk.u + j));
        h[at(b, t, blk.y + o)] = y;
      }
    }
  }
  return h;
}

template <class Real>
std::vector<Tangent<Real>> tangent_theta(const Vector<Real>& theta) {
  std::vector<Tangent<Real>> th(theta.size());
  for (Eigen::Index k = 0; k < theta.size(); ++k) th[k] = {theta(k), Real(0)};
  return th;
}

template <class Real>
Matrix<Real> jacobian(const AttentionModel<Real>& m, const Matrix<Real>& x, int batch, int steps,
                      const Vector<Real>* fixed) {
  validate_attention(m.shape, m.theta, x, batch, steps);
  std::vector<Tangent<Real>> th = tangent_theta(m.theta);
  Matrix<Real> jac(Eigen::Index(batch) * steps * m.shape.state_size(), m.theta.size());
  for (Eigen::Index k = 0; k < m.theta.size(); ++k) {
    th[k].d = 1;
    const std::vector<Tangent<Real>> h = run(m.shape, th, x, batch, steps, fixed);
    for (Eigen::Index i = 0; i < jac.rows(); ++i) jac(i, k) = h[i].d;
    th[k].d = 0;
  }
  return jac;
}

}  // namespace

template <class Real>
AttentionModel<Real> random_attention(const AttentionShape& shape, std::uint64_t seed) {
  using std::sqrt;
  AttentionModel<Real> m{shape, Vector<Real>(shape.parameter_count())};
  Rng rng(seed);
  Eigen::Index k = 0;
  const auto fill = [&](int count, int fan_in) {
    for (int i = 0; i < count; ++i) m.theta(k++) = Real(rng.normal()) / sqrt(Real(fan_in));
  };
  fill(3 * shape.attention * shape.inputs, shape.inputs);
  fill(shape.mlp * shape.attention, shape.attention);
  fill(shape.mlp, 10);
  fill(shape.outputs * shape.mlp, shape.mlp);
  fill(shape.outputs, 10);
  return m;
}

template <class Real>
Vector<Real> attention_forward(const AttentionModel<Real>& m, const Matrix<Real>& x, int batch, int steps) {
  validate_attention(m.shape, m.theta, x, batch, steps);
  std::vector<Real> th(m.theta.data(), m.theta.data() + m.theta.size());
  const std::vector<Real> h = run(m.shape, th, x, batch, steps, static_cast<const Vector<Real>*>(nullptr));
  return Eigen::Map<const Vector<Real>>(h.data(), Eigen::Index(h.size()));
}

template <class Real>
Matrix<Real> attention_jacobian_forward_mode(const AttentionModel<Real>& m, const Matrix<Real>& x, int batch,
                                             int steps) {
  return jacobian(m, x, batch, steps, static_cast<const Vector<Real>*>(nullptr));
}

template <class Real>
Matrix<Real> attention_parameter_jacobian(const AttentionModel<Real>& m, const Matrix<Real>& x, int batch,
                                          int steps) {
  const Vector<Real> h = attention_forward(m, x, batch, steps);
  return jacobian(m, x, batch, steps, &h);
}

template <class Real>
AttentionNtk<Real>::AttentionNtk(const AttentionModel<Real>& m, const Matrix<Real>& x, int batch, int steps)
    : shape_(m.shape), batch_(batch), steps_(steps), x_(x), state_(attention_forward(m, x, batch, steps)) {
  const AttentionShape& s = shape_;
  const Eigen::Index w1 = 3 * s.attention * s.inputs, w2 = w1 + s.mlp * s.attention + s.mlp;
  w1_ = Matrix<Real>(s.mlp, s.attention);
  w2_ = Matrix<Real>(s.outputs, s.mlp);
  for (int j = 0; j < s.mlp; ++j)
    for (int r = 0; r < s.attention; ++r) w1_(j, r) = m.theta(w1 + j * s.attention + r);
  for (int o = 0; o < s.outputs; ++o)
    for (int j = 0; j < s.mlp; ++j) w2_(o, j) = m.theta(w2 + o * s.mlp + j);
  const Blocks blk(s);
  using std::exp;
  using std::sqrt;
  const int dk = s.head_width();
  const Real scale = 1 / sqrt(Real(dk));
  for (int b = 0; b < batch; ++b)  // the softmax weights p_ts (N42) of each head (N65)
    for (int j0 = 0; j0 < s.attention; j0 += dk) {
      Matrix<Real> p(steps, steps);
      for (int t = 0; t < steps; ++t) {
        Real total = 0;
        for (int u = 0; u < steps; ++u) {
          Real dot = 0;
          for (int r = j0; r < j0 + dk; ++r)
            dot += state_((Eigen::Index(b) * steps + t) * blk.size + blk.q + r) *
                   state_((Eigen::Index(b) * steps + u) * blk.size + blk.k + r);
          p(t, u) = exp(scale * dot);
          total += p(t, u);
        }
        p.row(t) /= total;
      }
      probs_.push_back(p);
    }
}

// (N42): (S dh)_a = sum_s p_ts dv_s + sum_s dp_ts v_s, dp_ts = p_ts (de_ts - sum_r p_tr de_tr),
// de_ts = (dq_t . k_s + q_t . dk_s)/sqrt(d_a); (S dh)_u = W_1 da; (S dh)_y = W_2 (tanh'(u) dh_u).
template <class Real>
Vector<Real> AttentionNtk<Real>::apply_s(const Vector<Real>& dh) const {
  require(dh.size() == dimension(), "q", static_cast<long>(dh.size()), "a state vector");
  const Blocks blk(shape_);
  const int da = shape_.attention, dk = shape_.head_width(), heads = shape_.heads;
  using std::sqrt;
  using std::tanh;
  const Real scale = 1 / sqrt(Real(dk));
  Vector<Real> out = Vector<Real>::Zero(dh.size());
  const auto seg = [&](const Vector<Real>& v, int b, int t, int off, int len) {
    return Vector<Real>(v.segment((Eigen::Index(b) * steps_ + t) * blk.size + off, len));
  };
  for (int b = 0; b < batch_; ++b) {
    for (int t = 0; t < steps_; ++t) {
      const Eigen::Index base = (Eigen::Index(b) * steps_ + t) * blk.size;
      for (int j = 0; j < heads; ++j) {  // (N66) block-diagonal over heads
        const Matrix<Real>& p = probs_[std::size_t(b) * heads + j];
        const int j0 = j * dk;
        Vector<Real> de(steps_);
        for (int u = 0; u < steps_; ++u)
          de(u) = scale * (seg(dh, b, t, blk.q + j0, dk).dot(seg(state_, b, u, blk.k + j0, dk)) +
                           seg(state_, b, t, blk.q + j0, dk).dot(seg(dh, b, u, blk.k + j0, dk)));
        const Real mean = p.row(t).dot(de);
        Vector<Real> da_t = Vector<Real>::Zero(dk);
        for (int u = 0; u < steps_; ++u)
          da_t += p(t, u) * seg(dh, b, u, blk.v + j0, dk) + p(t, u) * (de(u) - mean) * seg(state_, b, u, blk.v + j0, dk);
        out.segment(base + blk.a + j0, dk) = da_t;
      }
      out.segment(base + blk.u, shape_.mlp) = w1_ * seg(dh, b, t, blk.a, da);
      Vector<Real> du = seg(dh, b, t, blk.u, shape_.mlp);
      for (int j = 0; j < shape_.mlp; ++j) {
        const Real th = tanh(state_(base + blk.u + j));
        du(j) *= 1 - th * th;
      }
      out.segment(base + blk.y, shape_.outputs) = w2_ * du;
    }
  }
  return out;
}

// (N42) the adjoint: for the cotangent g of a, dv_s += sum_t p_ts g_t, c_ts = g_t . v_s,
// ebar_ts = p_ts (c_ts - sum_r p_tr c_tr), dq_t += sum_s ebar_ts k_s / sqrt(d_a),
// dk_s += sum_t ebar_ts q_t / sqrt(d_a); da += W_1^T g_u; du += tanh'(u) (W_2^T g_y).
template <class Real>
Vector<Real> AttentionNtk<Real>::apply_s_adjoint(const Vector<Real>& g) const {
  require(g.size() == dimension(), "q", static_cast<long>(g.size()), "a state vector");
  const Blocks blk(shape_);
  const int da = shape_.attention, dk = shape_.head_width(), heads = shape_.heads;
  using std::sqrt;
  using std::tanh;
  const Real scale = 1 / sqrt(Real(dk));
  Vector<Real> out = Vector<Real>::Zero(g.size());
  const auto off = [&](int b, int t, int block) { return (Eigen::Index(b) * steps_ + t) * blk.size + block; };
  for (int b = 0; b < batch_; ++b) {
    for (int t = 0; t < steps_; ++t) {
      for (int j = 0; j < heads; ++j) {  // (N66) the transpose of each head's block
        const Matrix<Real>& p = probs_[std::size_t(b) * heads + j];
        const int j0 = j * dk;
        const Vector<Real> ga = g.segment(off(b, t, blk.a + j0), dk);
        Vector<Real> c(steps_);
        for (int u = 0; u < steps_; ++u) c(u) = ga.dot(state_.segment(off(b, u, blk.v + j0), dk));
        const Real mean = p.row(t).dot(c);
        for (int u = 0; u < steps_; ++u) {
          const Real ebar = p(t, u) * (c(u) - mean) * scale;
          out.segment(off(b, u, blk.v + j0), dk) += p(t, u) * ga;
          out.segment(off(b, t, blk.q + j0), dk) += ebar * state_.segment(off(b, u, blk.k + j0), dk);
          out.segment(off(b, u, blk.k + j0), dk) += ebar * state_.segment(off(b, t, blk.q + j0), dk);
        }
      }
      out.segment(off(b, t, blk.a), da) += w1_.transpose() * g.segment(off(b, t, blk.u), shape_.mlp);
      Vector<Real> du = w2_.transpose() * g.segment(off(b, t, blk.y), shape_.outputs);
      for (int j = 0; j < shape_.mlp; ++j) {
        const Real th = tanh(state_(off(b, t, blk.u) + j));
        du(j) *= 1 - th * th;
      }
      out.segment(off(b, t, blk.u), shape_.mlp) += du;
    }
  }
  return out;
}

template <class Real>
Vector<Real> AttentionNtk<Real>::apply_p(const Vector<Real>& q) const {
  Vector<Real> sum = q, term = q;  // (N42) P = I + S + S^2 + S^3 exactly
  for (int k = 1; k <= 3; ++k) sum += (term = apply_s(term));
  return sum;
}

template <class Real>
Vector<Real> AttentionNtk<Real>::apply_p_adjoint(const Vector<Real>& q) const {
  Vector<Real> sum = q, term = q;
  for (int k = 1; k <= 3; ++k) sum += (term = apply_s_adjoint(term));
  return sum;
}

// (N43) K per block: the Gram of the block's site variables over (b, t), times I.
template <class Real>
Vector<Real> AttentionNtk<Real>::apply_k(const Vector<Real>& q) const {
  require(q.size() == dimension(), "q", static_cast<long>(q.size()), "a state vector");
  const Blocks blk(shape_);
  using std::tanh;
  const Eigen::Index rows = Eigen::Index(batch_) * steps_;
  Matrix<Real> a1(rows, shape_.attention + 1), t1(rows, shape_.mlp + 1);
  for (Eigen::Index s = 0; s < rows; ++s) {
    a1.row(s).head(shape_.attention) = state_.segment(s * blk.size + blk.a, shape_.attention).transpose();
    a1(s, shape_.attention) = 1;
    for (int j = 0; j < shape_.mlp; ++j) t1(s, j) = tanh(state_(s * blk.size + blk.u + j));
    t1(s, shape_.mlp) = 1;
  }
  Vector<Real> out = Vector<Real>::Zero(q.size());
  const auto block = [&](const Matrix<Real>& v, int offset, int width) {
    Matrix<Real> qm(rows, width);
    for (Eigen::Index s = 0; s < rows; ++s) qm.row(s) = q.segment(s * blk.size + offset, width).transpose();
    const Matrix<Real> projected = v.transpose() * qm;
    const Matrix<Real> image = v * projected;
    for (Eigen::Index s = 0; s < rows; ++s) out.segment(s * blk.size + offset, width) = image.row(s).transpose();
  };
  block(x_, blk.q, shape_.attention);
  block(x_, blk.k, shape_.attention);
  block(x_, blk.v, shape_.attention);
  block(a1, blk.u, shape_.mlp);
  block(t1, blk.y, shape_.outputs);
  return out;
}

template <class Real>
Vector<Real> AttentionNtk<Real>::apply_ntk(const Vector<Real>& q) const {
  return apply_p(apply_k(apply_p_adjoint(q)));
}

#define LEARNDYN_INSTANTIATE(Real)                                                                      \
  template AttentionModel<Real> random_attention<Real>(const AttentionShape&, std::uint64_t);           \
  template Vector<Real> attention_forward<Real>(const AttentionModel<Real>&, const Matrix<Real>&, int, int); \
  template Matrix<Real> attention_jacobian_forward_mode<Real>(const AttentionModel<Real>&,             \
                                                              const Matrix<Real>&, int, int);           \
  template Matrix<Real> attention_parameter_jacobian<Real>(const AttentionModel<Real>&,                \
                                                           const Matrix<Real>&, int, int);              \
  template class AttentionNtk<Real>;
LEARNDYN_INSTANTIATE(double)
LEARNDYN_INSTANTIATE(real)
#undef LEARNDYN_INSTANTIATE

}  // namespace learndyn::reference::ntk
