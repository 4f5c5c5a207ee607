#include <learndyn/reference/ghost/rnn_network_impl.hpp>

namespace learndyn::reference::ghost {

// The non-template functions (the templates are in rnn_network_impl.hpp).
RnnTaskTimings default_timings(RnnTaskKind kind) {
  switch (kind) {
    case RnnTaskKind::da:
      return {0, 20, 20};
    case RnnTaskKind::dcd:
      return {2, 10, 10};  // 10/50/50 ms at dt = 5 ms (R11)
    case RnnTaskKind::dmts:
      return {6, 16, 10};  // 30/80/50 ms (R12)
  }
  return {};
}
int task_steps(RnnTaskKind kind, const RnnTaskTimings& t) {
  switch (kind) {
    case RnnTaskKind::da:
      return t.delay + t.response;
    case RnnTaskKind::dcd:
      return t.input + t.delay + t.response;
    case RnnTaskKind::dmts:
      return 2 * t.input + t.delay + t.response;
  }
  return 0;
}
LossScale default_loss_scale(RnnTaskKind kind) {
  return kind == RnnTaskKind::da ? LossScale::delay : LossScale::mean;
}
ReadoutTiming default_timing(RnnTaskKind kind) {
  return kind == RnnTaskKind::da ? ReadoutTiming::after_update : ReadoutTiming::before_update;
}

#define LEARNDYN_INSTANTIATE(Real)                                                              \
  template void validate<Real>(const RnnConfig<Real>&);                                         \
  template void validate<Real>(const RnnConfig<Real>&, const RnnParams<Real>&,                  \
                               const RnnBatch<Real>&);                                          \
  template int neuron_count<Real>(const RnnParams<Real>&);                                      \
  template RnnMatrix<Real> recurrent_matrix<Real>(const RnnParams<Real>&);                      \
  template RnnVector<Real> recurrent_drive<Real>(const RnnParams<Real>&, const RnnVector<Real>&); \
  template RnnParams<Real> random_params<Real>(int, int, int, RnnInit, std::uint64_t);          \
  template RnnMatrix<Real> rnn_outputs<Real>(const RnnConfig<Real>&, const RnnParams<Real>&,    \
                                             const RnnBatch<Real>&);                            \
  template RnnMatrix<Real> rnn_states<Real>(const RnnConfig<Real>&, const RnnParams<Real>&,     \
                                            const RnnBatch<Real>&, int);                        \
  template Real rnn_loss<Real>(const RnnConfig<Real>&, const RnnParams<Real>&,                  \
                               const RnnBatch<Real>&);                                          \
  template Real readout_value<Real>(const RnnConfig<Real>&, const RnnParams<Real>&,             \
                                    const RnnVector<Real>&);                                    \
  template RnnMatrix<Real> latent_trajectory<Real>(const RnnConfig<Real>&,                      \
                                                   const RnnParams<Real>&,                      \
                                                   const RnnBatch<Real>&, int);                 \
  template RnnMatrix<Real> states_from_latent<Real>(const RnnConfig<Real>&,                     \
                                                    const RnnParams<Real>&,                     \
                                                    const RnnBatch<Real>&, int,                 \
                                                    const RnnMatrix<Real>&);                    \
  template RnnBatch<Real> make_task<Real>(RnnTaskKind, const RnnTaskTimings&, LossScale);       \
  template void set_constant_initial<Real>(RnnBatch<Real>&, int, const Real&);                  \
  template void set_random_initial<Real>(RnnBatch<Real>&, int, const Real&, std::uint64_t);     \
  template void set_noise<Real>(RnnBatch<Real>&, int, const Real&, std::uint64_t);              \
  template RnnGradient<Real> rnn_gradient<Real>(const RnnConfig<Real>&, const RnnParams<Real>&, \
                                                const RnnBatch<Real>&);                         \
  template RnnParams<Real> sgd_update<Real>(const RnnParams<Real>&, const RnnParams<Real>&,     \
                                            const Real&);                                       \
  template AdamState<Real> adam_start<Real>(const RnnParams<Real>&);                            \
  template void adam_update<Real>(RnnParams<Real>&, const RnnParams<Real>&, AdamState<Real>&,   \
                                  const Real&);                                                 \
  template Real gradient_norm<Real>(const RnnParams<Real>&);                                      \
  template void project_confidence<Real>(RnnParams<Real>&, const Real&);
LEARNDYN_INSTANTIATE(double)
LEARNDYN_INSTANTIATE(real)
// At float only the training path: the float32 run of `ghost rnn-audit` (proofs/ghost_rnn.md R42).
template RnnGradient<float> rnn_gradient<float>(const RnnConfig<float>&, const RnnParams<float>&,
                                                const RnnBatch<float>&);
template RnnParams<float> sgd_update<float>(const RnnParams<float>&, const RnnParams<float>&, const float&);
template AdamState<float> adam_start<float>(const RnnParams<float>&);
template void adam_update<float>(RnnParams<float>&, const RnnParams<float>&, AdamState<float>&, const float&);
template float rnn_loss<float>(const RnnConfig<float>&, const RnnParams<float>&, const RnnBatch<float>&);
template void validate<float>(const RnnConfig<float>&, const RnnParams<float>&, const RnnBatch<float>&);
template float gradient_norm<float>(const RnnParams<float>&);
template void project_confidence<float>(RnnParams<float>&, const float&);
// At 100 digits only what the golden suite certifies with (oracle/ghost_rnn_cases.cpp).
template RnnGradient<real_hi> rnn_gradient<real_hi>(const RnnConfig<real_hi>&, const RnnParams<real_hi>&,
                                                    const RnnBatch<real_hi>&);
template real_hi gradient_norm<real_hi>(const RnnParams<real_hi>&);
#undef LEARNDYN_INSTANTIATE

}  // namespace learndyn::reference::ghost
