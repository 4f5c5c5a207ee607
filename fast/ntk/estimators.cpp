#include <learndyn/fast/ntk/estimators.hpp>

#include <algorithm>
#include <cmath>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/large_buffer.hpp>
#include <learndyn/common/parallel.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/fast/ntk/kernels.hpp>

namespace learndyn::fast::ntk {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// Independent seeds for the probe sets of one estimate.
std::uint64_t sub_seed(std::uint64_t seed, std::uint64_t which) {
  Rng rng(seed ^ (0xA24BAED4963EE407ull * (which + 1)));
  return rng.next();
}

// x^T y with eight interleaved partial sums, added pairwise at the end: a fixed order (the
// same bits on every run), and no chain of dependent additions, so the compiler can keep the
// partial sums in SIMD registers. One running sum costs a quarter of a 64-probe Hutchinson
// estimate's time (48,000 serial additions per column, twice per probe).
// Entry k of a column goes to part[k % 8]: column_dot's sums can be taken piece by piece, each
// piece (all but the last a multiple of 8 long) starting where the previous one ended.
struct ColumnSums {
  double part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  void add(const double* x, const double* y, std::ptrdiff_t n) {
    std::ptrdiff_t k = 0;
    for (; k + 8 <= n; k += 8)
      for (int j = 0; j < 8; ++j) part[j] += x[k + j] * y[k + j];
    for (; k < n; ++k) part[k % 8] += x[k] * y[k];
  }
  double total() const {
    return ((part[0] + part[4]) + (part[1] + part[5])) + ((part[2] + part[6]) + (part[3] + part[7]));
  }
};

double column_dot(const double* x, const double* y, std::ptrdiff_t n) {
  ColumnSums s;
  s.add(x, y, n);
  return s.total();
}

// Sample mean, variance and covariance of paired terms.
struct Moments {
  double mean_x = 0, mean_y = 0, var_x = 0, var_y = 0, cov = 0;
  int count = 0;
};
Moments moments(const std::vector<double>& x, const std::vector<double>& y) {
  Moments m;
  m.count = static_cast<int>(x.size());
  if (m.count == 0) return m;
  for (int j = 0; j < m.count; ++j) {
    m.mean_x += x[j];
    m.mean_y += y[j];
  }
  m.mean_x /= m.count;
  m.mean_y /= m.count;
  if (m.count < 2) return m;
  for (int j = 0; j < m.count; ++j) {
    m.var_x += (x[j] - m.mean_x) * (x[j] - m.mean_x);
    m.var_y += (y[j] - m.mean_y) * (y[j] - m.mean_y);
    m.cov += (x[j] - m.mean_x) * (y[j] - m.mean_y);
  }
  m.var_x /= m.count - 1;
  m.var_y /= m.count - 1;
  m.cov /= m.count - 1;
  return m;
}

// (N29)-(N31): tr = a + mean x, tr^2 = b + mean y, with standard errors and the ratio's delta
// method.
RankEstimate finish(double a, double b, const std::vector<double>& x, const std::vector<double>& y,
                    int matvecs) {
  const Moments m = moments(x, y);
  const double g = std::max(1, m.count);
  RankEstimate r;
  r.matvecs = matvecs;
  r.trace = {a + m.mean_x, std::sqrt(m.var_x / g)};
  r.trace_of_square = {b + m.mean_y, std::sqrt(m.var_y / g)};
  const double rho = r.trace_of_square.value, tau = r.trace.value;
  r.frobenius = {std::sqrt(std::max(rho, 0.0)), r.trace_of_square.standard_error / (2 * std::sqrt(rho))};
  const double dx = 2 * tau / rho, dy = -tau * tau / (rho * rho);
  const double var = (dx * dx * m.var_x + 2 * dx * dy * m.cov + dy * dy * m.var_y) / g;
  r.participation_ratio = {tau * tau / rho, std::sqrt(std::max(var, 0.0))};
  return r;
}

// Orthonormal basis of the columns of y (dimension x m) by two passes of SVQB: G = Y^T Y =
// U L U^T, Q = Y U L^{-1/2} over the eigenvalues above 1e-13 of the largest (columns in the
// numerical null space are dropped, so a rank-r A gives r columns). Pass one writes `tmp`, pass
// two `out` (each dimension x m); returns the number of columns kept.
int orthonormalize(const double* y, std::ptrdiff_t dim, int m, double* tmp, double* out) {
  const detail::Kernels& k = detail::kernels();
  const double* src = y;
  for (int pass = 0; pass < 2 && m > 0; ++pass) {
    double* dst = pass == 0 ? tmp : out;
    MatrixXd g(m, m);
    k.transpose_multiply(src, dim, m, src, m, g.data());
    Eigen::SelfAdjointEigenSolver<MatrixXd> eig(g);
    const double top = eig.eigenvalues().maxCoeff();
    std::vector<int> keep;
    for (int j = 0; j < m; ++j)
      if (eig.eigenvalues()(j) > 1e-13 * top && eig.eigenvalues()(j) > 0) keep.push_back(j);
    MatrixXd transform(m, static_cast<int>(keep.size()));
    for (std::size_t c = 0; c < keep.size(); ++c)
      transform.col(c) = eig.eigenvectors().col(keep[c]) / std::sqrt(eig.eigenvalues()(keep[c]));
    if (!keep.empty()) k.multiply(src, dim, m, transform.data(), static_cast<int>(keep.size()), dst);
    m = static_cast<int>(keep.size());
    src = dst;
  }
  return m;
}

// Reused per-thread buffers: a fresh 12 MB probe block costs ~30 ms of page faults on the
// (virtual) benchmark machine, measured, a third of the 32 matvecs it is used for; huge-page
// backed (common/large_buffer.hpp), so that even the first call pays one fault per 2 MB. Slots
// are never shared within one estimator call.
double* scratch(int slot, std::size_t size) {
  thread_local LargeBuffer<double> pool[3];
  return pool[slot].get(size);
}

// Rademacher probes from 64-bit draws: bit j of the k-th draw of Rng(seed) gives entry
// 64 k + j, +1 when set and -1 otherwise (branch-free: 2 b - 1). The draws are serial (24,000
// for a 12 MB block, ~0.1 ms) and kept (1/64 of the block), so that a probe column can be
// written again after the block was overwritten.
struct RademacherDraws {
  std::vector<std::uint64_t> bits;
  RademacherDraws(std::size_t count, std::uint64_t seed) : bits((count + 63) / 64) {
    Rng rng(seed);
    for (std::uint64_t& d : bits) d = rng.next();
  }
  // Entries [lo, hi) of the probe block into out[0, hi - lo).
  void write(std::size_t lo, std::size_t hi, double* out) const {
    for (std::size_t e = lo; e < hi; ++e) out[e - lo] = 2.0 * static_cast<double>((bits[e / 64] >> (e % 64)) & 1u) - 1.0;
  }
};

// The expansion is also the first touch of a fresh block (the kernel zeroes its pages there):
// serial, it was 6% of the CPU samples of a cold 40-probe `ntk metrics` (`perf record`), with
// the other core idle (docs/ntk.md "Cold start, fourth round"). It runs in chunks of 2^17 entries fixed by the size alone, so the block holds the
// same bits for any thread count (N63).
void fill_rademacher(const RademacherDraws& draws, double* out, std::size_t count, unsigned threads,
                     std::size_t offset = 0) {  // entries [offset, offset + count) of the draws
  parallel_for(Chunking(count, std::size_t(1) << 17), threads,
               [&](std::size_t lo, std::size_t hi) { draws.write(offset + lo, offset + hi, out + lo); });
}

void require_operator(const SymmetricOperator& a) {
  require(a.dimension >= 1 && static_cast<bool>(a.apply), "operator", a.dimension,
          "a dimension >= 1 and an apply function");
}

}  // namespace

std::vector<double> rademacher(std::ptrdiff_t dimension, int m, std::uint64_t seed) {
  std::vector<double> out(static_cast<std::size_t>(dimension) * m);
  fill_rademacher(RademacherDraws(out.size(), seed), out.data(), out.size(), 1);
  return out;
}

int hutchinson_apply_width(std::ptrdiff_t dimension, int m) {
  const double bytes = 8.0 * static_cast<double>(dimension) * m;
  if (bytes <= kHutchinsonApplyBytes) return m;
  const int groups = static_cast<int>(std::ceil(bytes / kHutchinsonApplyBytes));
  return std::min(m, std::max(8, (m + groups - 1) / groups));
}

RankEstimate hutchinson(const SymmetricOperator& a, int probes, std::uint64_t seed, int block) {
  require_operator(a);
  require(probes >= 1, "probes", probes, "probes >= 1");
  require(block >= 1, "block", block, "block >= 1");
  const std::size_t dim = static_cast<std::size_t>(a.dimension);
  std::vector<double> x, y;
  for (int done = 0, part = 0; done < probes; done += block, ++part) {
    const int m = std::min(block, probes - done);
    const RademacherDraws draws(dim * m, sub_seed(seed, part));  // the block's probes (N63 (i))
    const std::size_t first = x.size();
    x.resize(first + m);
    y.resize(first + m);
    // The block goes through the operator `width` columns at a time (N73): fewer columns, less
    // fresh memory for a cold process, the same probes.
    const int width = hutchinson_apply_width(a.dimension, m);
    for (int c0 = 0; c0 < m; c0 += width) {
      const int w = std::min(width, m - c0);
      const std::size_t size = dim * w, offset = dim * c0;
      double* omega = scratch(0, size);
      fill_rademacher(draws, omega, size, a.threads, offset);
      // An operator that may write over its input (N64) gets one block, not two: 6 MB less
      // fresh memory for 16 columns; column j of the probes is then written again from the draws.
      double* image = a.in_place ? omega : scratch(1, size);
      a.apply(omega, image, w);
      // One column per item, each column's two sums the serial ones (column_dot): the same bits
      // for any thread count, and in place or not (N63). In place, the probe column is written
      // again from the draws a piece at a time, into a buffer on the stack: a column-long one
      // (384 KB at the benchmark size) was fresh memory on each worker, ~190 page faults of a
      // cold process (docs/ntk.md "Cold start, fifth round").
      parallel_for(Chunking(static_cast<std::size_t>(w), 1), a.threads, [&](std::size_t lo, std::size_t hi) {
        for (std::size_t j = lo; j < hi; ++j) {
          const double* aw = image + j * dim;
          if (a.in_place) {
            constexpr std::size_t kPiece = 1024;  // a multiple of 8 (ColumnSums)
            double piece[kPiece];
            ColumnSums s;
            for (std::size_t e = 0; e < dim; e += kPiece) {
              const std::size_t len = std::min(kPiece, dim - e);
              draws.write(offset + j * dim + e, offset + j * dim + e + len, piece);
              s.add(piece, aw + e, static_cast<std::ptrdiff_t>(len));
            }
            x[first + c0 + j] = s.total();  // omega^T A omega   (N28)
          } else {
            x[first + c0 + j] = column_dot(omega + j * dim, aw, a.dimension);
          }
          y[first + c0 + j] = column_dot(aw, aw, a.dimension);  // ||A omega||^2
        }
      });
    }
  }
  return finish(0, 0, x, y, probes);
}

RankEstimate hutch_plus_plus(const SymmetricOperator& a, int sketch, int residual, std::uint64_t seed) {
  require_operator(a);
  require(sketch >= 1, "sketch", sketch, "sketch >= 1");
  require(residual >= 0, "residual", residual, "residual >= 0");
  const std::ptrdiff_t dim = a.dimension;
  const detail::Kernels& k = detail::kernels();
  // Three blocks, each reused once dead (first touches of fresh memory are the cold cost,
  // docs/ntk.md "Cold start"): s holds S, then SVQB's first pass, then Q C; ax holds A S, then
  // A X; x holds X = [Q, residual probes].
  const std::size_t probe_block = static_cast<std::size_t>(dim) * std::max(sketch, residual);
  const std::size_t wide = static_cast<std::size_t>(dim) * (sketch + residual);
  double* s = scratch(0, probe_block);
  double* ax = scratch(1, wide);
  double* x = scratch(2, wide);
  double* as = ax;
  fill_rademacher(RademacherDraws(static_cast<std::size_t>(dim) * sketch, sub_seed(seed, 0)), s,
                  static_cast<std::size_t>(dim) * sketch, a.threads);
  a.apply(s, as, sketch);
  const int rank = orthonormalize(as, dim, sketch, s, x);  // Q = orth(A S): X's first columns
  // X = [Q, (I - Q Q^T) Omega]: one block through A (N29).
  if (residual > 0) {
    double* omega = x + static_cast<std::size_t>(dim) * rank;
    fill_rademacher(RademacherDraws(static_cast<std::size_t>(dim) * residual, sub_seed(seed, 1)), omega,
                    static_cast<std::size_t>(dim) * residual, a.threads);
    if (rank > 0) {
      MatrixXd c(rank, residual);
      k.transpose_multiply(x, dim, rank, omega, residual, c.data());
      double* qc = s;  // the sketch probes and SVQB's first pass are no longer needed
      k.multiply(x, dim, rank, c.data(), residual, qc);
      for (std::size_t e = 0; e < static_cast<std::size_t>(dim) * residual; ++e) omega[e] -= qc[e];
    }
  }
  const int m = rank + residual;  // <= sketch + residual: ax holds A X (A S is dead)
  if (m > 0) a.apply(x, ax, m);
  double head = 0, head2 = 0;
  for (int j = 0; j < rank; ++j) {
    head += column_dot(x + j * dim, ax + j * dim, dim);      // tr(Q^T A Q)
    head2 += column_dot(ax + j * dim, ax + j * dim, dim);    // ||A Q||_F^2
  }
  std::vector<double> xs, ys;
  for (int j = rank; j < m; ++j) {
    xs.push_back(column_dot(x + j * dim, ax + j * dim, dim));
    ys.push_back(column_dot(ax + j * dim, ax + j * dim, dim));
  }
  return finish(head, head2, xs, ys, sketch + m);
}

Estimate operator_cosine(const SymmetricOperator& a, const SymmetricOperator& b, int probes,
                         std::uint64_t seed) {
  require_operator(a);
  require_operator(b);
  require(a.dimension == b.dimension, "operator", b.dimension, "the same dimension for A and B");
  require(probes >= 2, "probes", probes, "probes >= 2");
  const std::ptrdiff_t dim = a.dimension;
  const std::size_t size = static_cast<std::size_t>(dim) * probes;
  double* omega = scratch(0, size);
  double* aw = scratch(1, size);
  double* bw = scratch(2, size);
  fill_rademacher(RademacherDraws(size, sub_seed(seed, 2)), omega, size, a.threads);
  a.apply(omega, aw, probes);
  b.apply(omega, bw, probes);
  Eigen::MatrixXd terms(probes, 3);  // <Aw, Bw>, ||Aw||^2, ||Bw||^2: E = <A,B>_F, ||A||^2, ||B||^2
  for (int j = 0; j < probes; ++j) {
    const double* u = aw + j * dim;
    const double* v = bw + j * dim;
    terms(j, 0) = column_dot(u, v, dim);
    terms(j, 1) = column_dot(u, u, dim);
    terms(j, 2) = column_dot(v, v, dim);
  }
  const Eigen::RowVector3d mean = terms.colwise().mean();
  const Eigen::MatrixXd centred = terms.rowwise() - mean;
  const Eigen::Matrix3d cov = centred.transpose() * centred / (probes - 1);
  const double x = mean(0), y = mean(1), z = mean(2), c = x / std::sqrt(y * z);
  const Eigen::Vector3d grad(1 / std::sqrt(y * z), -c / (2 * y), -c / (2 * z));
  return {c, std::sqrt(std::max(0.0, grad.dot(cov * grad) / probes))};
}

Alignment alignment(const SymmetricOperator& a, const std::vector<double>& y, const RankEstimate& r) {
  require_operator(a);
  require(static_cast<std::ptrdiff_t>(y.size()) == a.dimension, "target", static_cast<long>(y.size()),
          "a state vector of length B T n");
  std::vector<double> ay(y.size());
  a.apply(y.data(), ay.data(), 1);
  const double yy = column_dot(y.data(), y.data(), a.dimension);
  require(yy > 0, "target", "zero", "a non-zero target");
  const double yay = column_dot(y.data(), ay.data(), a.dimension);
  Alignment al;
  al.rayleigh = yay / yy;  // (N27)
  const double tr = r.trace.value, fr = r.frobenius.value;
  al.trace_normalised = {al.rayleigh / tr, al.rayleigh / tr * r.trace.standard_error / tr};
  al.kernel = {yay / (fr * yy), yay / (fr * yy) * r.frobenius.standard_error / fr};
  return al;
}

std::vector<double> lanczos_top(const SymmetricOperator& a, int k, int steps, std::uint64_t seed,
                                std::vector<double>* residuals) {
  require_operator(a);
  require(k >= 1, "k", k, "k >= 1");
  require(steps >= k, "steps", steps, "steps >= k");
  const std::ptrdiff_t dim = a.dimension;
  steps = static_cast<int>(std::min<std::ptrdiff_t>(steps, dim));
  const detail::Kernels& kern = detail::kernels();
  std::vector<double> basis(static_cast<std::size_t>(dim) * (steps + 1));
  Rng rng(seed);
  for (std::ptrdiff_t e = 0; e < dim; ++e) basis[e] = rng.normal();
  const double norm0 = std::sqrt(column_dot(basis.data(), basis.data(), dim));
  for (std::ptrdiff_t e = 0; e < dim; ++e) basis[e] /= norm0;
  std::vector<double> alpha, beta;
  std::vector<double> w(dim), coef(steps + 1), proj(dim);
  int done = 0;
  for (int j = 0; j < steps; ++j) {
    const double* v = basis.data() + j * dim;
    a.apply(v, w.data(), 1);
    alpha.push_back(column_dot(v, w.data(), dim));
    for (int pass = 0; pass < 2; ++pass) {  // full reorthogonalisation against v_0..v_j (N32)
      kern.transpose_multiply(basis.data(), dim, j + 1, w.data(), 1, coef.data());
      kern.multiply(basis.data(), dim, j + 1, coef.data(), 1, proj.data());
      for (std::ptrdiff_t e = 0; e < dim; ++e) w[e] -= proj[e];
    }
    done = j + 1;
    const double b = std::sqrt(column_dot(w.data(), w.data(), dim));
    beta.push_back(b);
    double scale = 0;
    for (double x : alpha) scale = std::max(scale, std::fabs(x));
    if (b <= 1e-12 * scale) break;  // invariant subspace: the Ritz values are exact
    double* next = basis.data() + (j + 1) * dim;
    for (std::ptrdiff_t e = 0; e < dim; ++e) next[e] = w[e] / b;
  }
  VectorXd diag = Eigen::Map<VectorXd>(alpha.data(), done);
  VectorXd sub = done > 1 ? VectorXd(Eigen::Map<VectorXd>(beta.data(), done - 1)) : VectorXd(0);
  Eigen::SelfAdjointEigenSolver<MatrixXd> eig;
  eig.computeFromTridiagonal(diag, sub, Eigen::ComputeEigenvectors);
  std::vector<double> top;
  if (residuals) residuals->clear();
  const double last_beta = beta.back();
  for (int j = done - 1; j >= 0 && static_cast<int>(top.size()) < k; --j) {
    top.push_back(eig.eigenvalues()(j));
    if (residuals) residuals->push_back(std::fabs(last_beta * eig.eigenvectors()(done - 1, j)));
  }
  return top;
}

std::vector<double> reduced_operator(const SymmetricOperator& a, int batch, int steps, int hidden,
                                     KeptAxes keep, int block) {
  require_operator(a);
  require(static_cast<std::ptrdiff_t>(batch) * steps * hidden == a.dimension, "shape", a.dimension,
          "B T n = the operator's dimension");
  const std::ptrdiff_t kept = std::ptrdiff_t(keep.batch ? batch : 1) * (keep.time ? steps : 1) *
                              (keep.hidden ? hidden : 1);
  const double reduced = static_cast<double>(a.dimension) / static_cast<double>(kept);
  std::vector<std::ptrdiff_t> key(a.dimension);
  for (std::ptrdiff_t x = 0; x < a.dimension; ++x) {
    const std::ptrdiff_t i = x % hidden, t = (x / hidden) % steps, b = x / (std::ptrdiff_t(hidden) * steps);
    std::ptrdiff_t k = 0;
    if (keep.batch) k = b;
    if (keep.time) k = k * steps + t;
    if (keep.hidden) k = k * hidden + i;
    key[x] = k;
  }
  std::vector<double> out(static_cast<std::size_t>(kept * kept), 0.0);
  for (std::ptrdiff_t j0 = 0; j0 < kept; j0 += block) {
    const int m = static_cast<int>(std::min<std::ptrdiff_t>(block, kept - j0));
    std::vector<double> e(static_cast<std::size_t>(a.dimension) * m, 0.0), image(e.size());
    for (std::ptrdiff_t x = 0; x < a.dimension; ++x)  // broadcast E e_j (N22)
      if (key[x] >= j0 && key[x] < j0 + m) e[(key[x] - j0) * a.dimension + x] = 1;
    a.apply(e.data(), image.data(), m);
    for (int j = 0; j < m; ++j)
      for (std::ptrdiff_t x = 0; x < a.dimension; ++x)
        out[key[x] * kept + j0 + j] += image[j * a.dimension + x];  // E^T
  }
  for (double& v : out) v /= reduced;
  return out;
}

SmallMetrics small_metrics(const std::vector<double>& a, int size) {
  require(size >= 1 && a.size() == static_cast<std::size_t>(size) * size, "A", size,
          "a square matrix of the given size");
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> m(a.data(), size, size);
  const MatrixXd sym = (m + m.transpose()) / 2;
  SmallMetrics r;
  r.trace = sym.trace();
  const double f2 = sym.squaredNorm();
  r.frobenius = std::sqrt(f2);
  r.participation_ratio = r.trace * r.trace / f2;
  r.participation_ratio_aastar = f2 * f2 / (sym * sym).squaredNorm();
  Eigen::SelfAdjointEigenSolver<MatrixXd> eig(sym, Eigen::EigenvaluesOnly);
  for (int j = size - 1; j >= 0; --j) r.eigenvalues.push_back(eig.eigenvalues()(j));
  return r;
}

}  // namespace learndyn::fast::ntk
