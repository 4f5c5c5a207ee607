// Ghost tracking of a rank-one rate RNN (proofs/ghost_rnn.md R30-R33): the fixed points of its
// latent flow and its slowest ghost, the critical point with the smallest positive canonical
// scale eps = f f''/2 (R32). `ghost rnn-train --track-every` follows them through training
// (Figs. 3, 8B).
#pragma once

#include <limits>

#include <learndyn/fast/ghost/rnn.hpp>

namespace learndyn::experiments::ghost {

struct RankOneState {
  long fixed_points = 0;
  double ghost_eps = std::numeric_limits<double>::quiet_NaN();    // NaN: no ghost
  double ghost_kappa = std::numeric_limits<double>::quiet_NaN();
};

// The latent flow of a rank-one `net` searched on 4001 grid points of its box (R30).
RankOneState rank_one_state(const fast::ghost::RnnNet& net);

}  // namespace learndyn::experiments::ghost
