// The bookkeeping every accuracy audit shares (`ghost rnn-audit`, proofs/ghost_rnn.md R42-R44;
// `overlaps audit`, proofs/overlaps_experiments.md E22-E24): the seeded permutation of the
// units of the rounding-noise control, relative distances from the 50-digit run, and the
// predictability horizon of a run's distance series.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <learndyn/common/scalar.hpp>

namespace learndyn::experiments {

// A permutation of 0..neurons-1 by Fisher-Yates from SplitMix64 `seed` (common/random.hpp):
// unit i of a permuted network is unit p[i] of the original. The same seed, the same p.
std::vector<int> unit_permutation(int neurons, std::uint64_t seed);

// q with q[p[i]] = i: relabelling by q undoes relabelling by p.
std::vector<int> inverse_permutation(const std::vector<int>& p);

// sqrt(distance2 / norm2) (sqrt(distance2) when norm2 = 0), rounded to double once: the
// relative 2-norm distance of a run from the reference, both squares summed at 50 digits.
double relative_distance(const real& distance2, const real& norm2);

// |loss - reference| / |reference| (absolute when reference = 0), at 50 digits.
double relative_loss_distance(double loss, const real& reference);

// The predictability horizon of one run (R44, E23): the first epoch whose distance from the
// reference exceeds 1e-6 and 1e-2 (-1: none), and the largest distance. distance[e] is the
// distance after e updates, e = 0..epochs (every epoch, not only the recorded rows). A NaN
// distance counts as past both thresholds.
struct Horizons {
  long horizon_1e6 = -1;
  long horizon_1e2 = -1;
  double max_distance = 0;
};
Horizons horizons_of(const std::vector<double>& distance);

// What every audit reports of one run. horizon_*: as Horizons; max_parameter_distance: its
// max_distance; outcome_agrees: the run's outcome is the reference's (each audit says which
// outcome it compares). The reference's own entry has only name, final_loss and learned.
struct AuditOutcome {
  std::string name;  // reference, float32, float64, float64_permuted
  double final_loss = 0;
  bool learned = false;
  long horizon_1e6 = -1, horizon_1e2 = -1;
  double max_parameter_distance = 0;
  bool outcome_agrees = true;

  void set_horizons(const Horizons& h) {
    horizon_1e6 = h.horizon_1e6;
    horizon_1e2 = h.horizon_1e2;
    max_parameter_distance = h.max_distance;
  }
};

}  // namespace learndyn::experiments
