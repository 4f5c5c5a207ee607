// The matrix-free NTK operators of the fast path (proofs/ntk.md N5, N7, N9, N12', N26) on blocks
// of m state vectors: P, P*, K, the core C_V (x) I_n and NTK_S = P K P*. A block is an N x m
// column-major array, column p a state vector with index (b*T + t)*n + i. Many probes go
// through each sweep step as one GEMM (rows = batch x probes) and through the core as two GEMMs
// per site. Work is split into at most kNtkChunks chunks of a size fixed by the batch (the
// sweeps) or the probe count (the core) alone, run by the parallel layer (common/parallel.hpp),
// so results are bit-identical for any thread count (proofs/ntk.md N40, common.md C16).
#pragma once

#include <cstddef>
#include <vector>

#include <learndyn/common/large_buffer.hpp>
#include <learndyn/fast/ntk/model.hpp>

namespace learndyn::fast::ntk {
namespace detail {  // the SIMD kernels (kernels.hpp: internal, not installed)
struct Kernels;
struct CoreSite;
}  // namespace detail

// The chunks of the operators' work: at most this many, so up to this many threads work at once.
inline constexpr int kNtkChunks = 8;

// The split of `count` items (sequences, probes) into the operators' chunks: ceil(count / 8)
// items a chunk, by the count alone (N40).
inline int ntk_chunk(int count) { return (count + kNtkChunks - 1) / kNtkChunks; }

struct NtkOptions {
  unsigned threads = 0;  // workers, 0 = every available core (common/parallel.hpp)
  bool generic_kernels = false;  // force the generic x86-64 kernels (tests of both builds)
};

class Ntk {
 public:
  Ntk(const Model& model, const Inputs& inputs, NtkOptions options = {});

  std::ptrdiff_t dimension() const { return dimension_; }  // N = B T n
  const Linearization& linearization() const { return lin_; }
  const char* kernel_name() const;

  // out = A in for blocks of m vectors; in and out may not overlap. Not safe to call
  // concurrently on one object (the scratch buffers are shared).
  void apply_p(const double* in, double* out, int m) const;
  void apply_p_adjoint(const double* in, double* out, int m) const;
  void apply_k(const double* in, double* out, int m) const;
  void apply_core(const double* in, double* out, int m) const;
  void apply_ntk(const double* in, double* out, int m) const;

 private:
  enum class Sweep { forward, backward };
  void sweep(Sweep which, const double* in, bool in_compact, double* out, bool out_compact, int m) const;
  void core(const std::vector<detail::CoreSite>& sites, const double* in, double* out, int m) const;
  void apply_sites(bool joint, const double* in, double* out, int m) const;

  Linearization lin_;
  std::ptrdiff_t dimension_;
  unsigned threads_;
  const detail::Kernels* kernels_;
  // Kept between calls, uninitialised, huge-page backed (common/large_buffer.hpp): the first
  // block no longer pays 4 KB page faults for them (docs/ntk.md, "Cold start").
  mutable LargeBuffer<double> scratch_a_, scratch_b_;
  mutable LargeBuffer<double> work_[kNtkChunks];  // per chunk: kernel workspaces
  double* work(int chunk, std::ptrdiff_t size) const;
};

}  // namespace learndyn::fast::ntk
