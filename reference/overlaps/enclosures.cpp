// The overlap theory instantiated on the interval scalar (enclosures.hpp).
#include <learndyn/reference/overlaps/enclosures.hpp>

#include <learndyn/reference/overlaps/learning_impl.hpp>
#include <learndyn/reference/overlaps/network_impl.hpp>
#include <learndyn/reference/overlaps/overlaps_impl.hpp>
#include <learndyn/reference/overlaps/tasks_impl.hpp>

namespace learndyn::reference::overlaps {

template void validate<interval>(const Task<interval>&);
template void validate<interval>(const Model<interval>&);
template interval activation_derivative<interval>(Activation, const interval&);
template interval activation_third_derivative<interval>(Activation, const interval&);
template interval task_loss<interval>(const Task<interval>&, const Matrix<interval>&);
template Vector<interval> filter_time_axis<interval>(const interval&, int);
template Task<interval> filter_task<interval>(const FilterTarget<interval>&, const interval&, int);
template interval filter_loss_closed_form<interval>(const RankOneVisible<interval>&,
                                                           const FilterTarget<interval>&, const interval&, int);
template Vector<interval> flatten<interval>(const Matrix<interval>&, int, OverlapOrdering);
template Matrix<interval> unflatten<interval>(const Vector<interval>&, int, OverlapOrdering);
template interval gain<interval>(Activation, const interval&);
template interval gain_derivative<interval>(Activation, const interval&);
template Matrix<interval> overlap_outputs<interval>(const Model<interval>&, const Matrix<interval>&,
                                                           const Task<interval>&);
template interval overlap_loss<interval>(const Model<interval>&, const Matrix<interval>&,
                                                const Task<interval>&);
template OverlapGradient<interval> overlap_gradient<interval>(const Model<interval>&,
                                                                     const Matrix<interval>&,
                                                                     const Task<interval>&);
template Matrix<interval> gradient_matrix<interval>(const OverlapGradient<interval>&);
template Vector<interval> unique_gradient<interval>(const Matrix<interval>&, int, OverlapOrdering);
template Matrix<interval> discrete_map_step<interval>(const Model<interval>&, const Task<interval>&,
                                                             const interval&, const Matrix<interval>&);

}  // namespace learndyn::reference::overlaps
