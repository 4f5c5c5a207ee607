// `overlaps audit`: an accuracy audit of one overlap-network run on the filter task
// (proofs/overlaps_experiments.md E22-E24). The run `overlaps filter` makes is trained four times
// from the same initial vectors: by the reference network at 50 digits (the truth), by the
// reference instantiated at float (float32), by the filter's own network (float64: the fast
// trainer for linear and erf phi, the reference at double for tanh, bit for bit the filter's
// run) and by that network with its units permuted (float64 with another summation order: the
// rounding-noise control, compared after un-permuting). Per epoch: each run's relative distance
// from the truth (the vectors z, m, U, V in the 2-norm, the loss, and the overlaps Sigma), the
// predictability horizon (the first epoch past 1e-6 and 1e-2) and whether the outcome agrees.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <learndyn/experiments/audit.hpp>
#include <learndyn/experiments/overlaps/filter.hpp>
#include <learndyn/experiments/table.hpp>
#include <learndyn/fast/overlaps/network.hpp>

namespace learndyn::experiments::overlaps {

// The bounds that keep the 50-digit run feasible (E24), on the work (epochs + 1) T N (2R + 2):
// about 40 minutes of one core at the measured cost, linear phi and erf or tanh.
inline constexpr double kAuditMaxWorkLinear = 5e9;
inline constexpr double kAuditMaxWorkNonlinear = 5e8;

// The audit's defaults: the filter's (E13) at N = 50 and 200 epochs, every epoch recorded.
FilterSettings audit_defaults(int rank);

struct AuditSettings {
  FilterSettings run;      // the filter run (vectors or seed; no sigma0, no reference check)
  double learned = 0.05;   // final loss below which a run counts as learned (E23)
  std::uint64_t permutation_seed = 1;  // the units' permutation of the control run
};

// One run's outcome (experiments/audit.hpp: horizons, largest distance, learned; the outcome
// compared is learned) and the final overlaps' distance max_ab |Sigma_ab - Sigma_ab^ref| (E23).
struct AuditRun : AuditOutcome {
  double final_overlap_distance = 0;
};

struct AuditResult {
  // Rows at the filter's recorded epochs (is_recorded: 0..k-1, every k-th, the last): epoch;
  // loss_<run> for the four runs; for float32, float64, float64_permuted parameter_distance_<run>,
  // loss_distance_<run>, overlap_distance_<run>; and parameter_distance_float64_vs_permuted
  // (the rounding-noise floor, E23).
  Table table;
  std::vector<AuditRun> runs;    // reference, float32, float64, float64_permuted
  std::vector<int> permutation;  // unit i of the control is unit permutation[i] of the network
  Horizons noise_floor;          // float64 vs float64_permuted, every epoch
  fast::overlaps::Network initial;
};

// (epochs + 1) T N (2R + 2) and the estimated seconds of the four runs (E24, measured).
double audit_work(const FilterSettings& run);
double audit_seconds(const FilterSettings& run);
double audit_max_work(const FilterSettings& run);  // the bound for the run's activation

// Throws ArgumentError naming the option: sigma0 or a reference check (not audited), the work
// above the bound (epochs, or N when a single epoch exceeds it), learned <= 0, the memory of
// the 50-digit run above the budget (T), and lr when a run's loss diverges.
void validate(const AuditSettings& settings);
AuditResult run_audit(const AuditSettings& settings);

// The vectors with their units relabelled: row i of z, m, U, V is row p[i] of `net` (E22), and back.
fast::overlaps::Network permute_units(const fast::overlaps::Network& net, const std::vector<int>& p);
fast::overlaps::Network unpermute_units(const fast::overlaps::Network& net, const std::vector<int>& p);

}  // namespace learndyn::experiments::overlaps
