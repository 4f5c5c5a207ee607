#include <learndyn/reference/overlaps/learning.hpp>

#include <learndyn/reference/overlaps/learning_impl.hpp>

namespace learndyn::reference::overlaps {

#define LEARNDYN_INSTANTIATE(Real)                                                                  \
  template Real gain<Real>(Activation, const Real&);                                                \
  template Real gain_derivative<Real>(Activation, const Real&);                                     \
  template Real gaussian_average_by_quadrature<Real>(Activation, int, const Real&);                 \
  template Matrix<Real> overlap_outputs<Real>(const Model<Real>&, const Matrix<Real>&,              \
                                              const Task<Real>&);                                   \
  template Real overlap_loss<Real>(const Model<Real>&, const Matrix<Real>&, const Task<Real>&);     \
  template OverlapGradient<Real> overlap_gradient<Real>(const Model<Real>&, const Matrix<Real>&,    \
                                                        const Task<Real>&);                         \
  template Matrix<Real> gradient_matrix<Real>(const OverlapGradient<Real>&);                        \
  template Vector<Real> unique_gradient<Real>(const Matrix<Real>&, int, OverlapOrdering);           \
  template Matrix<Real> flow_rhs<Real>(const Model<Real>&, const Task<Real>&, const Real&,          \
                                       const Matrix<Real>&);                                        \
  template Matrix<Real> discrete_map_step<Real>(const Model<Real>&, const Task<Real>&, const Real&, \
                                                const Matrix<Real>&);                               \
  template Matrix<Real> direct_rhs<Real>(const Model<Real>&, const Task<Real>&, const Real&,        \
                                         const Matrix<Real>&);                                      \
  template Matrix<Real> augmented_gram<Real>(const Matrix<Real>&, int, OverlapOrdering);            \
  template BlockRates<Real> block_rates<Real>(const Matrix<Real>&, const OverlapGradient<Real>&,    \
                                              const Real&);                                         \
  template Invariants<Real> invariants<Real>(const Matrix<Real>&, int);                             \
  template std::vector<FlowSample<Real>> integrate_flow<Real>(                                      \
      const Model<Real>&, const Task<Real>&, const Matrix<Real>&, const FlowSettings<Real>&,        \
      const std::vector<Real>&);
LEARNDYN_INSTANTIATE(double)
LEARNDYN_INSTANTIATE(real)
LEARNDYN_INSTANTIATE(real_hi)
#undef LEARNDYN_INSTANTIATE

}  // namespace learndyn::reference::overlaps
