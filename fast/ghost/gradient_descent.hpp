// Fast path: many plain-GD runs on the analytical loss at once (paper Fig. 2B-D), vectorised
// over runs and split across cores, and the numerical critical learning rate (G27, G28).
#pragma once

#include <cstddef>
#include <vector>

#include <learndyn/common/threshold_search.hpp>
#include <learndyn/fast/ghost/analytic.hpp>

namespace learndyn::fast::ghost {

// `runs` independent runs: run j starts at eps0[j] with rate rates[j] on the loss rescaled by
// `scale` (the normalisation factor c of proofs/ghost.md G16: 1, 1/T or 1/(T+T_r)).
struct GradientDescentBatch {
  DelayTask task;
  double scale = 1.0;
  std::vector<double> rates;
  std::vector<double> eps0;
};

struct GradientDescentResult {
  std::vector<double> eps;         // final eps of each run
  std::vector<long> stuck_epoch;   // first epoch below eps_nr, or -1
  // eps and the rescaled analytical loss c L of each run every `record_every` epochs (epoch
  // 0, r, 2r, ..., and the last), run-major: [j * records + k]; empty if record_every == 0.
  std::vector<double> eps_history;
  std::vector<double> loss_history;
  std::size_t records = 0;
};

// Runs every run for `epochs` steps. `threads` = 0 uses every core. Deterministic: the
// result does not depend on the number of threads.
GradientDescentResult run_gradient_descent(const GradientDescentBatch& batch, long epochs,
                                           long record_every, unsigned threads = 0);

// The records run_gradient_descent keeps of each run: epochs 0, r, 2r, ... <= epochs, and the
// last epoch when it is not a multiple of r (r = record_every; none when r = 0).
std::size_t gradient_descent_records(long epochs, long record_every);

// The bytes run_gradient_descent allocates at its peak, for the caller to refuse sizes up
// front (common/memory_budget.hpp): the eps history, the loss history and the gradient
// scratch beside it (24 bytes per run and record), and the padded per-run state.
double gradient_descent_bytes(std::size_t runs, long epochs, long record_every);

// True when some run from `starts` at rate `rate` falls below eps_nr within `epochs`.
bool any_run_gets_stuck(const DelayTask& task, double scale, double rate,
                        const std::vector<double>& starts, long epochs, unsigned threads = 0);

// The numerical critical rate (G28): brackets the smallest rate at which some run of
// `starts` gets stuck within `epochs` (common/threshold_search.hpp). Simulation only; never
// uses the formula (G16).
Bracket numerical_critical_rate(const DelayTask& task, double scale,
                                const std::vector<double>& starts, long epochs, double rel_tol,
                                unsigned threads = 0);

}  // namespace learndyn::fast::ghost
