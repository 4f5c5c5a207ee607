// Highway's dynamic dispatch re-includes this file once per SIMD target.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "fast/overlaps/network.cpp"
#include <hwy/foreach_target.h>  // must come before highway.h

#include <hwy/highway.h>

#include "fast/overlaps/erf-inl.hpp"
#include "fast/overlaps/network.hpp"

// Outside the per-target namespaces: the packed layout and the kernel arguments, one type
// shared by every dispatched target.
#ifndef LEARNDYN_FAST_OVERLAPS_NETWORK_LAYOUT
#define LEARNDYN_FAST_OVERLAPS_NETWORK_LAYOUT
#include <cstddef>
namespace learndyn::fast::overlaps::detail {

// Neurons are packed in blocks of kBlock; a block holds its 2R+2 streams one after the other,
// in the order m, u_1..u_R, v_1..v_R, z (so one block is one contiguous read). The sums over
// neurons are per block first, then over blocks in block order (OF10).
inline constexpr std::size_t kBlock = 256;

// sqrt(pi)/2: phi(h) = erf(c h), phi'(h) = exp(-(c h)^2) (OF5).
inline constexpr double kErfScale = 0.88622692545275801365;

struct Streams {
  int rank;
  std::size_t m() const { return 0; }
  std::size_t u(int r) const { return (1 + static_cast<std::size_t>(r)) * kBlock; }
  std::size_t v(int r) const { return (1 + static_cast<std::size_t>(rank + r)) * kBlock; }
  std::size_t z() const { return (1 + 2 * static_cast<std::size_t>(rank)) * kBlock; }
  std::size_t count() const { return 2 * static_cast<std::size_t>(rank) + 2; }
  std::size_t block_doubles() const { return count() * kBlock; }
};

// The per-block sums of one time step of one trial (OF7, OF8), in this order:
//   a_r = sum v_r phi(h)            r < R
//   o   = sum z h (after) or sum z phi(h) (before)
//   P_rs = sum u_r phi'(h) v_s      erf only, r, s < R (row-major)
//   q_r = sum u_r phi'(h) z         erf with the readout before the update only
struct MomentLayout {
  int rank;
  bool erf, before;
  std::size_t a(int r) const { return static_cast<std::size_t>(r); }
  std::size_t o() const { return static_cast<std::size_t>(rank); }
  std::size_t p(int r, int s) const { return static_cast<std::size_t>(rank + 1 + r * rank + s); }
  std::size_t q(int r) const { return static_cast<std::size_t>(rank + 1 + rank * rank + r); }
  std::size_t count() const {
    return static_cast<std::size_t>(rank + 1 + (erf ? rank * rank : 0) + (erf && before ? rank : 0));
  }
};

// One record per (trial, step k) for the gradient pass, read backwards in k (OF9):
//   kappa_m, kappa_1..R (step k), dt x_k, dt a_{k,r}/N, beta_{k,r} = dt b_{k+1,r}/N,
//   eps_k = e_k/N, eps_{k-1} = e_{k-1}/N (0 at k = 0).
struct RecordLayout {
  int rank;
  std::size_t kappa(int j) const { return static_cast<std::size_t>(j); }  // j = 0: m
  std::size_t dtx() const { return static_cast<std::size_t>(rank + 1); }
  std::size_t dta(int r) const { return static_cast<std::size_t>(rank + 2 + r); }
  std::size_t beta(int r) const { return static_cast<std::size_t>(2 * rank + 2 + r); }
  std::size_t eps() const { return static_cast<std::size_t>(3 * rank + 2); }
  std::size_t eps_before() const { return static_cast<std::size_t>(3 * rank + 3); }
  std::size_t count() const { return static_cast<std::size_t>(3 * rank + 4); }
};

// The coefficients of the superposed gradient of linear phi (OF9a), row-major, (2R+2) rows of
// R+1: rows m, u_1..u_R over the basis (z, v_1..v_R), then rows z, v_1..v_R over (m, u_1..u_R).
struct LinearGradientArgs {
  int rank;
  const double* coefficients;
  bool update;
  double step;
};

// A run of `count` consecutive blocks (stride doubles apart) per kernel call: one dispatch per
// thread and step, not per block.
struct BlockRun {
  const double* first;
  std::size_t count, stride;
  const double* block(std::size_t j) const { return first + j * stride; }
};

struct GradientPassArgs {
  int rank, batch, steps;
  double one_minus_dt;
  bool update;               // write theta - step g instead of g
  double step;               // N lr
  const double* records;     // batch * steps records
  const double* kappa_end;   // kappa_T of each trial (R+1 each): h_T for the after readout
  const double* eps_last;    // eps_{T-1} of each trial: lambda_T = eps_{T-1} z (after)
};

}  // namespace learndyn::fast::overlaps::detail
#endif

HWY_BEFORE_NAMESPACE();
namespace learndyn::fast::overlaps {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using detail::kBlock;

template <int kR>
constexpr int kSlots = kR > 0 ? kR : kMaxNetworkRank;

std::size_t LaneCount() { return hn::Lanes(hn::ScalableTag<double>()); }

// Sums over one block of the constants U^T V and U^T z (row-major R x R, then R), reduced.
void BlockConstants(int rank, const double* HWY_RESTRICT block, double* HWY_RESTRICT out) {
  const hn::ScalableTag<double> d;
  const detail::Streams at{rank};
  const std::size_t lanes = hn::Lanes(d);
  for (int r = 0; r < rank; ++r) {
    for (int s = 0; s <= rank; ++s) {
      const double* other = s < rank ? block + at.v(s) : block + at.z();
      auto acc = hn::Zero(d);
      for (std::size_t i = 0; i < kBlock; i += lanes)
        acc = hn::MulAdd(hn::Load(d, block + at.u(r) + i), hn::Load(d, other + i), acc);
      const double sum = hn::GetLane(hn::SumOfLanes(d, acc));
      if (s < rank) out[static_cast<std::size_t>(r * rank + s)] = sum;
      else out[static_cast<std::size_t>(rank * rank + r)] = sum;
    }
  }
}

// The moments of one time step over one block (OF7, OF8): h = m kappa_m + U kappa for the
// block's neurons (OF6), phi and phi' of it, and the sums of MomentLayout, left unreduced (one
// vector of lane partials per moment: the lanes are added once, after the blocks, in
// SumBlocks). kSets interleaved accumulator sets hide the FMA latency of the cheap linear
// kernel; their order of addition is fixed.
template <int kR, bool kErf, bool kBefore>
void BlockMoments(int rank, const double* HWY_RESTRICT block, const double* HWY_RESTRICT kappa,
                  double* HWY_RESTRICT out) {
  const hn::ScalableTag<double> d;
  using V = hn::Vec<decltype(d)>;
  constexpr int kS = kSlots<kR>;
  constexpr int kSets = kErf ? 2 : 4;
  const int R = kR > 0 ? kR : rank;
  const detail::Streams at{R};
  const detail::MomentLayout mo{R, kErf, kBefore};
  const std::size_t lanes = hn::Lanes(d);

  V acc_a[kSets][kS], acc_o[kSets], acc_p[kSets][kErf ? kS * kS : 1],
      acc_q[kSets][kErf && kBefore ? kS : 1];
  for (int set = 0; set < kSets; ++set) {
    acc_o[set] = hn::Zero(d);
    for (int r = 0; r < R; ++r) {
      acc_a[set][r] = hn::Zero(d);
      if constexpr (kErf && kBefore) acc_q[set][r] = hn::Zero(d);
      if constexpr (kErf)
        for (int s = 0; s < R; ++s) acc_p[set][r * R + s] = hn::Zero(d);
    }
  }
  V ku[kS];
  const V km = hn::Set(d, kappa[0]);
  for (int r = 0; r < R; ++r) ku[r] = hn::Set(d, kappa[1 + r]);
  const V scale = hn::Set(d, detail::kErfScale);

  for (std::size_t i = 0; i < kBlock; i += kSets * lanes) {
    for (int set = 0; set < kSets; ++set) {
      const std::size_t j = i + static_cast<std::size_t>(set) * lanes;
      V h = hn::Mul(hn::Load(d, block + at.m() + j), km);
      for (int r = 0; r < R; ++r) h = hn::MulAdd(hn::Load(d, block + at.u(r) + j), ku[r], h);
      V phi = h, dphi = h;
      if constexpr (kErf) ErfAndGauss(d, hn::Mul(scale, h), phi, dphi);
      for (int r = 0; r < R; ++r)
        acc_a[set][r] = hn::MulAdd(hn::Load(d, block + at.v(r) + j), phi, acc_a[set][r]);
      const V z = hn::Load(d, block + at.z() + j);
      acc_o[set] = hn::MulAdd(z, kBefore ? phi : h, acc_o[set]);
      if constexpr (kErf) {
        for (int r = 0; r < R; ++r) {
          const V ud = hn::Mul(hn::Load(d, block + at.u(r) + j), dphi);
          for (int s = 0; s < R; ++s)
            acc_p[set][r * R + s] =
                hn::MulAdd(ud, hn::Load(d, block + at.v(s) + j), acc_p[set][r * R + s]);
          if constexpr (kBefore) acc_q[set][r] = hn::MulAdd(ud, z, acc_q[set][r]);
        }
      }
    }
  }
  // Sets added pairwise in a fixed tree: ((0 + 1) + (2 + 3)).
  const auto total = [&](const V* x, std::size_t slot, std::size_t stride) {
    V t = hn::Add(x[0], x[stride]);
    if constexpr (kSets == 4) t = hn::Add(t, hn::Add(x[2 * stride], x[3 * stride]));
    hn::StoreU(t, d, out + slot * lanes);
  };
  total(acc_o, mo.o(), 1);
  for (int r = 0; r < R; ++r) {
    total(&acc_a[0][r], mo.a(r), kS);
    if constexpr (kErf) {
      for (int s = 0; s < R; ++s) total(&acc_p[0][r * R + s], mo.p(r, s), kS * kS);
      if constexpr (kBefore) total(&acc_q[0][r], mo.q(r), kS);
    }
  }
}

// out[q] = the sum over blocks j (in order) of the lane vectors at part[j stride + q lanes],
// then over the lanes (OF10): the same partition for every thread count.
void SumBlocks(const double* HWY_RESTRICT part, std::size_t blocks, std::size_t stride,
               std::size_t count, double* HWY_RESTRICT out) {
  const hn::ScalableTag<double> d;
  const std::size_t lanes = hn::Lanes(d);
  for (std::size_t q = 0; q < count; ++q) {
    auto acc = hn::Zero(d);
    for (std::size_t j = 0; j < blocks; ++j) acc = hn::Add(acc, hn::LoadU(d, part + j * stride + q * lanes));
    out[q] = hn::GetLane(hn::SumOfLanes(d, acc));
  }
}

// The gradient pass over one block (OF9): each neuron replays its adjoint lambda_{k,i}
// backwards through every trial, with h_k, phi, phi' recomputed from the records, and
// accumulates its own gradient in registers. Writes either the gradient g or, when `update`,
// the SGD step theta - step g (in place: out == block is safe, a neuron's gradient reads only
// its own vectors, loaded before any store).
template <int kR, bool kErf, bool kBefore>
void BlockGradient(const detail::GradientPassArgs& args, const double* block, double* out) {
  const hn::ScalableTag<double> d;
  using V = hn::Vec<decltype(d)>;
  constexpr int kS = kSlots<kR>;
  constexpr int kGroup = 2;  // independent neuron vectors in flight
  const int R = kR > 0 ? kR : args.rank;
  const detail::Streams at{R};
  const detail::RecordLayout rl{R};
  const std::size_t lanes = hn::Lanes(d), width = rl.count();
  const V scale = hn::Set(d, detail::kErfScale);
  const V decay = hn::Set(d, args.one_minus_dt);
  const V step = hn::Set(d, args.step);

  for (std::size_t i0 = 0; i0 < kBlock; i0 += kGroup * lanes) {
    V m[kGroup], z[kGroup], u[kGroup][kS], v[kGroup][kS];
    V gm[kGroup], gz[kGroup], gu[kGroup][kS], gv[kGroup][kS];
    for (int g = 0; g < kGroup; ++g) {
      const std::size_t j = i0 + static_cast<std::size_t>(g) * lanes;
      m[g] = hn::Load(d, block + at.m() + j);
      z[g] = hn::Load(d, block + at.z() + j);
      gm[g] = hn::Zero(d);
      gz[g] = hn::Zero(d);
      for (int r = 0; r < R; ++r) {
        u[g][r] = hn::Load(d, block + at.u(r) + j);
        v[g][r] = hn::Load(d, block + at.v(r) + j);
        gu[g][r] = hn::Zero(d);
        gv[g][r] = hn::Zero(d);
      }
    }
    for (int b = 0; b < args.batch; ++b) {
      const double* rec_b = args.records + static_cast<std::size_t>(b) * args.steps * width;
      V lambda[kGroup], h_next[kGroup];
      for (int g = 0; g < kGroup; ++g) {
        if constexpr (kBefore) {
          lambda[g] = hn::Zero(d);  // h_T reaches no output
          h_next[g] = hn::Zero(d);
        } else {
          // lambda_T = eps_{T-1} z; h_T for the last output's z-gradient.
          const double* kt = args.kappa_end + static_cast<std::size_t>(b) * (R + 1);
          lambda[g] = hn::Mul(hn::Set(d, args.eps_last[b]), z[g]);
          h_next[g] = hn::Mul(m[g], hn::Set(d, kt[0]));
          for (int r = 0; r < R; ++r) h_next[g] = hn::MulAdd(u[g][r], hn::Set(d, kt[1 + r]), h_next[g]);
        }
      }
      for (int k = args.steps - 1; k >= 0; --k) {
        const double* rc = rec_b + static_cast<std::size_t>(k) * width;
        const V km = hn::Set(d, rc[rl.kappa(0)]), dtx = hn::Set(d, rc[rl.dtx()]);
        const V eps = hn::Set(d, rc[rl.eps()]), eps_before = hn::Set(d, rc[rl.eps_before()]);
        V ku[kS], dta[kS], beta[kS];
        for (int r = 0; r < R; ++r) {
          ku[r] = hn::Set(d, rc[rl.kappa(1 + r)]);
          dta[r] = hn::Set(d, rc[rl.dta(r)]);
          beta[r] = hn::Set(d, rc[rl.beta(r)]);
        }
        for (int g = 0; g < kGroup; ++g) {
          // lambda holds lambda_{k+1}: dL/dm += dt x_k lambda, dL/du_r += dt a_{k,r}/N lambda.
          gm[g] = hn::MulAdd(dtx, lambda[g], gm[g]);
          for (int r = 0; r < R; ++r) gu[g][r] = hn::MulAdd(dta[r], lambda[g], gu[g][r]);
          V h = hn::Mul(m[g], km);
          for (int r = 0; r < R; ++r) h = hn::MulAdd(u[g][r], ku[r], h);
          V phi = h, dphi = h;
          if constexpr (kErf) ErfAndGauss(d, hn::Mul(scale, h), phi, dphi);
          for (int r = 0; r < R; ++r) gv[g][r] = hn::MulAdd(phi, beta[r], gv[g][r]);
          gz[g] = hn::MulAdd(eps, kBefore ? phi : h_next[g], gz[g]);
          // lambda_k = (1 - dt) lambda_{k+1} + phi'(h_k) (V beta_k [+ eps_k z]) [+ eps_{k-1} z]
          V drive = kBefore ? hn::Mul(eps, z[g]) : hn::Zero(d);
          for (int r = 0; r < R; ++r) drive = hn::MulAdd(v[g][r], beta[r], drive);
          if constexpr (kErf) drive = hn::Mul(dphi, drive);
          if constexpr (!kBefore) drive = hn::MulAdd(eps_before, z[g], drive);
          lambda[g] = hn::MulAdd(decay, lambda[g], drive);
          h_next[g] = h;
        }
      }
    }
    // theta - step g with two roundings (the product, then the difference), as written.
    const auto emit = [&](V param, V grad, std::size_t offset) {
      hn::Store(args.update ? hn::Sub(param, hn::Mul(step, grad)) : grad, d, out + offset);
    };
    for (int g = 0; g < kGroup; ++g) {
      const std::size_t j = i0 + static_cast<std::size_t>(g) * lanes;
      emit(m[g], gm[g], at.m() + j);
      emit(z[g], gz[g], at.z() + j);
      for (int r = 0; r < R; ++r) {
        emit(u[g][r], gu[g][r], at.u(r) + j);
        emit(v[g][r], gv[g][r], at.v(r) + j);
      }
    }
  }
}

// The gradient of linear phi by superposition over one block (OF9a): each neuron's gradient
// is a fixed combination of its own loadings. Writes g or theta - step g like BlockGradient.
template <int kR>
void BlockLinearGradient(const detail::LinearGradientArgs& args, const double* block, double* out) {
  const hn::ScalableTag<double> d;
  using V = hn::Vec<decltype(d)>;
  constexpr int kS = kSlots<kR>;
  const int R = kR > 0 ? kR : args.rank, n = R + 1;
  const detail::Streams at{R};
  const std::size_t lanes = hn::Lanes(d);
  const double* c = args.coefficients;
  const V step = hn::Set(d, args.step);
  // Row `row` of the coefficients applied to the basis (first, rest[0..R)).
  const auto combine = [&](int row, V first, const V* rest) {
    V g = hn::Mul(hn::Set(d, c[row * n]), first);
    for (int s = 0; s < R; ++s) g = hn::MulAdd(hn::Set(d, c[row * n + 1 + s]), rest[s], g);
    return g;
  };
  const auto emit = [&](V param, V grad, std::size_t offset) {
    hn::Store(args.update ? hn::Sub(param, hn::Mul(step, grad)) : grad, d, out + offset);
  };
  for (std::size_t j = 0; j < kBlock; j += lanes) {
    V u[kS], v[kS];
    const V m = hn::Load(d, block + at.m() + j), z = hn::Load(d, block + at.z() + j);
    for (int r = 0; r < R; ++r) {
      u[r] = hn::Load(d, block + at.u(r) + j);
      v[r] = hn::Load(d, block + at.v(r) + j);
    }
    emit(m, combine(0, z, v), at.m() + j);
    for (int r = 0; r < R; ++r) emit(u[r], combine(1 + r, z, v), at.u(r) + j);
    emit(z, combine(n, m, u), at.z() + j);
    for (int r = 0; r < R; ++r) emit(v[r], combine(n + 1 + r, m, u), at.v(r) + j);
  }
}

void LinearGradient(const detail::LinearGradientArgs& args, const detail::BlockRun& run, double* out) {
  for (std::size_t j = 0; j < run.count; ++j) {
    if (args.rank == 1) BlockLinearGradient<1>(args, run.block(j), out + j * run.stride);
    else if (args.rank == 2) BlockLinearGradient<2>(args, run.block(j), out + j * run.stride);
    else BlockLinearGradient<0>(args, run.block(j), out + j * run.stride);
  }
}

// Dispatch on (rank, activation, readout) at run time to the compiled variants: ranks 1 and 2
// unrolled, 3..8 through the run-time-rank variant.
template <int kR, bool kErf, bool kBefore>
void MomentsOfRun(int rank, const detail::BlockRun& run, const double* kappa, double* out,
                  std::size_t out_stride) {
  for (std::size_t j = 0; j < run.count; ++j)
    BlockMoments<kR, kErf, kBefore>(rank, run.block(j), kappa, out + j * out_stride);
}

template <bool kErf, bool kBefore>
void MomentsFor(int rank, const detail::BlockRun& run, const double* kappa, double* out, std::size_t stride) {
  if (rank == 1) return MomentsOfRun<1, kErf, kBefore>(rank, run, kappa, out, stride);
  if (rank == 2) return MomentsOfRun<2, kErf, kBefore>(rank, run, kappa, out, stride);
  return MomentsOfRun<0, kErf, kBefore>(rank, run, kappa, out, stride);
}

// The moments of blocks [first, first + count) for one trial's kappa; block j's unreduced
// moments at out + j out_stride.
void Moments(int rank, bool erf, bool before, const detail::BlockRun& run, const double* kappa,
             double* out, std::size_t out_stride) {
  if (erf) {
    if (before) return MomentsFor<true, true>(rank, run, kappa, out, out_stride);
    return MomentsFor<true, false>(rank, run, kappa, out, out_stride);
  }
  if (before) return MomentsFor<false, true>(rank, run, kappa, out, out_stride);
  return MomentsFor<false, false>(rank, run, kappa, out, out_stride);
}

template <int kR, bool kErf, bool kBefore>
void GradientOfRun(const detail::GradientPassArgs& args, const detail::BlockRun& run, double* out) {
  for (std::size_t j = 0; j < run.count; ++j)
    BlockGradient<kR, kErf, kBefore>(args, run.block(j), out + j * run.stride);
}

template <bool kErf, bool kBefore>
void GradientFor(const detail::GradientPassArgs& args, const detail::BlockRun& run, double* out) {
  if (args.rank == 1) return GradientOfRun<1, kErf, kBefore>(args, run, out);
  if (args.rank == 2) return GradientOfRun<2, kErf, kBefore>(args, run, out);
  return GradientOfRun<0, kErf, kBefore>(args, run, out);
}

// The gradient pass over blocks [first, first + count); block j's output at out + j stride.
void Gradient(bool erf, bool before, const detail::GradientPassArgs& args, const detail::BlockRun& run,
              double* out) {
  if (erf) {
    if (before) return GradientFor<true, true>(args, run, out);
    return GradientFor<true, false>(args, run, out);
  }
  if (before) return GradientFor<false, true>(args, run, out);
  return GradientFor<false, false>(args, run, out);
}

}  // namespace HWY_NAMESPACE
}  // namespace learndyn::fast::overlaps
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include <hwy/aligned_allocator.h>

#include "common/argument_error.hpp"
#include "common/random.hpp"

namespace learndyn::fast::overlaps {

HWY_EXPORT(LaneCount);
HWY_EXPORT(BlockConstants);
HWY_EXPORT(Moments);
HWY_EXPORT(SumBlocks);
HWY_EXPORT(Gradient);
HWY_EXPORT(LinearGradient);

namespace {
using detail::kBlock;

// ---- threads ----

// A barrier that spins (the partner is normally a few hundred ns away), for at most 100 us, then
// sleeps on the generation counter (C++20 atomic wait: a futex), so that on a shared machine
// a thread whose partner was descheduled gives its core away. The spin must outlast a
// wake-up (tens to hundreds of us in a VM): were it shorter, a woken thread would find its
// partner asleep at the next step, and the two would take turns sleeping. Sleepers are counted
// so that the common, all-spinning case makes no system call; the seq_cst order of
// (sleepers++, load generation) against (generation++, load sleepers) guarantees that a
// sleeper is either seen and notified or sees the new generation.
class SpinBarrier {
 public:
  explicit SpinBarrier(unsigned parties) : parties_(parties) {}
  void arrive_and_wait() {
    if (parties_ == 1) return;
    const unsigned generation = generation_.load();
    if (arrived_.fetch_add(1) + 1 == parties_) {
      arrived_.store(0);
      generation_.fetch_add(1);
      if (sleepers_.load() > 0) generation_.notify_all();
      return;
    }
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::microseconds(100);
    for (unsigned spins = 1;; ++spins) {
      if (generation_.load(std::memory_order_acquire) != generation) return;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
      if (spins % 256 == 0 && std::chrono::steady_clock::now() > give_up) break;
    }
    sleepers_.fetch_add(1);
    sleeps_.fetch_add(1, std::memory_order_relaxed);
    while (generation_.load() == generation) generation_.wait(generation);
    sleepers_.fetch_sub(1);
  }

  // How often a thread had to sleep: the partner was descheduled (the machine is shared).
  unsigned sleeps() const { return sleeps_.load(std::memory_order_relaxed); }

 private:
  const unsigned parties_;
  std::atomic<unsigned> sleeps_{0};
  std::atomic<unsigned> arrived_{0};
  std::atomic<unsigned> generation_{0};
  std::atomic<unsigned> sleepers_{0};
};

unsigned thread_count(NetworkOptions options, std::size_t blocks, int neurons) {
  unsigned n = options.threads;
  if (n == 0) n = neurons < 4096 ? 1u : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(n, blocks)));
}

// Runs work(t) for t < n, t = 0 on the calling thread.
template <class Work>
void run_team(unsigned n, Work&& work) {
  std::vector<std::thread> team;
  for (unsigned t = 1; t < n; ++t) team.emplace_back([&work, t] { work(t); });
  work(0u);
  for (auto& th : team) th.join();
}

// Blocks [lo, hi) of thread t of n: contiguous, whole blocks.
std::pair<std::size_t, std::size_t> blocks_of(std::size_t blocks, unsigned t, unsigned n) {
  return {blocks * t / n, blocks * (t + 1) / n};
}

using Buffer = hwy::AlignedFreeUniquePtr<double[]>;

// hwy::AllocateAligned returns null when memory runs out instead of throwing: without this
// check a huge N wrote through the null pointer (a segfault, not an error).
Buffer allocate(std::size_t size) {
  Buffer b = hwy::AllocateAligned<double>(size);
  if (!b) throw std::bad_alloc();
  return b;
}

void grow(Buffer& b, std::size_t& capacity, std::size_t size) {
  if (size <= capacity) return;
  b = allocate(size);
  capacity = size;
}

// Calls f(stream offset, pointer) for the 2R+2 vectors of `net` in the packed order.
template <class Net, class F>
void for_each_stream(Net& net, int rank, F&& f) {
  const detail::Streams at{rank};
  f(at.m(), net.m.data());
  for (int r = 0; r < rank; ++r) f(at.u(r), net.U.col(r).data());
  for (int r = 0; r < rank; ++r) f(at.v(r), net.V.col(r).data());
  f(at.z(), net.z.data());
}

double task_loss(const Task& task, const Eigen::MatrixXd& y) {
  double loss = 0;
  for (Eigen::Index b = 0; b < y.rows(); ++b)
    for (Eigen::Index k = 0; k < y.cols(); ++k) {
      const double r = y(b, k) - task.target(b, k);
      loss += task.weight(b, k) * r * r;
    }
  return loss;
}

}  // namespace

struct NetworkTrainer::Impl {
  Model model;
  int neurons = 0;
  std::size_t blocks = 0, lanes = 0;
  unsigned threads = 1;
  // Automatic threads only: on a shared machine a team whose threads keep sleeping at the
  // per-step barriers is far slower than one thread (every step then costs a reschedule), so
  // such an epoch sends the next kBackoff epochs to one thread; then the team is tried again.
  // The result does not depend on it (OF10).
  bool adaptive = false;
  int single_epochs_left = 0;
  static constexpr int kBackoff = 16;
  bool superpose = false;  // linear phi: gradient by superposition (OF9a)
  std::vector<double> coefficients;  // OF9a: rows m, u_r over (z, v_s); rows z, v_r over (m, u_s)
  Buffer packed;      // the vectors, blocks x streams x kBlock (zero padded)
  Buffer gradient;    // the same layout, for gradient()
  std::size_t gradient_capacity = 0;
  // Workspace, grown to the largest task seen.
  std::vector<double> partial[2], constant_partial, constants;
  std::vector<double> kappa, moments, records, kappa_end, eps_last, eps, bk, bnext, beta;
  Eigen::MatrixXd output;

  detail::Streams streams() const { return {model.rank}; }
  double* block(std::size_t j) { return packed.get() + j * streams().block_doubles(); }
  const double* block(std::size_t j) const { return packed.get() + j * streams().block_doubles(); }
  bool erf() const { return model.activation == Activation::erf; }
  bool after() const { return model.readout == Readout::after_update; }
  detail::MomentLayout layout() const { return {model.rank, erf(), !after()}; }

  Impl(const Model& m, const Network& net, NetworkOptions options) : model(m) {
    validate(model, net);
    neurons = static_cast<int>(net.m.size());
    blocks = (static_cast<std::size_t>(neurons) + kBlock - 1) / kBlock;
    lanes = HWY_DYNAMIC_DISPATCH(LaneCount)();
    threads = thread_count(options, blocks, neurons);
    adaptive = options.threads == 0;
    superpose = model.activation == Activation::linear && !options.replay_linear;
    const std::size_t per_block = streams().block_doubles();
    packed = allocate(blocks * per_block);
    // Zero padding: a padded neuron has h = 0, phi = 0 and adds exact zeros to every sum.
    std::fill(block(blocks - 1), block(blocks - 1) + per_block, 0.0);
    const std::size_t n = static_cast<std::size_t>(neurons);
    for_each_stream(net, model.rank, [&](std::size_t offset, const double* src) {
      for (std::size_t j = 0; j < blocks; ++j) {
        const std::size_t lo = j * kBlock, len = std::min(kBlock, n - lo);
        std::copy(src + lo, src + lo + len, block(j) + offset);
      }
    });
  }

  Network unpack(const double* data) const {
    const Eigen::Index n = neurons;
    Network out{Eigen::VectorXd(n), Eigen::VectorXd(n), Eigen::MatrixXd(n, model.rank),
                Eigen::MatrixXd(n, model.rank)};
    const std::size_t per_block = streams().block_doubles();
    for_each_stream(out, model.rank, [&](std::size_t offset, double* dst) {
      for (std::size_t j = 0; j < blocks; ++j) {
        const std::size_t lo = j * kBlock, len = std::min(kBlock, static_cast<std::size_t>(n) - lo);
        const double* src = data + j * per_block + offset;
        std::copy(src, src + len, dst + lo);
      }
    });
    return out;
  }

  // Sizes the workspace for `task` (grows only).
  void prepare(const Task& task) {
    const int R = model.rank, B = static_cast<int>(task.input.rows());
    const int T = static_cast<int>(task.input.cols());
    const std::size_t width = layout().count(), kw = static_cast<std::size_t>(R + 1);
    const std::size_t n_constants = static_cast<std::size_t>(R * R + R);
    kappa.assign(static_cast<std::size_t>(B) * (T + 1) * kw, 0.0);
    moments.assign(static_cast<std::size_t>(B) * T * width, 0.0);
    output.setZero(B, T);
    constants.assign(n_constants, 0.0);
    for (auto& p : partial) p.resize(blocks * width * lanes * static_cast<std::size_t>(B));
    constant_partial.resize(blocks * n_constants);
  }

  // Thread t's part of the forward pass of every trial (OF6, OF7): T (before) or T+1 (after)
  // sweeps over its blocks, one barrier per sweep. Each thread reduces all block partials
  // itself, in block order, so every thread holds the same kappa without a second barrier;
  // thread 0 records the trajectory.
  void forward_worker(unsigned t, SpinBarrier& barrier, const Task& task) {
    const int R = model.rank, B = static_cast<int>(task.input.rows());
    const int T = static_cast<int>(task.input.cols());
    const double dt = model.dt, inv_n = 1.0 / neurons;
    const bool after_update = after();
    const detail::MomentLayout mo = layout();
    const std::size_t width = mo.count(), kw = static_cast<std::size_t>(R + 1);
    const std::size_t block_width = width * lanes;                         // unreduced lanes
    const std::size_t stride = block_width * static_cast<std::size_t>(B);  // per block
    const std::size_t n_constants = constants.size();
    const int sweeps = after_update ? T + 1 : T;
    const auto [lo, hi] = blocks_of(blocks, t, threads);
    // Constants U^T V, U^T z (linear phi: P_k = U^T V, q = U^T z; erf after: q = U^T z).
    for (std::size_t j = lo; j < hi; ++j)
      HWY_DYNAMIC_DISPATCH(BlockConstants)(R, block(j), constant_partial.data() + j * n_constants);
    std::vector<double> state(static_cast<std::size_t>(B) * kw, 0.0), sums(width);
    barrier.arrive_and_wait();
    if (t == 0)
      for (std::size_t j = 0; j < blocks; ++j)
        for (std::size_t q = 0; q < n_constants; ++q)
          constants[q] += constant_partial[j * n_constants + q];
    for (int k = 0; k < sweeps; ++k) {
      std::vector<double>& part = partial[k & 1];
      const detail::BlockRun run{block(lo), hi - lo, streams().block_doubles()};
      for (int b = 0; b < B; ++b)
        HWY_DYNAMIC_DISPATCH(Moments)(R, erf(), !after_update, run, state.data() + b * kw,
                                      part.data() + lo * stride + b * block_width, stride);
      barrier.arrive_and_wait();
      for (int b = 0; b < B; ++b) {
        double* kb = state.data() + b * kw;
        HWY_DYNAMIC_DISPATCH(SumBlocks)(part.data() + b * block_width, blocks, stride, width,
                                        sums.data());
        if (t == 0) {
          std::copy(kb, kb + kw, kappa.data() + (static_cast<std::size_t>(b) * (T + 1) + k) * kw);
          if (after_update && k >= 1) output(b, k - 1) = sums[mo.o()] * inv_n;  // z.h_k/N
          if (!after_update) output(b, k) = sums[mo.o()] * inv_n;  // y_k = z.phi(h_k)/N
          if (k < T)
            std::copy(sums.begin(), sums.end(),
                      moments.data() + (static_cast<std::size_t>(b) * T + k) * width);
        }
        if (k == T) continue;  // the extra sweep of the after readout: no update
        // Euler step of the latent state (OF6): kappa' = kappa + dt(-kappa + drive).
        kb[0] += dt * (task.input(b, k) - kb[0]);
        for (int r = 0; r < R; ++r) kb[1 + r] += dt * (sums[mo.a(r)] * inv_n - kb[1 + r]);
        if (t == 0 && !after_update && k == T - 1)
          std::copy(kb, kb + kw, kappa.data() + (static_cast<std::size_t>(b) * (T + 1) + T) * kw);
      }
    }
  }

  // The coefficients of OF9a (linear phi) from the records: the superposition lambda_{k,i} =
  // z_i C_k + v_i.B_k with B_T = 0, C_T = eps_{T-1} (after) or 0, B_k = (1-dt) B_{k+1} + beta_k,
  // C_k = (1-dt) C_{k+1} + s_k, s_k = eps_{k-1} (after) or eps_k (before); then the sums of
  // OF9 over steps and trials. Row layout of LinearGradientArgs.
  void superposition_coefficients(const Task& task) {
    const int R = model.rank, n = R + 1, B = static_cast<int>(task.input.rows());
    const int T = static_cast<int>(task.input.cols());
    const double decay = 1 - model.dt;
    const bool after_update = after();
    const detail::RecordLayout rl{R};
    const std::size_t rw = rl.count(), kw = static_cast<std::size_t>(n);
    coefficients.assign(static_cast<std::size_t>(2 * n * n), 0.0);
    double* to_b = coefficients.data();          // rows m, u_r over (z, v_s)
    double* to_a = coefficients.data() + n * n;  // rows z, v_r over (m, u_s)
    std::vector<double> lam(static_cast<std::size_t>(n));  // (C, B_1..B_R) = lambda_{k+1}
    for (int b = 0; b < B; ++b) {
      std::fill(lam.begin(), lam.end(), 0.0);
      if (after_update) lam[0] = eps_last[b];
      const double* kt = kappa_end.data() + static_cast<std::size_t>(b) * kw;
      std::vector<double> kappa_next(kt, kt + kw);  // kappa_{k+1}
      for (int k = T - 1; k >= 0; --k) {
        const double* rec = records.data() + (static_cast<std::size_t>(b) * T + k) * rw;
        for (int s = 0; s < n; ++s) {
          to_b[s] += rec[rl.dtx()] * lam[s];                                   // d/dm
          for (int r = 0; r < R; ++r) to_b[(1 + r) * n + s] += rec[rl.dta(r)] * lam[s];  // d/du_r
        }
        const double* kz = after_update ? kappa_next.data() : rec;  // h_{k+1} or h_k for d/dz
        for (int s = 0; s < n; ++s) {
          to_a[s] += rec[rl.eps()] * kz[s];
          for (int r = 0; r < R; ++r) to_a[(1 + r) * n + s] += rec[rl.beta(r)] * rec[rl.kappa(s)];
        }
        // lambda_k: C_k = (1-dt) C_{k+1} + s_k, B_k = (1-dt) B_{k+1} + beta_k.
        lam[0] = decay * lam[0] + (after_update ? rec[rl.eps_before()] : rec[rl.eps()]);
        for (int r = 0; r < R; ++r) lam[1 + r] = decay * lam[1 + r] + rec[rl.beta(r)];
        for (int s = 0; s < n; ++s) kappa_next[s] = rec[rl.kappa(s)];
      }
    }
  }

  // The records of the gradient pass: the backward recursion of b_k = U^T lambda_k (OF8), with
  // P_k, q_k from the forward moments, then eps, beta, dt x, dt a/N per (trial, step).
  void backward(const Task& task) {
    const int R = model.rank, B = static_cast<int>(task.input.rows());
    const int T = static_cast<int>(task.input.cols());
    const double dt = model.dt, inv_n = 1.0 / neurons;
    const bool after_update = after(), nonlinear = erf();
    const detail::MomentLayout mo = layout();
    const detail::RecordLayout rl{R};
    const std::size_t width = mo.count(), rw = rl.count(), kw = static_cast<std::size_t>(R + 1);
    const double* utv = constants.data();          // U^T V, row-major
    const double* utz = constants.data() + R * R;  // U^T z
    records.assign(static_cast<std::size_t>(B) * T * rw, 0.0);
    kappa_end.assign(static_cast<std::size_t>(B) * kw, 0.0);
    eps_last.assign(static_cast<std::size_t>(B), 0.0);
    eps.resize(static_cast<std::size_t>(T));
    bk.resize(R);
    bnext.resize(R);
    beta.resize(R);
    for (int b = 0; b < B; ++b) {
      for (int k = 0; k < T; ++k)
        eps[k] = 2 * task.weight(b, k) * (output(b, k) - task.target(b, k)) * inv_n;  // e_k/N
      eps_last[b] = eps[T - 1];
      const double* kt = kappa.data() + (static_cast<std::size_t>(b) * (T + 1) + T) * kw;
      std::copy(kt, kt + kw, kappa_end.data() + b * kw);
      // b_T = U^T lambda_T: eps_{T-1} U^T z (after), 0 (before).
      for (int r = 0; r < R; ++r) bnext[r] = after_update ? eps[T - 1] * utz[r] : 0.0;
      for (int k = T - 1; k >= 0; --k) {
        const double* mk = moments.data() + (static_cast<std::size_t>(b) * T + k) * width;
        double* rec = records.data() + (static_cast<std::size_t>(b) * T + k) * rw;
        const double* kk = kappa.data() + (static_cast<std::size_t>(b) * (T + 1) + k) * kw;
        for (std::size_t j = 0; j < kw; ++j) rec[rl.kappa(static_cast<int>(j))] = kk[j];
        rec[rl.dtx()] = dt * task.input(b, k);
        rec[rl.eps()] = eps[k];
        rec[rl.eps_before()] = k > 0 ? eps[k - 1] : 0.0;
        for (int r = 0; r < R; ++r) {
          rec[rl.dta(r)] = dt * mk[mo.a(r)] * inv_n;
          beta[r] = dt * bnext[r] * inv_n;  // beta_k = dt b_{k+1}/N
          rec[rl.beta(r)] = beta[r];
        }
        // b_k = (1 - dt) b_{k+1} + P_k beta_k + U^T(source_k) (OF8).
        for (int r = 0; r < R; ++r) {
          double acc = (1 - dt) * bnext[r];
          for (int s = 0; s < R; ++s) acc += (nonlinear ? mk[mo.p(r, s)] : utv[r * R + s]) * beta[s];
          if (after_update) acc += (k > 0 ? eps[k - 1] : 0.0) * utz[r];
          else acc += eps[k] * (nonlinear ? mk[mo.q(r)] : utz[r]);
          bk[r] = acc;
        }
        std::swap(bk, bnext);
      }
    }
    if (superpose) superposition_coefficients(task);
  }

  // Thread t's part of the gradient pass (no synchronisation: neurons are independent). `out`
  // is the packed vectors themselves (update) or the gradient buffer.
  void gradient_worker(unsigned t, const Task& task, bool update, double lr, double* out) {
    const detail::GradientPassArgs args{model.rank,
                                        static_cast<int>(task.input.rows()),
                                        static_cast<int>(task.input.cols()),
                                        1 - model.dt,
                                        update,
                                        static_cast<double>(neurons) * lr,  // the rate N lr
                                        records.data(),
                                        kappa_end.data(),
                                        eps_last.data()};
    const std::size_t per_block = streams().block_doubles();
    const auto [lo, hi] = blocks_of(blocks, t, threads);
    const detail::BlockRun run{block(lo), hi - lo, per_block};
    if (superpose) {
      const detail::LinearGradientArgs linear{model.rank, coefficients.data(), update, args.step};
      HWY_DYNAMIC_DISPATCH(LinearGradient)(linear, run, out + lo * per_block);
    } else {
      HWY_DYNAMIC_DISPATCH(Gradient)(erf(), !after(), args, run, out + lo * per_block);
    }
  }

  // One team of threads for the whole epoch: forward sweeps, the backward recursion on thread
  // 0, the gradient pass. `out` = nullptr: forward only.
  void run(const Task& task, bool update, double lr, double* out) {
    validate(task);
    prepare(task);
    const unsigned team = threads;
    if (adaptive && single_epochs_left > 0) {
      threads = 1;
      --single_epochs_left;
    }
    SpinBarrier barrier(threads);
    run_team(threads, [&](unsigned t) {
      forward_worker(t, barrier, task);
      if (out == nullptr) return;
      barrier.arrive_and_wait();  // every block partial of the last sweep consumed
      if (t == 0) backward(task);
      barrier.arrive_and_wait();
      gradient_worker(t, task, update, lr, out);
    });
    if (adaptive && threads > 1 && barrier.sleeps() > task.input.cols() / 8)
      single_epochs_left = kBackoff;
    threads = team;
  }
};

NetworkTrainer::NetworkTrainer(const Model& model, const Network& net, NetworkOptions options)
    : impl_(std::make_unique<Impl>(model, net, options)) {}
NetworkTrainer::~NetworkTrainer() = default;
NetworkTrainer::NetworkTrainer(NetworkTrainer&&) noexcept = default;
NetworkTrainer& NetworkTrainer::operator=(NetworkTrainer&&) noexcept = default;

double NetworkTrainer::epoch(const Task& task, double lr) {
  require(lr >= 0 && std::isfinite(lr), "lr", lr, "lr >= 0 (finite)");
  impl_->run(task, true, lr, impl_->packed.get());
  return task_loss(task, impl_->output);
}

Eigen::MatrixXd NetworkTrainer::outputs(const Task& task) {
  impl_->run(task, false, 0.0, nullptr);
  return impl_->output;
}

double NetworkTrainer::loss(const Task& task) { return task_loss(task, outputs(task)); }

double NetworkTrainer::gradient(const Task& task, Network& gradient) {
  Impl& m = *impl_;
  grow(m.gradient, m.gradient_capacity, m.blocks * m.streams().block_doubles());
  m.run(task, false, 0.0, m.gradient.get());
  gradient = m.unpack(m.gradient.get());
  return task_loss(task, m.output);
}

Network NetworkTrainer::network() const { return impl_->unpack(impl_->packed.get()); }

Eigen::MatrixXd NetworkTrainer::gram() const { return overlaps::gram(network()); }

void validate(const Model& model, const Network& net) {
  validate(model);
  require(model.rank <= kMaxNetworkRank, "rank", model.rank,
          "rank <= " + std::to_string(kMaxNetworkRank) + " (fast network)");
  const auto n = net.m.size();
  require(n >= 1, "neurons", n, "N >= 1");
  const auto shape = [](Eigen::Index rows, Eigen::Index cols) {
    return std::to_string(rows) + " x " + std::to_string(cols);
  };
  require(net.z.size() == n, "z", std::to_string(net.z.size()) + " entries",
          std::to_string(n) + " (the length of m)");
  require(net.U.rows() == n && net.U.cols() == model.rank, "U", shape(net.U.rows(), net.U.cols()),
          shape(n, model.rank));
  require(net.V.rows() == n && net.V.cols() == model.rank, "V", shape(net.V.rows(), net.V.cols()),
          shape(n, model.rank));
  require(net.z.allFinite() && net.m.allFinite() && net.U.allFinite() && net.V.allFinite(),
          "network", "a non-finite entry", "finite entries");
}

Network random_network(int neurons, int rank, std::uint64_t seed) {
  require(neurons >= 1, "neurons", neurons, "N >= 1");
  require(rank >= 1, "rank", rank, "rank >= 1");
  Rng rng(seed);
  const auto draw = [&](double* a) {
    double norm2 = 0;
    for (int i = 0; i < neurons; ++i) {
      a[i] = rng.normal();
      norm2 += a[i] * a[i];
    }
    const double scale = std::sqrt(neurons / norm2);  // |a|^2 = N
    for (int i = 0; i < neurons; ++i) a[i] *= scale;
  };
  Network net{Eigen::VectorXd(neurons), Eigen::VectorXd(neurons), Eigen::MatrixXd(neurons, rank),
              Eigen::MatrixXd(neurons, rank)};
  draw(net.z.data());
  for (int r = 0; r < rank; ++r) draw(net.V.col(r).data());
  draw(net.m.data());
  for (int r = 0; r < rank; ++r) draw(net.U.col(r).data());
  return net;
}

Eigen::MatrixXd gram(const Network& net) {
  const int rank = static_cast<int>(net.U.cols());
  const Eigen::Index n = net.m.size();
  std::vector<const double*> c = {net.z.data()};
  for (int r = 0; r < rank; ++r) c.push_back(net.V.col(r).data());
  c.push_back(net.m.data());
  for (int r = 0; r < rank; ++r) c.push_back(net.U.col(r).data());
  const int count = static_cast<int>(c.size());
  Eigen::MatrixXd sigma(count, count);
  for (int a = 0; a < count; ++a)
    for (int b = a; b < count; ++b) {
      // Blocked: per-block sums (kBlock terms) added in block order.
      double total = 0;
      for (Eigen::Index lo = 0; lo < n; lo += static_cast<Eigen::Index>(kBlock)) {
        const Eigen::Index hi = std::min<Eigen::Index>(n, lo + static_cast<Eigen::Index>(kBlock));
        double part = 0;
        for (Eigen::Index i = lo; i < hi; ++i) part += c[a][i] * c[b][i];
        total += part;
      }
      sigma(a, b) = sigma(b, a) = total / static_cast<double>(n);
    }
  return sigma;
}

Eigen::MatrixXd network_outputs(const Model& model, const Network& net, const Task& task,
                                NetworkOptions options) {
  return NetworkTrainer(model, net, options).outputs(task);
}

double network_loss(const Model& model, const Network& net, const Task& task, NetworkOptions options) {
  return NetworkTrainer(model, net, options).loss(task);
}

double network_gradient(const Model& model, const Network& net, const Task& task,
                        Network& gradient, NetworkOptions options) {
  return NetworkTrainer(model, net, options).gradient(task, gradient);
}

double sgd_epoch(const Model& model, const Task& task, double lr, Network& net, NetworkOptions options) {
  NetworkTrainer trainer(model, net, options);
  const double loss = trainer.epoch(task, lr);
  net = trainer.network();
  return loss;
}

double epoch_bytes(const Model& model, int neurons, int steps) {
  const double vectors = 2.0 * model.rank + 2;
  const double padded = std::ceil(neurons / static_cast<double>(kBlock)) * kBlock;
  const double sweeps = model.readout == Readout::after_update ? steps + 1 : steps;
  // Forward sweeps, the constants sweep, the gradient pass's read and in-place write.
  return 8.0 * vectors * padded * (sweeps + 1 + 2);
}

}  // namespace learndyn::fast::overlaps
#endif  // HWY_ONCE
