#include <learndyn/reference/ntk/model.hpp>

#include <learndyn/reference/ntk/model_impl.hpp>

namespace learndyn::reference::ntk {

// The non-template functions (the templates are in model_impl.hpp).
int gate_count(const Shape& shape) { return shape.kind == ModelKind::gru ? 3 : 1; }

int parameter_count(const Shape& shape) {
  const int rows = gate_count(shape) * shape.hidden;
  return rows * (shape.inputs + shape.hidden) + (shape.bias ? 2 * rows : 0);
}

#define LEARNDYN_INSTANTIATE(Real)                                                                \
  template void validate<Real>(const Model<Real>&, const Inputs<Real>&);                          \
  template Model<Real> random_model<Real>(const Shape&, const Real&, const Real&, std::uint64_t); \
  template Inputs<Real> random_inputs<Real>(const Shape&, int, int, std::uint64_t);               \
  template Vector<Real> forward<Real>(const Model<Real>&, const Inputs<Real>&);                   \
  template Linearization<Real> linearize<Real>(const Model<Real>&, const Inputs<Real>&);          \
  template Matrix<Real> state_jacobian_forward_mode<Real>(const Model<Real>&, const Inputs<Real>&); \
  template Matrix<Real> one_step_parameter_jacobian<Real>(const Model<Real>&, const Inputs<Real>&); \
  template Matrix<Real> state_jacobian_finite_differences<Real>(const Model<Real>&,               \
                                                                const Inputs<Real>&, const Real&);
LEARNDYN_INSTANTIATE(double)
LEARNDYN_INSTANTIATE(real)
// At 100 digits only what the golden suite certifies with (oracle/ntk_cases.cpp): the
// linearisation of a given model; the forward-mode and difference Jacobians are test ground
// truths at 50 digits and would only add compile time here.
template Linearization<real_hi> linearize<real_hi>(const Model<real_hi>&, const Inputs<real_hi>&);
#undef LEARNDYN_INSTANTIATE

}  // namespace learndyn::reference::ntk
