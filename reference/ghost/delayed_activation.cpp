#include <learndyn/reference/ghost/delayed_activation_impl.hpp>

namespace learndyn::reference::ghost {

int critical_rate_exponent_limit(Normalisation normalisation, DelayScaling scaling) {
  const int raw = scaling == DelayScaling::proportional ? -5 : -6;  // (G19), (G20) as r -> 1
  return normalisation == Normalisation::none ? raw : raw + 1;
}

#define LEARNDYN_INSTANTIATE(Real)                                                          \
  template void validate<Real>(const DelayTask<Real>&);                                     \
  template Real normalisation_factor<Real>(const DelayTask<Real>&, Normalisation);          \
  template Real optimal_scale<Real>(const DelayTask<Real>&);                                \
  template Real point_of_no_return<Real>(const DelayTask<Real>&);                           \
  template Real analytic_loss<Real>(const Real&, const DelayTask<Real>&);                   \
  template Real analytic_gradient<Real>(const Real&, const DelayTask<Real>&);               \
  template Real slope_at_optimum<Real>(const DelayTask<Real>&);                             \
  template Real critical_rate<Real>(const DelayTask<Real>&, Normalisation);                 \
  template Real critical_rate_exponent<Real>(const DelayTask<Real>&, Normalisation,         \
                                             DelayScaling);
LEARNDYN_INSTANTIATE(double)
LEARNDYN_INSTANTIATE(real)
LEARNDYN_INSTANTIATE(real_hi)
#undef LEARNDYN_INSTANTIATE

}  // namespace learndyn::reference::ghost
