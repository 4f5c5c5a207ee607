// The kernels of kernels.hpp, written once and compiled per target by kernels_avx2.cpp and
// kernels_generic.cpp, which define LEARNDYN_NTK_TARGET (and rename Eigen's namespace) first.
// Every kernel is GEMMs with W or V between diagonal scalings (proofs/ntk.md N17, N12'): no
// per-step n x n Jacobian is ever formed.
#include <algorithm>
#include <new>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include <learndyn/fast/ntk/kernels.hpp>

namespace learndyn::fast::ntk::detail::LEARNDYN_NTK_TARGET {
namespace {

// Everything below is templated on the working precision S (double; float for the float32
// path, N52) and on the element types of the sweeps' input and output (S, or double at the
// operator's boundary): with S = In = Out = double the arithmetic is the same expressions as
// before the templates, so the float64 results keep their bits.
template <class S>
using RowMatrixOf = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class S>
using ConstRowMapOf = Eigen::Map<const RowMatrixOf<S>>;
template <class S>
using RowMapOf = Eigen::Map<RowMatrixOf<S>>;

// Offset of the factor of (b, t) in a [t][b][i] array.
template <class S>
inline std::ptrdiff_t factor_offset(const BasicSweepData<S>& d, int t, int b) {
  return (static_cast<std::ptrdiff_t>(t) * d.batch + b) * d.hidden;
}

template <class T>
inline T* at(T* base, Layout l, int t, int b, int p) {
  return base + t * l.t_stride + b * l.b_stride + p * l.p_stride;
}

// cur <- in_t (the first step of either sweep), and out_t <- cur.
template <class S, class In, class Out>
void load_first(const BasicSweepData<S>& d, int t, int b0, int b1, int m, const In* in, Layout li,
                RowMapOf<S>& cur, Out* out, Layout lo) {
  const int n = d.hidden;
  for (int b = b0; b < b1; ++b)
    for (int p = 0; p < m; ++p) {
      const In* src = at(in, li, t, b, p);
      S* row = cur.data() + (static_cast<std::ptrdiff_t>(b - b0) * m + p) * n;
      Out* dst = at(out, lo, t, b, p);
      for (int i = 0; i < n; ++i) dst[i] = static_cast<Out>(row[i] = static_cast<S>(src[i]));
    }
}

// The elementwise passes ride on the output loop (measured: docs/ntk.md, "The block at the
// machine's limit"): the scaling the next step's GEMM needs (R (.) r_t in P, L_j (.) r_t in P*)
// is written while r_t is computed, instead of in a pass of its own that reads r_t back; the
// products are the same, so are the bits.
template <class S, class In, class Out>
void forward_sweep(const BasicSweepData<S>& d, int b0, int b1, int m, const In* in, Layout li,
                   Out* out, Layout lo, S* work) {
  using RowMap = RowMapOf<S>;
  using ConstRowMap = ConstRowMapOf<S>;
  const int n = d.hidden, k = d.terms;
  const std::ptrdiff_t rows = static_cast<std::ptrdiff_t>(b1 - b0) * m;
  const std::ptrdiff_t block = static_cast<std::ptrdiff_t>(d.steps) * d.batch * n;
  RowMap prev(work, rows, n), cur(work + rows * n, rows, n), scaled(work + 2 * rows * n, rows, n),
      y(work + 3 * rows * n, rows, k * n);
  S *prev_ptr = work, *cur_ptr = work + rows * n;
  const ConstRowMap w(d.w_stack, k * n, n);
  load_first(d, 0, b0, b1, m, in, li, cur, out, lo);
  if (d.steps > 1)
    for (int b = b0; b < b1; ++b) {  // R_1 (.) r_0
      const S* r = d.right + factor_offset(d, 1, b);
      for (int p = 0; p < m; ++p) {
        const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(b - b0) * m + p;
        for (int i = 0; i < n; ++i) scaled(row, i) = r[i] * cur(row, i);
      }
    }
  for (int t = 1; t < d.steps; ++t) {  // (N5) r_t = q_t + J_t r_{t-1}
    S* const swap_ptr = prev_ptr;
    prev_ptr = cur_ptr;
    cur_ptr = swap_ptr;
    new (&prev) RowMap(prev_ptr, rows, n);
    new (&cur) RowMap(cur_ptr, rows, n);
    y.noalias() = scaled * w.transpose();  // [W_1 x; ...; W_k x] for every (b, probe) row
    const bool next = t + 1 < d.steps;
    for (int b = b0; b < b1; ++b) {
      const std::ptrdiff_t f = factor_offset(d, t, b);
      const S* c = d.c + f;
      const S* r_next = next ? d.right + factor_offset(d, t + 1, b) : nullptr;
      for (int p = 0; p < m; ++p) {
        const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(b - b0) * m + p;
        const In* q = at(in, li, t, b, p);
        Out* dst = at(out, lo, t, b, p);
        for (int i = 0; i < n; ++i) {
          S v = c[i] * prev(row, i);
          for (int j = 0; j < k; ++j) v += d.left[j * block + f + i] * y(row, j * n + i);
          dst[i] = static_cast<Out>(cur(row, i) = static_cast<S>(q[i]) + v);
        }
        if (next)
          for (int i = 0; i < n; ++i) scaled(row, i) = r_next[i] * cur(row, i);
      }
    }
  }
}

template <class S, class In, class Out>
void backward_sweep(const BasicSweepData<S>& d, int b0, int b1, int m, const In* in, Layout li,
                    Out* out, Layout lo, S* work) {
  using RowMap = RowMapOf<S>;
  using ConstRowMap = ConstRowMapOf<S>;
  const int n = d.hidden, k = d.terms;
  const std::ptrdiff_t rows = static_cast<std::ptrdiff_t>(b1 - b0) * m;
  const std::ptrdiff_t block = static_cast<std::ptrdiff_t>(d.steps) * d.batch * n;
  RowMap prev(work, rows, n), cur(work + rows * n, rows, n), y(work + 2 * rows * n, rows, n),
      stacked(work + 3 * rows * n, rows, k * n);
  S *prev_ptr = work, *cur_ptr = work + rows * n;
  // Into the compact layout in the working precision (P* of NTK_S), the chunk's rows of step t
  // are one contiguous (rows x n) block of `out`: r_t is kept there instead of in a copy (one
  // store stream less; the same arithmetic).
  bool in_place = false;
  if constexpr (std::is_same_v<Out, S>) in_place = lo.p_stride == n && lo.b_stride == std::ptrdiff_t(m) * n;
  const auto step_block = [&](int t) { return reinterpret_cast<S*>(at(out, lo, t, b0, 0)); };
  if (in_place) {
    cur_ptr = step_block(d.steps - 1);
    new (&cur) RowMap(cur_ptr, rows, n);
  }
  const ConstRowMap w(d.w_stack, k * n, n);
  load_first(d, d.steps - 1, b0, b1, m, in, li, cur, out, lo);
  // L_j (.) r for the step about to be taken: r_{T-1} here, then written by the output loop.
  const auto stack = [&](int t, int b, std::ptrdiff_t row, const S* r) {
    const std::ptrdiff_t f = factor_offset(d, t, b);
    for (int j = 0; j < k; ++j)
      for (int i = 0; i < n; ++i) stacked(row, j * n + i) = d.left[j * block + f + i] * r[i];
  };
  if (d.steps > 1)
    for (int b = b0; b < b1; ++b)
      for (int p = 0; p < m; ++p) {
        const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(b - b0) * m + p;
        stack(d.steps - 1, b, row, &cur(row, 0));
      }
  for (int t = d.steps - 2; t >= 0; --t) {  // (N7) r_t = q_t + J_{t+1}^T r_{t+1}
    S* const swap_ptr = prev_ptr;
    prev_ptr = cur_ptr;
    cur_ptr = in_place ? step_block(t) : swap_ptr;
    new (&prev) RowMap(prev_ptr, rows, n);
    new (&cur) RowMap(cur_ptr, rows, n);
    y.noalias() = stacked * w;  // sum_j W_j^T (L_j (.) r) for every row
    for (int b = b0; b < b1; ++b) {
      const std::ptrdiff_t f = factor_offset(d, t + 1, b);
      const S* c = d.c + f;
      const S* r = d.right + f;
      for (int p = 0; p < m; ++p) {
        const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(b - b0) * m + p;
        const In* q = at(in, li, t, b, p);
        Out* dst = at(out, lo, t, b, p);
        if (in_place) {
          for (int i = 0; i < n; ++i) cur(row, i) = static_cast<S>(q[i]) + c[i] * prev(row, i) + r[i] * y(row, i);
        } else {
          for (int i = 0; i < n; ++i)
            dst[i] = static_cast<Out>(cur(row, i) = static_cast<S>(q[i]) + c[i] * prev(row, i) + r[i] * y(row, i));
        }
        if (t > 0) stack(t, b, row, &cur(row, 0));
      }
    }
  }
}

// g (.) x for the rows [r0, r0 + tile) of a compact block, into a dense tile whose rows are
// `ld` apart (tile x cols, or a column block of a wider tile).
template <class S>
void scale_rows(const S* gain, const S* x, std::ptrdiff_t stride, int r0, int tile, int n,
                int probes, S* dst, std::ptrdiff_t ld) {
  for (int r = r0; r < r0 + tile; ++r) {
    const S* g = gain + static_cast<std::ptrdiff_t>(r) * n;
    const S* src = x + r * stride;
    S* row = dst + static_cast<std::ptrdiff_t>(r - r0) * ld;
    for (int p = 0; p < probes; ++p)
      for (int i = 0; i < n; ++i) row[p * n + i] = g[i] * src[p * n + i];
  }
}

// (N12') out = sum_k g_k (.) V_k (V_k^T (g_k (.) in)) in two passes over tiles of kCoreTile
// rows (N48): first z_k = V_k^T (g_k (.) in) accumulated tile by tile for every site, then each
// output tile summed over the sites and written once. The block is read once and written
// once, and no (B T) x cols intermediate exists: a full-size scaled copy per site would cost a
// memory pass each (and 12 MB of fresh pages per chunk on the first call).
// Consecutive sites with the same V (the GRU's r and z gates: one pointer, Ntk checks the
// contents) go through V as one GEMM of kCoreSiteGroup x cols columns per pass: V's tile is
// packed once, the panels are wider. Not bit-identical to one GEMM per site (Eigen's order of
// some entries depends on the column count: measured on the GRU), so only the float32 path
// (operators.cpp) shares pointers; the float64 path keeps one GEMM per site and its bytes.
template <class S>
void core(int rows, int n, int m, int p0, int p1, const BasicCoreSite<S>* sites, int site_count,
          const S* in, S* out, S* work) {
  using RowMap = RowMapOf<S>;
  using ConstRowMap = ConstRowMapOf<S>;
  const int probes = p1 - p0;
  const std::ptrdiff_t cols = static_cast<std::ptrdiff_t>(probes) * n;
  const std::ptrdiff_t stride = static_cast<std::ptrdiff_t>(m) * n;
  const S* x = in + static_cast<std::ptrdiff_t>(p0) * n;
  S* result = out + static_cast<std::ptrdiff_t>(p0) * n;
  const int widest = core_group(sites, site_count);  // as core_workspace was sized
  S* tile_a = work;
  S* tile_b = work + widest * kCoreTile * cols;
  // Groups [first[g], first[g + 1]) of consecutive sites sharing V, at most kCoreSiteGroup each.
  std::vector<int> first{0};
  for (int s = 1; s < site_count; ++s)
    if (sites[s].v != sites[s - 1].v || s - first.back() == kCoreSiteGroup) first.push_back(s);
  const int groups = static_cast<int>(first.size());
  first.push_back(site_count);
  std::vector<S*> z(groups);  // group g: d x (size * cols), site j of it in columns [j cols, (j + 1) cols)
  z[0] = work + 2 * widest * kCoreTile * cols;
  for (int g = 1; g < groups; ++g) z[g] = z[g - 1] + sites[first[g - 1]].d * (first[g] - first[g - 1]) * cols;
  for (int r0 = 0; r0 < rows; r0 += kCoreTile) {  // z_k = sum over tiles of V_k,tile^T scaled
    const int tile = std::min(kCoreTile, rows - r0);
    for (int g = 0; g < groups; ++g) {
      const int d = sites[first[g]].d, size = first[g + 1] - first[g];
      const std::ptrdiff_t width = size * cols;
      for (int j = 0; j < size; ++j)
        scale_rows(sites[first[g] + j].gain, x, stride, r0, tile, n, probes, tile_a + j * cols, width);
      const ConstRowMap v(sites[first[g]].v + static_cast<std::ptrdiff_t>(r0) * d, tile, d);
      RowMap zs(z[g], d, width);
      const ConstRowMap scaled(tile_a, tile, width);
      if (r0 == 0) {
        zs.noalias() = v.transpose() * scaled;
      } else {
        zs.noalias() += v.transpose() * scaled;
      }
    }
  }
  for (int r0 = 0; r0 < rows; r0 += kCoreTile) {  // out tile = sum_k g_k (.) V_k,tile z_k
    const int tile = std::min(kCoreTile, rows - r0);
    for (int g = 0; g < groups; ++g) {
      const int d = sites[first[g]].d, size = first[g + 1] - first[g];
      const std::ptrdiff_t width = size * cols;
      const ConstRowMap v(sites[first[g]].v + static_cast<std::ptrdiff_t>(r0) * d, tile, d);
      RowMap y(tile_b, tile, width);
      y.noalias() = v * ConstRowMap(z[g], d, width);
      for (int j = 0; j < size; ++j) {
        const int s = first[g] + j;
        for (int r = r0; r < r0 + tile; ++r) {
          const S* gain = sites[s].gain + static_cast<std::ptrdiff_t>(r) * n;
          const S* src = tile_b + static_cast<std::ptrdiff_t>(r - r0) * width + j * cols;
          S* dst = result + r * stride;
          for (int p = 0; p < probes; ++p)
            for (int i = 0; i < n; ++i) {
              const S term = gain[i] * src[p * n + i];
              dst[p * n + i] = s == 0 ? term : dst[p * n + i] + term;
            }
        }
      }
    }
  }
}

void transpose_multiply(const double* y, std::ptrdiff_t rows, int m, const double* z, int k,
                        double* g) {
  const Eigen::Map<const Eigen::MatrixXd> ym(y, rows, m), zm(z, rows, k);
  Eigen::Map<Eigen::MatrixXd> gm(g, m, k);
  gm.noalias() = ym.transpose() * zm;
}

void multiply(const double* y, std::ptrdiff_t rows, int m, const double* mat, int k, double* z) {
  const Eigen::Map<const Eigen::MatrixXd> ym(y, rows, m), mm(mat, m, k);
  Eigen::Map<Eigen::MatrixXd> zm(z, rows, k);
  zm.noalias() = ym * mm;
}

}  // namespace

const Kernels& target_kernels() {
  static const Kernels k{LEARNDYN_NTK_TARGET_NAME,
                         forward_sweep<double, double, double>,
                         backward_sweep<double, double, double>,
                         core<double>,
                         transpose_multiply,
                         multiply,
                         forward_sweep<float, double, double>,
                         backward_sweep<float, double, double>,
                         backward_sweep<float, double, float>,
                         forward_sweep<float, float, double>,
                         core<float>};
  return k;
}

}  // namespace learndyn::fast::ntk::detail::LEARNDYN_NTK_TARGET
