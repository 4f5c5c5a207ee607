// Highway's dynamic dispatch re-includes this file once per SIMD target.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "fast/overlaps/network_kernels.cpp"
#include <hwy/foreach_target.h>  // must come before highway.h

#include <hwy/highway.h>

#include <learndyn/fast/overlaps/erf-inl.hpp>
#include <learndyn/fast/overlaps/network.hpp>
#include <learndyn/fast/overlaps/network_layout.hpp>

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
#include <learndyn/fast/overlaps/network_kernels.hpp>

namespace learndyn::fast::overlaps {

HWY_EXPORT(LaneCount);
HWY_EXPORT(BlockConstants);
HWY_EXPORT(Moments);
HWY_EXPORT(SumBlocks);
HWY_EXPORT(Gradient);
HWY_EXPORT(LinearGradient);

namespace detail {

std::size_t lane_count() { return HWY_DYNAMIC_DISPATCH(LaneCount)(); }

void block_constants(int rank, const double* block, double* out) {
  HWY_DYNAMIC_DISPATCH(BlockConstants)(rank, block, out);
}

void block_moments(int rank, bool erf, bool before, const BlockRun& run, const double* kappa, double* out,
                   std::size_t out_stride) {
  HWY_DYNAMIC_DISPATCH(Moments)(rank, erf, before, run, kappa, out, out_stride);
}

void sum_blocks(const double* part, std::size_t blocks, std::size_t stride, std::size_t count, double* out) {
  HWY_DYNAMIC_DISPATCH(SumBlocks)(part, blocks, stride, count, out);
}

void gradient_pass(bool erf, bool before, const GradientPassArgs& args, const BlockRun& run, double* out) {
  HWY_DYNAMIC_DISPATCH(Gradient)(erf, before, args, run, out);
}

void linear_gradient_pass(const LinearGradientArgs& args, const BlockRun& run, double* out) {
  HWY_DYNAMIC_DISPATCH(LinearGradient)(args, run, out);
}

}  // namespace detail
}  // namespace learndyn::fast::overlaps
#endif  // HWY_ONCE
