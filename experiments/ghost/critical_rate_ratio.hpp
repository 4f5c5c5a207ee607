// Fig. 6A's ratio of critical learning rates (full rank / rank one) with a bootstrap confidence
// interval over seeds (proofs/ghost_rnn.md R69-R70): from a sweep's runs (rank, lr, seed,
// learned), the rate at which each rank's learned fraction falls through 1/2, interpolated in
// log η between grid rates, and the same for seeds drawn with replacement.
#pragma once

#include <cstdint>

#include <learndyn/experiments/table.hpp>

namespace learndyn::experiments::ghost {

// The rate where the learned fraction of `rank` first falls below 1/2 going up the grid, log-
// linearly interpolated between the last rate with fraction >= 1/2 and the next (R70). NaN when
// no rate has fraction >= 1/2 or none after it falls below 1/2 (the crossing is off the grid).
// `runs` has columns rank, lr, seed, learned (`ghost rnn-sweep`'s runs table); `weights[s]`
// counts seed s (a bootstrap draw; empty: every seed once).
double half_learned_rate(const Table& runs, int rank, const std::vector<double>& weights = {});

struct CriticalRatio {
  double ratio = 0;          // half_learned_rate(full) / half_learned_rate(rank one), every seed once
  double lo = 0, hi = 0;     // the 2.5 % and 97.5 % quantiles over the bootstrap draws with a ratio
  long draws = 0, undefined = 0;  // draws made, and those whose crossing fell off a grid
};

// `draws` bootstrap draws (seeds with replacement, each rank's seeds independently; SplitMix64
// from `seed`: the same inputs give the same interval on every platform).
CriticalRatio critical_ratio(const Table& rank_one_runs, const Table& full_runs, long draws = 2000,
                             std::uint64_t seed = 0);

}  // namespace learndyn::experiments::ghost
