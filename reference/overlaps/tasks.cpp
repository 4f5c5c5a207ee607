#include <learndyn/reference/overlaps/tasks.hpp>

#include <learndyn/reference/overlaps/tasks_impl.hpp>

namespace learndyn::reference::overlaps {

#define LEARNDYN_INSTANTIATE(Real)                                                          \
  template void validate<Real>(const Task<Real>&);                                          \
  template Real task_loss<Real>(const Task<Real>&, const Matrix<Real>&);                    \
  template Vector<Real> filter_time_axis<Real>(const Real&, int);                           \
  template Task<Real> filter_task<Real>(const FilterTarget<Real>&, const Real&, int);       \
  template Real filter_loss_closed_form<Real>(const RankOneVisible<Real>&,                  \
                                              const FilterTarget<Real>&, const Real&, int); \
  template Real filter_loss_continuous<Real>(const RankOneVisible<Real>&,                   \
                                             const FilterTarget<Real>&);                    \
  template Real filter_zero_loss_vu<Real>(const FilterTarget<Real>&, const Real&, int);     \
  template FlipFlop<Real> flip_flop_task<Real>(const FlipFlopSettings<Real>&, std::uint64_t);
LEARNDYN_INSTANTIATE(double)
LEARNDYN_INSTANTIATE(real)
LEARNDYN_INSTANTIATE(real_hi)
#undef LEARNDYN_INSTANTIATE

// At float only what the network's training needs: the float32 run of `overlaps audit`
// (proofs/overlaps_experiments.md E22).
template void validate<float>(const Task<float>&);
template float task_loss<float>(const Task<float>&, const Matrix<float>&);

}  // namespace learndyn::reference::overlaps
