#include <learndyn/reference/ghost/canonical_model_impl.hpp>

namespace learndyn::reference::ghost {

#define LEARNDYN_INSTANTIATE(Real)                                                  \
  template Real escape_time<Real>(const Real&);                                     \
  template Real state<Real>(const Real&, const Real&);                              \
  template Real state_sensitivity<Real>(const Real&, const Real&);                  \
  template std::optional<Real> level_crossing_time<Real>(const Real&, const Real&); \
  template Real threshold_time<Real>(const Real&, const Real&);
LEARNDYN_INSTANTIATE(double)
LEARNDYN_INSTANTIATE(real)
LEARNDYN_INSTANTIATE(real_hi)
#undef LEARNDYN_INSTANTIATE

}  // namespace learndyn::reference::ghost
