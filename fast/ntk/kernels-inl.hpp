// The kernels of kernels.hpp, written once and compiled per target by kernels_avx2.cpp and
// kernels_generic.cpp, which define LEARNDYN_NTK_TARGET (and rename Eigen's namespace) first.
// Every kernel is GEMMs with W or V between diagonal scalings (proofs/ntk.md N17, N12'): no
// per-step n x n Jacobian is ever formed.
#include <algorithm>
#include <new>

#include <Eigen/Core>

#include "fast/ntk/kernels.hpp"

namespace learndyn::fast::ntk::detail::LEARNDYN_NTK_TARGET {
namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstRowMap = Eigen::Map<const RowMatrix>;
using RowMap = Eigen::Map<RowMatrix>;
using StridedRowMap = Eigen::Map<RowMatrix, 0, Eigen::OuterStride<>>;
using ConstStridedRowMap = Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>>;

// Offset of the factor of (b, t) in a [t][b][i] array.
inline std::ptrdiff_t factor_offset(const SweepData& d, int t, int b) {
  return (static_cast<std::ptrdiff_t>(t) * d.batch + b) * d.hidden;
}

inline const double* at(const double* base, Layout l, int t, int b, int p) {
  return base + t * l.t_stride + b * l.b_stride + p * l.p_stride;
}
inline double* at(double* base, Layout l, int t, int b, int p) {
  return base + t * l.t_stride + b * l.b_stride + p * l.p_stride;
}

// cur <- in_t (the first step of either sweep), and out_t <- cur.
void load_first(const SweepData& d, int t, int b0, int b1, int m, const double* in, Layout li,
                RowMap& cur, double* out, Layout lo) {
  const int n = d.hidden;
  for (int b = b0; b < b1; ++b)
    for (int p = 0; p < m; ++p) {
      const double* src = at(in, li, t, b, p);
      double* row = cur.data() + (static_cast<std::ptrdiff_t>(b - b0) * m + p) * n;
      double* dst = at(out, lo, t, b, p);
      for (int i = 0; i < n; ++i) dst[i] = row[i] = src[i];
    }
}

void forward_sweep(const SweepData& d, int b0, int b1, int m, const double* in, Layout li,
                   double* out, Layout lo, double* work) {
  const int n = d.hidden, k = d.terms;
  const std::ptrdiff_t rows = static_cast<std::ptrdiff_t>(b1 - b0) * m;
  const std::ptrdiff_t block = static_cast<std::ptrdiff_t>(d.steps) * d.batch * n;
  RowMap prev(work, rows, n), cur(work + rows * n, rows, n), scaled(work + 2 * rows * n, rows, n),
      y(work + 3 * rows * n, rows, k * n);
  double *prev_ptr = work, *cur_ptr = work + rows * n;
  const ConstRowMap w(d.w_stack, k * n, n);
  load_first(d, 0, b0, b1, m, in, li, cur, out, lo);
  for (int t = 1; t < d.steps; ++t) {  // (N5) r_t = q_t + J_t r_{t-1}
    double* const swap_ptr = prev_ptr;
    prev_ptr = cur_ptr;
    cur_ptr = swap_ptr;
    new (&prev) RowMap(prev_ptr, rows, n);
    new (&cur) RowMap(cur_ptr, rows, n);
    for (int b = b0; b < b1; ++b) {
      const double* r = d.right + factor_offset(d, t, b);
      for (int p = 0; p < m; ++p) {
        const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(b - b0) * m + p;
        for (int i = 0; i < n; ++i) scaled(row, i) = r[i] * prev(row, i);
      }
    }
    y.noalias() = scaled * w.transpose();  // [W_1 x; ...; W_k x] for every (b, probe) row
    for (int b = b0; b < b1; ++b) {
      const std::ptrdiff_t f = factor_offset(d, t, b);
      const double* c = d.c + f;
      for (int p = 0; p < m; ++p) {
        const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(b - b0) * m + p;
        const double* q = at(in, li, t, b, p);
        double* dst = at(out, lo, t, b, p);
        for (int i = 0; i < n; ++i) {
          double v = c[i] * prev(row, i);
          for (int j = 0; j < k; ++j) v += d.left[j * block + f + i] * y(row, j * n + i);
          dst[i] = cur(row, i) = q[i] + v;
        }
      }
    }
  }
}

void backward_sweep(const SweepData& d, int b0, int b1, int m, const double* in, Layout li,
                    double* out, Layout lo, double* work) {
  const int n = d.hidden, k = d.terms;
  const std::ptrdiff_t rows = static_cast<std::ptrdiff_t>(b1 - b0) * m;
  const std::ptrdiff_t block = static_cast<std::ptrdiff_t>(d.steps) * d.batch * n;
  RowMap prev(work, rows, n), cur(work + rows * n, rows, n), y(work + 2 * rows * n, rows, n),
      stacked(work + 3 * rows * n, rows, k * n);
  double *prev_ptr = work, *cur_ptr = work + rows * n;
  const ConstRowMap w(d.w_stack, k * n, n);
  load_first(d, d.steps - 1, b0, b1, m, in, li, cur, out, lo);
  for (int t = d.steps - 2; t >= 0; --t) {  // (N7) r_t = q_t + J_{t+1}^T r_{t+1}
    double* const swap_ptr = prev_ptr;
    prev_ptr = cur_ptr;
    cur_ptr = swap_ptr;
    new (&prev) RowMap(prev_ptr, rows, n);
    new (&cur) RowMap(cur_ptr, rows, n);
    for (int b = b0; b < b1; ++b) {
      const std::ptrdiff_t f = factor_offset(d, t + 1, b);
      for (int p = 0; p < m; ++p) {
        const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(b - b0) * m + p;
        for (int j = 0; j < k; ++j)
          for (int i = 0; i < n; ++i) stacked(row, j * n + i) = d.left[j * block + f + i] * prev(row, i);
      }
    }
    y.noalias() = stacked * w;  // sum_j W_j^T (L_j (.) r) for every row
    for (int b = b0; b < b1; ++b) {
      const std::ptrdiff_t f = factor_offset(d, t + 1, b);
      const double* c = d.c + f;
      const double* r = d.right + f;
      for (int p = 0; p < m; ++p) {
        const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(b - b0) * m + p;
        const double* q = at(in, li, t, b, p);
        double* dst = at(out, lo, t, b, p);
        for (int i = 0; i < n; ++i) dst[i] = cur(row, i) = q[i] + c[i] * prev(row, i) + r[i] * y(row, i);
      }
    }
  }
}

void core(int rows, int n, int m, int p0, int p1, const CoreSite* sites, int site_count,
          const double* in, double* out, double* work) {
  const std::ptrdiff_t cols = static_cast<std::ptrdiff_t>(p1 - p0) * n;
  const std::ptrdiff_t stride = static_cast<std::ptrdiff_t>(m) * n;
  const ConstStridedRowMap x(in + static_cast<std::ptrdiff_t>(p0) * n, rows, cols, Eigen::OuterStride<>(stride));
  StridedRowMap result(out + static_cast<std::ptrdiff_t>(p0) * n, rows, cols, Eigen::OuterStride<>(stride));
  RowMap scaled(work, rows, cols), y(work + rows * cols, rows, cols);
  for (int s = 0; s < site_count; ++s) {
    const CoreSite& site = sites[s];
    const ConstRowMap v(site.v, rows, site.d);
    RowMap z(work + 2 * rows * cols, site.d, cols);
    for (int r = 0; r < rows; ++r) {
      const double* g = site.gain + static_cast<std::ptrdiff_t>(r) * n;
      const double* src = x.data() + r * stride;
      double* dst = &scaled(r, 0);
      for (int p = 0; p < p1 - p0; ++p)
        for (int i = 0; i < n; ++i) dst[p * n + i] = g[i] * src[p * n + i];
    }
    z.noalias() = v.transpose() * scaled;  // V^T (B* q): d x cols
    // B V z in tiles of rows, so that the product never leaves the cache before it is scaled
    // and accumulated (a full (BT) x cols intermediate cost a memory pass per site).
    constexpr int kTile = 64;
    for (int r0 = 0; r0 < rows; r0 += kTile) {
      const int tile = std::min(kTile, rows - r0);
      RowMap yt(y.data(), tile, cols);
      yt.noalias() = v.middleRows(r0, tile) * z;
      for (int r = r0; r < r0 + tile; ++r) {
        const double* g = site.gain + static_cast<std::ptrdiff_t>(r) * n;
        const double* src = yt.data() + static_cast<std::ptrdiff_t>(r - r0) * cols;
        double* dst = result.data() + r * stride;
        for (int p = 0; p < p1 - p0; ++p)
          for (int i = 0; i < n; ++i) {
            const double term = g[i] * src[p * n + i];
            dst[p * n + i] = s == 0 ? term : dst[p * n + i] + term;
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
  static const Kernels k{LEARNDYN_NTK_TARGET_NAME, forward_sweep, backward_sweep, core, transpose_multiply, multiply};
  return k;
}

}  // namespace learndyn::fast::ntk::detail::LEARNDYN_NTK_TARGET
