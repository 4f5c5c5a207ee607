// The matrix-free NTK operators of the fast path (proofs/ntk.md N5, N7, N9, N12', N26) on blocks
// of m state vectors: P, P*, K, the core C_V (x) I_n and NTK_S = P K P*. A block is an N x m
// column-major array, column p a state vector with index (b*T + t)*n + i. Many probes go
// through each sweep step as one GEMM (rows = batch x probes) and through the core as two GEMMs
// per site. Work is split into at most kNtkChunks chunks of a size fixed by the batch (the
// sweeps) or the probe count (the core) alone, run by the parallel layer (common/parallel.hpp),
// so results are bit-identical for any thread count (proofs/ntk.md N40, common.md C16).
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <learndyn/common/large_buffer.hpp>
#include <learndyn/fast/ntk/model.hpp>

namespace learndyn::fast::ntk {
namespace detail {  // the SIMD kernels (kernels.hpp: internal, not installed)
struct Kernels;
template <class S>
struct BasicCoreSite;
using CoreSite = BasicCoreSite<double>;
}  // namespace detail

// The chunks of the operators' work: at most this many, so up to this many threads work at once.
inline constexpr int kNtkChunks = 8;

// The split of `count` items (sequences, probes) into the operators' chunks: ceil(count / 8)
// items a chunk, by the count alone (N40).
inline int ntk_chunk(int count) { return (count + kNtkChunks - 1) / kNtkChunks; }

// The sweeps' split of `count` sequences into min(count, 8) chunks of near-equal size: chunk c
// is [c count / C, (c + 1) count / C), by the count alone (N40, N62). Equal chunks of
// ntk_chunk(count) left 50 sequences as seven chunks of 7 and one of 1, which two threads
// cannot share evenly (28 against 22 sequences); here they are 6 and 7 (25 against 25).
struct SweepSplit {
  int items, chunks;
  explicit SweepSplit(int count) : items(count), chunks(count < kNtkChunks ? count : kNtkChunks) {}
  int begin(int c) const { return static_cast<int>(static_cast<long long>(c) * items / chunks); }
  int largest() const { return (items + chunks - 1) / chunks; }
};

// The working precision of the operators' arithmetic. float32 keeps a float copy of the
// linearisation and runs the same kernels in float (inputs and outputs stay double: the
// conversions ride on the sweeps' loads and stores); its forward error is bounded by
// proofs/ntk.md N52-N58 (float32_error_bound below).
enum class Precision { float64, float32 };
const char* precision_name(Precision p);
// "float32" or "float64"; ArgumentError naming `parameter` otherwise.
Precision parse_precision(const std::string& name, const std::string& parameter);

struct NtkOptions {
  unsigned threads = 0;  // workers, 0 = every available core (common/parallel.hpp)
  bool generic_kernels = false;  // force the generic x86-64 kernels (tests of both builds)
  Precision precision = Precision::float64;
};

class Ntk {
 public:
  Ntk(const Model& model, const Inputs& inputs, NtkOptions options = {});
  // From a linearisation directly (e.g. the entrywise absolute one of N55).
  explicit Ntk(Linearization lin, NtkOptions options = {});

  std::ptrdiff_t dimension() const { return dimension_; }  // N = B T n
  const Linearization& linearization() const { return lin_; }
  const char* kernel_name() const;
  Precision precision() const { return precision_; }

  // out = A in for blocks of m vectors; in and out may not overlap. Not safe to call
  // concurrently on one object (the scratch buffers are shared).
  void apply_p(const double* in, double* out, int m) const;
  void apply_p_adjoint(const double* in, double* out, int m) const;
  void apply_k(const double* in, double* out, int m) const;
  void apply_core(const double* in, double* out, int m) const;
  // `out` may be `in`: P* reads all of `in` into the compact block before P writes `out` (N64).
  void apply_ntk(const double* in, double* out, int m) const;

 private:
  enum class Sweep { forward, backward };
  void sweep(Sweep which, const double* in, bool in_compact, double* out, bool out_compact, int m) const;
  void core(const std::vector<detail::CoreSite>& sites, const double* in, double* out, int m) const;
  // The kernels' workspace of a sweep / of the core on m probes: elements per chunk and workers (N61).
  std::pair<std::ptrdiff_t, std::size_t> sweep_work(int m) const;
  std::pair<std::ptrdiff_t, std::size_t> core_work(int total_d, int m) const;
  void apply_sites(bool joint, const double* in, double* out, int m) const;
  // The float32 path (N52-N58).
  template <class In, class Out>
  void sweep32(Sweep which, const In* in, bool in_compact, Out* out, bool out_compact, int m) const;
  void core32(bool joint, const float* in, float* out, int m) const;
  void apply_sites32(bool joint, const double* in, double* out, int m) const;
  void make_float_copy();

  Linearization lin_;
  std::vector<int> v_source_;  // per site: the site whose V (equal to its own) it reads
  Precision precision_;
  // The float32 copy of lin_'s factors (empty for float64).
  struct Float32Factors {
    std::vector<float> c, left, right, w_stack;
    std::vector<std::vector<float>> site_v, site_gain;
    std::vector<float> joint_v, joint_gain;
  } f32_;
  std::ptrdiff_t dimension_;
  unsigned threads_;
  const detail::Kernels* kernels_;
  // Kept between calls, uninitialised, huge-page backed (common/large_buffer.hpp): the first
  // block no longer pays 4 KB page faults for them (docs/ntk.md, "Cold start").
  mutable LargeBuffer<double> scratch_a_, scratch_b_;
  // The chunks' kernel workspaces, one slice per chunk in one arena (N61): separate buffers of
  // ~0.7 MB each were below the huge-page size, and their first touch cost ~1,800 4 KB faults
  // per process.
  mutable LargeBuffer<double> work_;
  mutable LargeBuffer<float> scratch32_, scratch32_b_, work32_;
};

// (N55, N57) The componentwise forward-error bound of the float32 NTK_S block against exact
// arithmetic: |fl32(NTK_S q) - NTK_S q| <= gamma_D(u) * M, M = |P| |K| |P*| |q| (the same
// operator on the entrywise absolute values of every factor, applied in double to |q|),
// D = float32_depth(lin), u = 2^-24, gamma_D = D u / (1 - D u). Returns M (dimension x m).
std::vector<double> absolute_ntk_block(const Ntk& ntk, const double* q, int m);
// D of (N54): the most roundings on any path from an input to an output of NTK_S.
long float32_depth(const Linearization& lin);
// gamma_D (N52) for unit roundoff u.
double gamma_of(long depth, double unit_roundoff);
inline constexpr double kFloat32UnitRoundoff = 0x1p-24;
inline constexpr double kFloat64UnitRoundoff = 0x1p-53;

}  // namespace learndyn::fast::ntk
