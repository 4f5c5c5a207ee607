// The overlap theory on the interval scalar: rigorous enclosures of the filter task's loss and
// gradient, the exact map (O16) and the erf mean-field loss and gradient (proofs/overlaps.md
// §17, O47-O49; proofs/common.md C17).
//
// The templates below are instantiated for learndyn::interval in enclosures.cpp (library
// learndyn::reference_enclosures). Called with balls that hold the exact inputs, each returns
// balls that hold the exact values; a branch the balls cannot decide throws
// UndecidableComparison.
#pragma once

#include <learndyn/common/interval.hpp>
#include <learndyn/reference/overlaps/learning.hpp>
#include <learndyn/reference/overlaps/network.hpp>
#include <learndyn/reference/overlaps/overlaps.hpp>
#include <learndyn/reference/overlaps/tasks.hpp>

namespace learndyn::reference::overlaps {

extern template void validate<interval>(const Task<interval>&);
extern template void validate<interval>(const Model<interval>&);
extern template interval activation_derivative<interval>(Activation, const interval&);
extern template interval activation_third_derivative<interval>(Activation, const interval&);
extern template interval task_loss<interval>(const Task<interval>&, const Matrix<interval>&);
extern template Vector<interval> filter_time_axis<interval>(const interval&, int);
extern template Task<interval> filter_task<interval>(const FilterTarget<interval>&, const interval&, int);
extern template interval filter_loss_closed_form<interval>(const RankOneVisible<interval>&,
                                                           const FilterTarget<interval>&, const interval&, int);
extern template Vector<interval> flatten<interval>(const Matrix<interval>&, int, OverlapOrdering);
extern template Matrix<interval> unflatten<interval>(const Vector<interval>&, int, OverlapOrdering);
extern template interval gain<interval>(Activation, const interval&);
extern template interval gain_derivative<interval>(Activation, const interval&);
extern template Matrix<interval> overlap_outputs<interval>(const Model<interval>&, const Matrix<interval>&,
                                                           const Task<interval>&);
extern template interval overlap_loss<interval>(const Model<interval>&, const Matrix<interval>&,
                                                const Task<interval>&);
extern template OverlapGradient<interval> overlap_gradient<interval>(const Model<interval>&,
                                                                     const Matrix<interval>&,
                                                                     const Task<interval>&);
extern template Matrix<interval> gradient_matrix<interval>(const OverlapGradient<interval>&);
extern template Vector<interval> unique_gradient<interval>(const Matrix<interval>&, int, OverlapOrdering);
extern template Matrix<interval> discrete_map_step<interval>(const Model<interval>&, const Task<interval>&,
                                                             const interval&, const Matrix<interval>&);

}  // namespace learndyn::reference::overlaps
