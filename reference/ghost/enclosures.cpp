// The ghost closed forms instantiated on the interval scalar (enclosures.hpp).
#include <learndyn/reference/ghost/enclosures.hpp>

#include <learndyn/reference/ghost/canonical_model_impl.hpp>
#include <learndyn/reference/ghost/delayed_activation_impl.hpp>
#include <learndyn/reference/ghost/rnn_network_impl.hpp>

namespace learndyn::reference::ghost {

template interval escape_time<interval>(const interval&);
template interval state<interval>(const interval&, const interval&);
template interval state_sensitivity<interval>(const interval&, const interval&);
template std::optional<interval> level_crossing_time<interval>(const interval&, const interval&);
template interval threshold_time<interval>(const interval&, const interval&);
template void validate<interval>(const DelayTask<interval>&);
template interval normalisation_factor<interval>(const DelayTask<interval>&, Normalisation);
template interval optimal_scale<interval>(const DelayTask<interval>&);
template interval point_of_no_return<interval>(const DelayTask<interval>&);
template interval analytic_loss<interval>(const interval&, const DelayTask<interval>&);
template interval analytic_gradient<interval>(const interval&, const DelayTask<interval>&);
template interval slope_at_optimum<interval>(const DelayTask<interval>&);
template interval critical_rate<interval>(const DelayTask<interval>&, Normalisation);
template interval critical_rate_exponent<interval>(const DelayTask<interval>&, Normalisation, DelayScaling);

template RnnGradient<interval> rnn_gradient<interval>(const RnnConfig<interval>&, const RnnParams<interval>&,
                                                      const RnnBatch<interval>&);
template interval gradient_norm<interval>(const RnnParams<interval>&);

}  // namespace learndyn::reference::ghost
