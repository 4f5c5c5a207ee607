#include <learndyn/reference/overlaps/network.hpp>

#include <learndyn/reference/overlaps/network_impl.hpp>

namespace learndyn::reference::overlaps {

#define LEARNDYN_INSTANTIATE(Real)                                                               \
  template void validate<Real>(const Model<Real>&);                                              \
  template Real activation<Real>(Activation, const Real&);                                       \
  template Real activation_derivative<Real>(Activation, const Real&);                            \
  template Real activation_third_derivative<Real>(Activation, const Real&);                      \
  template int neuron_count<Real>(const Network<Real>&);                                         \
  template int network_rank<Real>(const Network<Real>&);                                         \
  template Matrix<Real> columns<Real>(const Network<Real>&);                                     \
  template Network<Real> from_columns<Real>(const Matrix<Real>&, int);                           \
  template Network<Real> random_network<Real>(int, int, std::uint64_t);                          \
  template Network<Real> gaussian_network<Real>(int, const Matrix<Real>&, std::uint64_t);        \
  template Matrix<Real> network_outputs<Real>(const Model<Real>&, const Network<Real>&,          \
                                              const Task<Real>&);                                \
  template Matrix<Real> network_states<Real>(const Model<Real>&, const Network<Real>&,           \
                                             const Task<Real>&, int);                            \
  template Real network_loss<Real>(const Model<Real>&, const Network<Real>&, const Task<Real>&); \
  template NetworkGradient<Real> network_gradient<Real>(const Model<Real>&, const Network<Real>&, \
                                                        const Task<Real>&);                      \
  template Network<Real> sgd_step<Real>(const Model<Real>&, const Network<Real>&,                \
                                        const Task<Real>&, const Real&);                         \
  template Matrix<Real> charge<Real>(const Network<Real>&);
LEARNDYN_INSTANTIATE(double)
LEARNDYN_INSTANTIATE(real)
LEARNDYN_INSTANTIATE(real_hi)
#undef LEARNDYN_INSTANTIATE

// At float only the training path: the float32 run of `overlaps audit`
// (proofs/overlaps_experiments.md E22). Every operation rounds to binary32 there (the constants
// are written Real(...), erf and tanh found by argument-dependent lookup or Boost at float).
template float activation<float>(Activation, const float&);
template float activation_derivative<float>(Activation, const float&);
template float network_loss<float>(const Model<float>&, const Network<float>&, const Task<float>&);
template NetworkGradient<float> network_gradient<float>(const Model<float>&, const Network<float>&,
                                                        const Task<float>&);

}  // namespace learndyn::reference::overlaps
