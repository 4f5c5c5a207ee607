// The three tasks of the ghost paper (proofs/ghost_rnn.md §3, R9-R12): delayed activation,
// delayed cue discrimination, delayed match to sample, with the paper's timings (in Euler steps,
// dt = 5 ms) as defaults and every timing an option.
//
// Reference implementation: instantiated for double and real in rnn_network.cpp.
#pragma once

#include <cstdint>

#include <learndyn/common/scalar.hpp>  // learndyn::real, the 50-digit scalar this is instantiated for
#include <learndyn/reference/ghost/rnn_model.hpp>

namespace learndyn::reference::ghost {

enum class RnnTaskKind { da, dcd, dmts };

// (R9): loss scale 1/T_delay (DA, public code), 1/(B T) (mean; DCD/DMTS), 1 (none).
enum class LossScale { delay, mean, none };

// Timings in steps. DA: delay T_d = 20, response T_r = 20 (input unused). DCD: input 2, delay
// 10, response 10. DMTS: input 6 (both cues), delay 16, response 10.
struct RnnTaskTimings {
  int input = 0;
  int delay = 20;
  int response = 20;
};

RnnTaskTimings default_timings(RnnTaskKind kind);

// The task's trials without initial states: inputs (n_in = 0 for DA, 1 otherwise), targets and
// the loss scale. Throws ArgumentError on non-positive timings (input may be 0 only for DA).
template <class Real>
RnnBatch<Real> make_task(RnnTaskKind kind, const RnnTaskTimings& timings, LossScale scale);

// Total steps T of a task.
int task_steps(RnnTaskKind kind, const RnnTaskTimings& timings);

// The default loss scale and readout timing of each task (the public code's): DA delay /
// after_update; DCD, DMTS mean / before_update.
LossScale default_loss_scale(RnnTaskKind kind);
ReadoutTiming default_timing(RnnTaskKind kind);

// Initial states (R4): every unit `value` (DA: -0.3), or tanh(sigma z) with z ~ N(0,1) drawn
// from `rng_seed` (DCD/DMTS: sigma = 0.1). Fills batch.initial (N x B).
template <class Real>
void set_constant_initial(RnnBatch<Real>& batch, int neurons, const Real& value);
template <class Real>
void set_random_initial(RnnBatch<Real>& batch, int neurons, const Real& sigma,
                        std::uint64_t rng_seed);

// Fills batch.noise with sigma z, z the normals of NormalStream(rng_seed) (common/normal_stream.hpp,
// C18; trial after trial, each N x T array column by column: R4a); sigma = 0 clears it.
template <class Real>
void set_noise(RnnBatch<Real>& batch, int neurons, const Real& sigma, std::uint64_t rng_seed);

}  // namespace learndyn::reference::ghost
