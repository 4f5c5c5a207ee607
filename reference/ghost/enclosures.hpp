// The ghost closed forms on the interval scalar: rigorous enclosures (proofs/ghost.md §9,
// proofs/common.md C17).
//
// Every template of canonical_model.hpp and delayed_activation.hpp is instantiated for
// learndyn::interval in enclosures.cpp (library learndyn::reference_enclosures, built with
// LEARNDYN_ENCLOSURES, on by default). Called with balls that hold the exact inputs
// (interval::from_decimal), each returns a ball that holds the exact value of the formula; a
// branch of the formula that the balls cannot decide throws UndecidableComparison.
#pragma once

#include <learndyn/common/interval.hpp>
#include <learndyn/reference/ghost/canonical_model.hpp>
#include <learndyn/reference/ghost/delayed_activation.hpp>
#include <learndyn/reference/ghost/rnn_bptt.hpp>

namespace learndyn::reference::ghost {

extern template interval escape_time<interval>(const interval&);
extern template interval state<interval>(const interval&, const interval&);
extern template interval state_sensitivity<interval>(const interval&, const interval&);
extern template std::optional<interval> level_crossing_time<interval>(const interval&, const interval&);
extern template interval threshold_time<interval>(const interval&, const interval&);
extern template void validate<interval>(const DelayTask<interval>&);
extern template interval normalisation_factor<interval>(const DelayTask<interval>&, Normalisation);
extern template interval optimal_scale<interval>(const DelayTask<interval>&);
extern template interval point_of_no_return<interval>(const DelayTask<interval>&);
extern template interval analytic_loss<interval>(const interval&, const DelayTask<interval>&);
extern template interval analytic_gradient<interval>(const interval&, const DelayTask<interval>&);
extern template interval slope_at_optimum<interval>(const DelayTask<interval>&);
extern template interval critical_rate<interval>(const DelayTask<interval>&, Normalisation);
extern template interval critical_rate_exponent<interval>(const DelayTask<interval>&, Normalisation,
                                                          DelayScaling);

// The ghost-RNN loss and its BPTT gradient (proofs/ghost_rnn.md R55).
extern template RnnGradient<interval> rnn_gradient<interval>(const RnnConfig<interval>&, const RnnParams<interval>&,
                                                             const RnnBatch<interval>&);
extern template interval gradient_norm<interval>(const RnnParams<interval>&);

}  // namespace learndyn::reference::ghost
