// The kernels of attention_kernels.hpp, written once and compiled per target by
// attention_kernels_avx2.cpp and attention_kernels_generic.cpp, which define
// LEARNDYN_NTK_TARGET (and rename Eigen's namespace) first.
#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include <learndyn/fast/ntk/attention_kernels.hpp>

namespace learndyn::fast::ntk::detail::LEARNDYN_NTK_TARGET {
namespace {

// Everything below is templated on the working precision S (double; float for the float32
// path, N68): with S = double the expressions are those of the double kernels before the
// templates, so the float64 results keep their bits.
template <class S>
using RowMatrixOf = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class S>
using VectorOf = Eigen::Matrix<S, Eigen::Dynamic, 1>;
template <class S>
using ConstRowMapOf = Eigen::Map<const RowMatrixOf<S>>;
template <class S>
using ConstBlockOf = Eigen::Map<const RowMatrixOf<S>, 0, Eigen::OuterStride<>>;
template <class S>
using MutableBlockOf = Eigen::Map<RowMatrixOf<S>, 0, Eigen::OuterStride<>>;

// Offsets of the layers inside one token's state (N41): [q k v a u y].
struct Offsets {
  int q, k, v, a, u, y, size;
  template <class S>
  explicit Offsets(const BasicAttentionData<S>& d)
      : q(0), k(d.attention), v(2 * d.attention), a(3 * d.attention), u(4 * d.attention),
        y(4 * d.attention + d.mlp), size(4 * d.attention + d.mlp + d.outputs) {}
};

// The per-sequence data of sequence b; with several heads (N65), head j's columns of q, k, v
// and its softmax weights.
template <class S>
struct Sequence {
  ConstRowMapOf<S> q, k, v, p, tanh_prime;
  Sequence(const BasicAttentionData<S>& d, int b)
      : q(d.q + std::ptrdiff_t(b) * d.steps * d.attention, d.steps, d.attention),
        k(d.k + std::ptrdiff_t(b) * d.steps * d.attention, d.steps, d.attention),
        v(d.v + std::ptrdiff_t(b) * d.steps * d.attention, d.steps, d.attention),
        p(d.probs + std::ptrdiff_t(b) * d.heads * d.steps * d.steps, d.steps, d.steps),
        tanh_prime(d.tanh_prime + std::ptrdiff_t(b) * d.steps * d.mlp, d.steps, d.mlp) {}
};
template <class S>
struct Head {
  ConstBlockOf<S> q, k, v;
  ConstRowMapOf<S> p;
  Head(const BasicAttentionData<S>& d, int b, int j)
      : q(d.q + std::ptrdiff_t(b) * d.steps * d.attention + j * (d.attention / d.heads), d.steps,
          d.attention / d.heads, Eigen::OuterStride<>(d.attention)),
        k(d.k + std::ptrdiff_t(b) * d.steps * d.attention + j * (d.attention / d.heads), d.steps,
          d.attention / d.heads, Eigen::OuterStride<>(d.attention)),
        v(d.v + std::ptrdiff_t(b) * d.steps * d.attention + j * (d.attention / d.heads), d.steps,
          d.attention / d.heads, Eigen::OuterStride<>(d.attention)),
        p(d.probs + (std::ptrdiff_t(b) * d.heads + j) * d.steps * d.steps, d.steps, d.steps) {}
};

// (N42, N46) S, or P = (I - S)^{-1} by forward substitution through the layers
// q,k,v -> a -> u -> y: delta e = (dq K^T + Q dk^T)/sqrt(d_a),
// delta p = p o (delta e - rowsum(p o delta e)), a-layer += P dv + delta p V,
// u-layer += W_1 a, y-layer += W_2 (tanh'(u) o u); for P the sources a, u are the already
// substituted layers, for S the inputs.
// in and out point at the pair's rows (T x D); b is its sequence.
template <class S>
void forward_rows(const BasicAttentionData<S>& d, bool p_op, const S* in, S* out, int b) {
  using RowMatrix = RowMatrixOf<S>;
  using ConstRowMap = ConstRowMapOf<S>;
  using ConstBlock = ConstBlockOf<S>;
  using MutableBlock = MutableBlockOf<S>;
  using Vector = VectorOf<S>;
  const Offsets o(d);
  const int T = d.steps, da = d.attention;
  const Sequence<S> s(d, b);
  const Eigen::OuterStride<> stride(o.size);
  const auto src = [&](int off, int cols) { return ConstBlock(in + off, T, cols, stride); };
  const auto dst = [&](int off, int cols) { return MutableBlock(out + off, T, cols, stride); };
  const ConstRowMap w1(d.w1, d.mlp, da), w2(d.w2, d.outputs, d.mlp);
  if (p_op) dst(o.q, 3 * da) = src(o.q, 3 * da);
  else dst(o.q, 3 * da).setZero();
  MutableBlock a = dst(o.a, da);
  if (d.heads == 1) {
    RowMatrix de(T, T);
    de.noalias() = src(o.q, da) * s.k.transpose();
    de.noalias() += s.q * src(o.k, da).transpose();
    de *= d.scale;
    const Vector mean = s.p.cwiseProduct(de).rowwise().sum();
    if (d.absolute) de.colwise() += mean;  // N71
    else de.colwise() -= mean;
    const RowMatrix dp = s.p.cwiseProduct(de);
    // Outputs start from the identity term (P) or from the first product (S): Eigen zeroes the
    // destination of `noalias() =` row by row, a pass the identity copy makes unnecessary.
    if (p_op) {
      a = src(o.a, da);
      a.noalias() += s.p * src(o.v, da);
    } else {
      a.noalias() = s.p * src(o.v, da);
    }
    a.noalias() += dp * s.v;
  } else {
    // (N66) the same per head, on its d_k columns of q, k, v, a.
    const int dk = da / d.heads;
    RowMatrix de(T, T);
    for (int j = 0; j < d.heads; ++j) {
      const Head<S> h(d, b, j);
      const int c0 = j * dk;
      de.noalias() = src(o.q + c0, dk) * h.k.transpose();
      de.noalias() += h.q * src(o.k + c0, dk).transpose();
      de *= d.scale;
      const Vector mean = h.p.cwiseProduct(de).rowwise().sum();
      if (d.absolute) de.colwise() += mean;  // N71
    else de.colwise() -= mean;
      const RowMatrix dp = h.p.cwiseProduct(de);
      MutableBlock aj = dst(o.a + c0, dk);
      if (p_op) {
        aj = src(o.a + c0, dk);
        aj.noalias() += h.p * src(o.v + c0, dk);
      } else {
        aj.noalias() = h.p * src(o.v + c0, dk);
      }
      aj.noalias() += dp * h.v;
    }
  }
  MutableBlock u = dst(o.u, d.mlp);
  if (p_op) {
    u = src(o.u, d.mlp);
    u.noalias() += a * w1.transpose();
  } else {
    u.noalias() = src(o.a, da) * w1.transpose();
  }
  const RowMatrix gated = s.tanh_prime.cwiseProduct(p_op ? RowMatrix(u) : RowMatrix(src(o.u, d.mlp)));
  MutableBlock y = dst(o.y, d.outputs);
  if (p_op) {
    y = src(o.y, d.outputs);
    y.noalias() += gated * w2.transpose();
  } else {
    y.noalias() = gated * w2.transpose();
  }
}

// (N42, N46) S*, or P* = (I - S*)^{-1} by backward substitution y -> u -> a -> (q, k, v):
// u-layer += tanh'(u) o W_2^T g_y; a-layer += W_1^T g_u; with c_ts = g_t . v_s and
// ebar = p o (c - rowsum(p o c)) / sqrt(d_a): v += P^T g_a, q += ebar K, k += ebar^T Q.
template <class S>
void backward_rows(const BasicAttentionData<S>& d, bool p_op, const S* in, S* out, int b) {
  using RowMatrix = RowMatrixOf<S>;
  using ConstRowMap = ConstRowMapOf<S>;
  using ConstBlock = ConstBlockOf<S>;
  using MutableBlock = MutableBlockOf<S>;
  using Vector = VectorOf<S>;
  const Offsets o(d);
  const int T = d.steps, da = d.attention;
  const Sequence<S> s(d, b);
  const Eigen::OuterStride<> stride(o.size);
  const auto src = [&](int off, int cols) { return ConstBlock(in + off, T, cols, stride); };
  const auto dst = [&](int off, int cols) { return MutableBlock(out + off, T, cols, stride); };
  const ConstRowMap w1(d.w1, d.mlp, da), w2(d.w2, d.outputs, d.mlp);
  MutableBlock y = dst(o.y, d.outputs);
  if (p_op) y = src(o.y, d.outputs);
  else y.setZero();
  RowMatrix back(T, d.mlp);
  back.noalias() = src(o.y, d.outputs) * w2;
  MutableBlock u = dst(o.u, d.mlp);
  u = s.tanh_prime.cwiseProduct(back);
  if (p_op) u += src(o.u, d.mlp);
  MutableBlock a = dst(o.a, da);
  if (p_op) {
    a = src(o.a, da);
    a.noalias() += u * w1;
  } else {
    a.noalias() = src(o.u, d.mlp) * w1;
  }
  const RowMatrix g = p_op ? RowMatrix(a) : RowMatrix(src(o.a, da));
  if (d.heads == 1) {
    RowMatrix c(T, T);
    c.noalias() = g * s.v.transpose();
    const Vector mean = s.p.cwiseProduct(c).rowwise().sum();
    if (d.absolute) c.colwise() += mean;
    else c.colwise() -= mean;
    const RowMatrix ebar = d.scale * s.p.cwiseProduct(c);
    MutableBlock qo = dst(o.q, da), ko = dst(o.k, da), vo = dst(o.v, da);
    if (p_op) {
      qo = src(o.q, da);
      ko = src(o.k, da);
      vo = src(o.v, da);
      qo.noalias() += ebar * s.k;
      ko.noalias() += ebar.transpose() * s.q;
      vo.noalias() += s.p.transpose() * g;
    } else {
      qo.noalias() = ebar * s.k;
      ko.noalias() = ebar.transpose() * s.q;
      vo.noalias() = s.p.transpose() * g;
    }
    return;
  }
  // (N66) the transpose of each head's block, on its d_k columns.
  const int dk = da / d.heads;
  RowMatrix c(T, T);
  for (int j = 0; j < d.heads; ++j) {
    const Head<S> h(d, b, j);
    const int c0 = j * dk;
    const auto gj = g.middleCols(c0, dk);
    c.noalias() = gj * h.v.transpose();
    const Vector mean = h.p.cwiseProduct(c).rowwise().sum();
    if (d.absolute) c.colwise() += mean;
    else c.colwise() -= mean;
    const RowMatrix ebar = d.scale * h.p.cwiseProduct(c);
    MutableBlock qo = dst(o.q + c0, dk), ko = dst(o.k + c0, dk), vo = dst(o.v + c0, dk);
    if (p_op) {
      qo = src(o.q + c0, dk);
      ko = src(o.k + c0, dk);
      vo = src(o.v + c0, dk);
      qo.noalias() += ebar * h.k;
      ko.noalias() += ebar.transpose() * h.q;
      vo.noalias() += h.p.transpose() * gj;
    } else {
      qo.noalias() = ebar * h.k;
      ko.noalias() = ebar.transpose() * h.q;
      vo.noalias() = h.p.transpose() * gj;
    }
  }
}

// (N43) one probe: per site, out = V (V^T in) on the site's layers; the a-layer has no weight.
// in == out is allowed: each site reads its columns in full (V^T in) before writing them.
template <class S>
void k_rows(const BasicAttentionData<S>& d, const S* in, S* out) {
  using RowMatrix = RowMatrixOf<S>;
  using ConstRowMap = ConstRowMapOf<S>;
  using ConstBlock = ConstBlockOf<S>;
  using MutableBlock = MutableBlockOf<S>;
  const Offsets o(d);
  const int rows = d.batch * d.steps;
  const Eigen::OuterStride<> stride(o.size);
  const auto site = [&](const S* v_data, int d_site, int off, int cols) {
    const ConstRowMap v(v_data, rows, d_site);
    RowMatrix projected(d_site, cols);
    projected.noalias() = v.transpose() * ConstBlock(in + off, rows, cols, stride);
    MutableBlock(out + off, rows, cols, stride).noalias() = v * projected;
  };
  site(d.x, d.inputs, o.q, 3 * d.attention);  // W_q, W_k, W_v share the site variable x
  MutableBlock(out + o.a, rows, d.attention, stride).setZero();
  site(d.a1, d.attention + 1, o.u, d.mlp);
  site(d.t1, d.mlp + 1, o.y, d.outputs);
}

// The pair's rows in the kernels' precision S: `in` itself when In is S, else a copy
// rounded on load into a per-thread buffer (N68: one rounding per probe entry). Likewise the
// result goes straight to `out` when Out is S, else through the buffer, widened as it is stored.
template <class S, class In, class Out, class Body>
void in_precision(std::ptrdiff_t size, const In* in, Out* out, Body body) {
  thread_local std::vector<S> buffer;
  const S* src;
  S* dst;
  if constexpr (std::is_same_v<In, S> && std::is_same_v<Out, S>) {
    src = in;
    dst = out;
  } else {
    buffer.resize(static_cast<std::size_t>(2 * size));
    if constexpr (std::is_same_v<In, S>) {
      src = in;
    } else {
      std::copy(in, in + size, buffer.data());
      src = buffer.data();
    }
    if constexpr (std::is_same_v<Out, S>) dst = out;
    else dst = buffer.data() + size;
  }
  body(src, dst);
  if constexpr (!std::is_same_v<Out, S>) std::copy(dst, dst + size, out);
}

template <class S, class In, class Out>
void forward_pair(const BasicAttentionData<S>& d, bool p_op, const In* in, Out* out, int pair) {
  const std::ptrdiff_t size = std::ptrdiff_t(d.steps) * Offsets(d).size, base = std::ptrdiff_t(pair) * size;
  in_precision<S>(size, in + base, out + base,
                  [&](const S* src, S* dst) { forward_rows(d, p_op, src, dst, pair % d.batch); });
}

template <class S, class In, class Out>
void backward_pair(const BasicAttentionData<S>& d, bool p_op, const In* in, Out* out, int pair) {
  const std::ptrdiff_t size = std::ptrdiff_t(d.steps) * Offsets(d).size, base = std::ptrdiff_t(pair) * size;
  in_precision<S>(size, in + base, out + base,
                  [&](const S* src, S* dst) { backward_rows(d, p_op, src, dst, pair % d.batch); });
}

void k_probe(const AttentionData& d, const double* in, double* out) { k_rows(d, in, out); }

void forward_pair32_from_block(const AttentionData32& d, const float* in, double* out, int pair) {
  forward_pair(d, true, in, out, pair);
}
void backward_pair32_to_block(const AttentionData32& d, const double* in, float* out, int pair) {
  backward_pair(d, true, in, out, pair);
}
void k_probe32_in_block(const AttentionData32& d, float* block) { k_rows<float>(d, block, block); }

}  // namespace

const AttentionKernels& target_attention_kernels() {
  static const AttentionKernels k{LEARNDYN_NTK_TARGET_NAME,
                                  forward_pair<double, double, double>,
                                  backward_pair<double, double, double>,
                                  k_probe,
                                  forward_pair<float, double, double>,
                                  backward_pair<float, double, double>,
                                  backward_pair32_to_block,
                                  k_probe32_in_block,
                                  forward_pair32_from_block};
  return k;
}

}  // namespace learndyn::fast::ntk::detail::LEARNDYN_NTK_TARGET
