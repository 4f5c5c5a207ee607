// The kernels of kernels.hpp, written once and compiled per target by kernels_avx2.cpp and
// kernels_generic.cpp, which define LEARNDYN_NTK_TARGET (and rename Eigen's namespace) first.
// Every kernel is GEMMs with W or V between diagonal scalings (proofs/ntk.md N17, N12'): no
// per-step n x n Jacobian is ever formed.
#include <algorithm>
#include <new>
#include <vector>

#include <Eigen/Core>

#include <learndyn/fast/ntk/kernels.hpp>

namespace learndyn::fast::ntk::detail::LEARNDYN_NTK_TARGET {
namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstRowMap = Eigen::Map<const RowMatrix>;
using RowMap = Eigen::Map<RowMatrix>;

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

// g (.) x for the rows [r0, r0 + tile) of a compact block, into a dense tile (tile x cols).
void scale_rows(const double* gain, const double* x, std::ptrdiff_t stride, int r0, int tile, int n,
                int probes, double* dst) {
  for (int r = r0; r < r0 + tile; ++r) {
    const double* g = gain + static_cast<std::ptrdiff_t>(r) * n;
    const double* src = x + r * stride;
    double* row = dst + static_cast<std::ptrdiff_t>(r - r0) * probes * n;
    for (int p = 0; p < probes; ++p)
      for (int i = 0; i < n; ++i) row[p * n + i] = g[i] * src[p * n + i];
  }
}

// (N12') out = sum_k g_k (.) V_k (V_k^T (g_k (.) in)) in two passes over tiles of kCoreTile
// rows (N48): first z_k = V_k^T (g_k (.) in) accumulated tile by tile for every site, then each
// output tile summed over the sites and written once. The block is read once and written
// once, and no (B T) x cols intermediate exists: a full-size scaled copy per site would cost a
// memory pass each (and 12 MB of fresh pages per chunk on the first call).
void core(int rows, int n, int m, int p0, int p1, const CoreSite* sites, int site_count,
          const double* in, double* out, double* work) {
  const int probes = p1 - p0;
  const std::ptrdiff_t cols = static_cast<std::ptrdiff_t>(probes) * n;
  const std::ptrdiff_t stride = static_cast<std::ptrdiff_t>(m) * n;
  const double* x = in + static_cast<std::ptrdiff_t>(p0) * n;
  double* result = out + static_cast<std::ptrdiff_t>(p0) * n;
  double* tile_a = work;
  double* tile_b = work + kCoreTile * cols;
  std::vector<double*> z(site_count);  // z_k: d_k x cols, one after another
  z[0] = work + 2 * kCoreTile * cols;
  for (int s = 1; s < site_count; ++s) z[s] = z[s - 1] + sites[s - 1].d * cols;
  for (int r0 = 0; r0 < rows; r0 += kCoreTile) {  // z_k = sum over tiles of V_k,tile^T scaled
    const int tile = std::min(kCoreTile, rows - r0);
    for (int s = 0; s < site_count; ++s) {
      scale_rows(sites[s].gain, x, stride, r0, tile, n, probes, tile_a);
      const ConstRowMap v(sites[s].v + static_cast<std::ptrdiff_t>(r0) * sites[s].d, tile, sites[s].d);
      RowMap zs(z[s], sites[s].d, cols);
      const ConstRowMap scaled(tile_a, tile, cols);
      if (r0 == 0) {
        zs.noalias() = v.transpose() * scaled;
      } else {
        zs.noalias() += v.transpose() * scaled;
      }
    }
  }
  for (int r0 = 0; r0 < rows; r0 += kCoreTile) {  // out tile = sum_k g_k (.) V_k,tile z_k
    const int tile = std::min(kCoreTile, rows - r0);
    for (int s = 0; s < site_count; ++s) {
      const ConstRowMap v(sites[s].v + static_cast<std::ptrdiff_t>(r0) * sites[s].d, tile, sites[s].d);
      RowMap y(tile_b, tile, cols);
      y.noalias() = v * ConstRowMap(z[s], sites[s].d, cols);
      for (int r = r0; r < r0 + tile; ++r) {
        const double* g = sites[s].gain + static_cast<std::ptrdiff_t>(r) * n;
        const double* src = tile_b + static_cast<std::ptrdiff_t>(r - r0) * cols;
        double* dst = result + r * stride;
        for (int p = 0; p < probes; ++p)
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
