// The GEMM-bound kernels of the fast NTK (proofs/ntk.md N17, N12'): the forward sweep P, the
// backward (BPTT) sweep P*, the Kronecker core K, and two helpers for the estimators (Gram
// matrix Y^T Y and Y M). Only raw pointers cross this interface: the kernels are compiled twice
// (kernels_avx2.cpp with -march=x86-64-v3, kernels_generic.cpp without), each TU with Eigen in
// its own namespace, and `kernels()` picks the AVX2+FMA build at run time when the CPU has it
// (proofs/common.md C6: Eigen's GEMM is compile-time dispatched; the ODR forbids mixing its
// instantiations across flags, hence the renamed namespace).
#pragma once

#include <cstddef>

namespace learndyn::fast::ntk::detail {

// Element (t, b, p, i) of a probe block lives at t*t_stride + b*b_stride + p*p_stride + i:
// i (hidden unit) is always contiguous.
struct Layout {
  std::ptrdiff_t t_stride, b_stride, p_stride;
};

// J_{b,t} of (N17) for every (b,t): c, L_j (terms of them), R stored [t][b][i]; W_stack =
// [W_1; ...; W_terms] row-major (terms*n) x n.
struct SweepData {
  int batch, steps, hidden, terms;
  const double* c;
  const double* left;  // terms blocks of T*B*n, block j at left + j*T*B*n
  const double* right;
  const double* w_stack;
};

// A weight site of the core: v rows (t,b) row-major (T*B) x d, gain [t][b][i].
struct CoreSite {
  int d;
  const double* v;
  const double* gain;
};

struct Kernels {
  const char* name;
  // (N5) r = P q on batch rows [b0, b1) for m probes; `work` holds sweep_workspace doubles.
  void (*forward_sweep)(const SweepData&, int b0, int b1, int m, const double* in, Layout in_layout,
                        double* out, Layout out_layout, double* work);
  // (N7) r = P* q.
  void (*backward_sweep)(const SweepData&, int b0, int b1, int m, const double* in,
                         Layout in_layout, double* out, Layout out_layout, double* work);
  // (N12') out = sum_k g_k (.) V_k (V_k^T (g_k (.) in)) on probes [p0, p1); in and out in the
  // compact layout [t][b][p][i] with m probes; `work` holds core_workspace doubles. in == out
  // is allowed: probes [p0, p1) are read in full before any of them is written.
  void (*core)(int rows, int hidden, int m, int p0, int p1, const CoreSite* sites, int site_count,
               const double* in, double* out, double* work);
  // G = Y^T Z (m x k, column-major) for Y (rows x m) and Z (rows x k), column-major.
  void (*transpose_multiply)(const double* y, std::ptrdiff_t rows, int m, const double* z, int k,
                             double* g);
  // Z = Y M (rows x k) for Y (rows x m) and M (m x k), column-major.
  void (*multiply)(const double* y, std::ptrdiff_t rows, int m, const double* mat, int k, double* z);
};

// Workspace sizes (doubles): persistent buffers owned by the caller, so that no call maps
// fresh pages (page faults take a fifth of the time when the kernels allocate their own).
inline std::ptrdiff_t sweep_workspace(std::ptrdiff_t rows, int hidden, int terms) {
  return rows * hidden * (3 + terms);
}
// Rows of (b, t) per tile of the core (N48): 64 rows of 16 probes x 64 hidden units are 512 KB;
// 64 is faster than 16 and 32 on the benchmark GRU (measured: README, NTK "Measured").
inline constexpr int kCoreTile = 64;
// The core's two tiles and every site's z_k = V_k^T (...) (d_k x cols each, total_d = sum d_k).
inline std::ptrdiff_t core_workspace(std::ptrdiff_t cols, int total_d) {
  return (2 * kCoreTile + total_d) * cols;
}

// The kernels for this CPU (AVX2+FMA build when available, else the generic x86-64 build).
const Kernels& kernels();
// Both builds, for the tests (the AVX2 entry is null when the CPU lacks AVX2/FMA).
const Kernels& generic_kernels();
const Kernels* avx2_kernels();

}  // namespace learndyn::fast::ntk::detail
