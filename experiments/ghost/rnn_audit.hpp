// `ghost rnn-audit`: an accuracy audit of one training run (proofs/ghost_rnn.md R42-R44). The
// same run (DA, DCD or DMTS, with or without noise) is trained four times from the same
// parameters and on the same batches: by the 50-digit reference (the truth), by the reference
// instantiated at float (float32), by the fast trainer (float64, the run `ghost rnn-train`
// makes), and by the fast trainer on the network with its units permuted (float64 with another
// summation order: the rounding-noise control, fed the same batches relabelled alike and
// measured after un-permuting). Per epoch: each run's relative distance from the truth (the
// parameters the loss depends on, and the loss); the predictability horizon (the first epoch
// past 1e-6 and 1e-2); whether the outcome agrees.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <learndyn/experiments/audit.hpp>
#include <learndyn/experiments/table.hpp>
#include <learndyn/fast/ghost/rnn.hpp>

namespace learndyn::experiments::ghost {

// The bounds that keep the 50-digit run feasible (R44): N and the work epochs x T x B x N x K
// (B trials a batch, K the rank, N at full rank).
inline constexpr long kAuditMaxNeurons = 256;
inline constexpr double kAuditMaxWork = 5e8;  // about an hour at 50 digits (R44)

struct AuditSettings {
  double learned = 0.05;  // final loss below which a run counts as learned (TrainSettings::learned)
  std::uint64_t permutation_seed = 1;  // the units' permutation of the control run
  long record_every = 1;  // rows: every k-th epoch and the last (the horizon looks at every epoch)
  std::optional<fast::ghost::RnnNet> start = std::nullopt;  // --weights, else the seeded draw
};

// One run's outcome (experiments/audit.hpp), and for DA at rank 1 the latent flow's fixed
// points at the end (R30; else -1). outcome_agrees: learned and fixed points as the reference's.
struct AuditRun : AuditOutcome {
  long fixed_points = -1;
};

struct AuditResult {
  // epoch e (the parameters after e updates, e = 0..epochs), loss_<run> at them, and for
  // float32, float64, float64_permuted: parameter_distance_<run>, loss_distance_<run>.
  Table table;
  std::vector<AuditRun> runs;  // reference, float32, float64, float64_permuted
  std::vector<int> permutation;  // unit i of the control is unit permutation[i] of the network
  fast::ghost::RnnNet initial_net;
};

// epochs x T x B x N x K and the estimated seconds of the 50-digit run (R44), for the announcement and the refusal.
double audit_work(const fast::ghost::RunSpec& spec);
double audit_reference_seconds(const fast::ghost::RunSpec& spec);

// Throws ArgumentError naming the option on settings the audit does not take (N or the work
// above the bounds, learned <= 0) and naming lr when a loss diverges.
AuditResult run_rnn_audit(const fast::ghost::RunSpec& spec, const AuditSettings& settings);

// The permutation of the control (experiments/audit.hpp: Fisher-Yates from SplitMix64 `seed`)
// and the network with its units relabelled: unit i of the result is unit p[i] of `net` (M, Nm,
// b, W rows and columns, W_in, w_out), and back.
using experiments::unit_permutation;
fast::ghost::RnnNet permute_units(const fast::ghost::RnnNet& net, const std::vector<int>& p);
fast::ghost::RnnNet unpermute_units(const fast::ghost::RnnNet& net, const std::vector<int>& p);
// The batch the relabelled network sees: initial states and noise relabelled like the units (R43).
fast::ghost::RnnBatch permute_batch(const fast::ghost::RnnBatch& batch, const std::vector<int>& p);

}  // namespace learndyn::experiments::ghost
