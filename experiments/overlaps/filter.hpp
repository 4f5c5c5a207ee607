// `overlaps filter` (Figs 1, 5; rank 2: Fig 12): the full N-dimensional network trained by SGD
// at rate N lr on the filter task, beside its overlap theory integrated from the network's
// initial Gram matrix (O45): the exact map (O16; for nonlinear phi the mean-field theory's
// discrete map), a simultaneous Euler step of the flow (O17: the public code's step, but with
// every overlap updated at once where the code updates them one after another), and the direct baseline
// Gbar = I (O22); optionally the reference's adaptive (double) or extrapolation (50 digits)
// integration of the gradient flow for a short run. By default a second float64 network from the
// same vectors with its units permuted (the audit's control, E22) says whether the theory's gap
// is rounding amplified by chaotic SGD (E25).
//
// Every activation and readout of (O2)-(O3): linear and erf run on the fast path (network and
// theory), tanh on the reference at double (its network's BPTT and its quadrature gain, O10).
// The network starts from random vectors (O44), or from the user's vectors; the theory alone
// can start from a user's Gram matrix (O46), without a network.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include <learndyn/experiments/table.hpp>
#include <learndyn/fast/overlaps/network.hpp>
#include <learndyn/reference/overlaps/network.hpp>

namespace learndyn::experiments::overlaps {

enum class ReferenceCheck { none, double_precision, digits50 };

struct FilterSettings {
  int rank = 1;
  int neurons = 500;        // N
  double dt = 0.05;
  int steps = 400;          // T (t_max = 20)
  double decay = 0.2;       // c*
  double frequency = 0;     // w* (0: the rank-1 target a* exp(-c* t))
  double amplitude = 1;     // a*
  double lr = 5e-3;         // overlap-space rate; the network's SGD runs at N lr
  long epochs = 2000;
  long record_every = 10;
  std::uint64_t seed = 0;   // the network's initial vectors (fo::random_network)
  ReferenceCheck reference = ReferenceCheck::none;
  long reference_epochs = 100;
  unsigned threads = 0;     // the network's workers (0: every available core; results do not depend on it)
  // A second float64 network from the same vectors with its units permuted (the audit's control,
  // E22, permutation seed 1): gap_rounding and the theory gap's verdict (E25). Without a network
  // (sigma0) there is none.
  bool rounding_control = true;
  reference::overlaps::Activation activation = reference::overlaps::Activation::linear;
  reference::overlaps::Readout readout = reference::overlaps::Readout::after_update;
  // The network's initial vectors (N and rank are theirs); none: fast::overlaps::random_network.
  std::optional<fast::overlaps::Network> vectors;
  // The theory alone from this Gram matrix (rank is its R; no network, no vectors).
  std::optional<Eigen::MatrixXd> sigma0;
};

// The paper's values (proofs/overlaps_experiments.md E13): rank 1, Figs 1/5 (c* = 0.2, 2000
// epochs); rank 2, Fig 12 (c* = 0.3, w* = 2, 10,000 epochs). Any other rank: the rank-2 target.
FilterSettings filter_defaults(int rank);

// Throws ArgumentError naming the setting (rank 1..8, N >= 1, 0 < dt <= 1, T >= 1, lr > 0,
// epochs >= 0, record_every >= 1, finite target; with a reference check reference_epochs 0..epochs;
// vectors of N neurons and the rank; a sigma0 of size 2 rank + 2, not with vectors).
void validate(const FilterSettings& settings);

struct FilterResult {
  // One row per recorded epoch: epoch; loss_network, loss_exact_map, loss_euler, loss_direct;
  // gap_exact_map, gap_euler, gap_direct (max over Sigma's entries of |Sigma_network -
  // Sigma_theory|); with a reference check loss_reference and gap_reference (reference flow vs
  // network; NaN after reference_epochs); then the network's overlaps (names below),
  // euler_<name> and direct_<name>. With sigma0 (the theory alone): epoch, loss_exact_map,
  // loss_euler, loss_direct, (loss_reference, and gap_reference against the exact map), then
  // exact_<name>, euler_<name>, direct_<name>. With the rounding control (and a network) a last
  // column gap_rounding = max |Sigma_network - Sigma_control| (E25); every other column is the
  // same, bit for bit, without it.
  Table trajectory;
  std::vector<std::string> overlap_names;  // the public code's order for the activation (O6)
  std::vector<bool> visible;               // (O12)
  Summary summary;
  // With the rounding control: what the exact-map gap is (E25), one of kTheoryGapRounding,
  // kTheoryGapClosure (erf, tanh) or kTheoryGapRoundingLevel (linear); empty without it.
  std::string theory_gap;
  Eigen::MatrixXd sigma0;                  // the theory's start (O45, or the given sigma0)
  fast::overlaps::Network initial, final;  // the network's vectors (empty with sigma0)
};

FilterResult run_filter(const FilterSettings& settings);

// The verdicts of FilterResult::theory_gap (E25).
inline constexpr const char* kTheoryGapRounding =
    "rounding (chaotic SGD: a float64 twin with its units relabelled is as far from the network as the theory is)";
inline constexpr const char* kTheoryGapClosure = "theory (closure / finite N)";
inline constexpr const char* kTheoryGapRoundingLevel = "rounding level";

// The permutation seed of the filter's rounding control: the audit's default (E22, E25).
inline constexpr std::uint64_t kRoundingControlPermutationSeed = 1;

// (E25) The largest exact-map gap that rounding explains without amplification:
// 10 (E + 1)(T + N) u max(1, max |Sigma|) (E1's accumulation, its factor 10).
double rounding_level(const FilterSettings& settings, double max_abs_sigma);

// (E25) The verdict on a gap from the two maxima: rounding when the control's gap is above the
// rounding level and at least a tenth of the theory's; otherwise closure (nonlinear phi) or the
// rounding level (linear phi, whose exact map is exact, O16).
const char* theory_gap_verdict(const FilterSettings& settings, double max_gap_exact_map, double max_gap_rounding,
                               double level);

// The reference network (reference/overlaps/network.hpp, BPTT O23) trained by SGD at rate
// N lr (E13) at scalar Real, from the settings' doubles (start, dt, lr, the task's entries)
// converted once: the tanh network of `overlaps filter` (double) and the float32 and 50-digit
// runs of `overlaps audit` (E22).
template <class Real>
struct ReferenceTraining {
  reference::overlaps::Model<Real> model;
  reference::overlaps::Network<Real> net;
  reference::overlaps::Task<Real> task;
  Real rate;

  ReferenceTraining(const FilterSettings& s, const fast::overlaps::Network& start, const fast::overlaps::Task& t)
      : model{s.rank, Real(s.dt), s.activation, s.readout},
        net{start.z.cast<Real>(), start.m.cast<Real>(), start.U.cast<Real>(), start.V.cast<Real>()},
        task{t.input.cast<Real>(), t.target.cast<Real>(), t.weight.cast<Real>()},
        rate(Real(static_cast<double>(start.z.size())) * Real(s.lr)) {}

  // One epoch: the loss before the update, then the update.
  Real epoch() {
    const reference::overlaps::NetworkGradient<Real> g = reference::overlaps::network_gradient(model, net, task);
    net.z -= rate * g.gradient.z;
    net.m -= rate * g.gradient.m;
    net.U -= rate * g.gradient.U;
    net.V -= rate * g.gradient.V;
    return g.loss;
  }
  Real loss() const { return reference::overlaps::network_loss(model, net, task); }
};

// The N-dimensional network `overlaps filter` trains beside the theory: the fast trainer
// (linear and erf phi) or the reference's BPTT at double (tanh, which the fast path does not
// have). `overlaps audit` trains the same object as its float64 run (E22).
class FilterNetwork {
 public:
  virtual ~FilterNetwork() = default;
  virtual double epoch(double lr) = 0;  // one SGD epoch at N lr; the loss before it
  virtual double loss() = 0;
  virtual Eigen::MatrixXd gram() = 0;
  virtual fast::overlaps::Network network() = 0;
};

// The fast path's model of the settings (rank, dt, the activation's order, readout).
fast::overlaps::Model fast_model(const FilterSettings& settings);

// The network of `settings` (activation, readout, rank, dt, threads) from `start`, training on
// `task`, which must outlive it.
std::unique_ptr<FilterNetwork> make_filter_network(const FilterSettings& settings,
                                                   const fast::overlaps::Network& start,
                                                   const fast::overlaps::Task& task);

// Refuses, before any work, settings whose estimated peak memory exceeds the budget
// (common/memory_budget.hpp), naming the size option of the largest term: N (the network's
// 2R+2 vectors and the trainer's copies, ~18 (2R+2) bytes a neuron, twice with the rounding
// control, which adds its permutation), T (the task and the
// per-step scalars, ~160 + 48 R bytes a step) or epochs (the trajectory table, ~67 bytes a
// cell held and rendered as CSV, ~100 as JSON; `json_table`). Measured peak RSS.
void require_filter_memory(const FilterSettings& settings, bool json_table);

}  // namespace learndyn::experiments::overlaps
