#include <learndyn/experiments/ntk/metrics_memory.hpp>

#include <algorithm>
#include <cmath>

#include <learndyn/common/parallel.hpp>
#include <learndyn/fast/ntk/estimators.hpp>
#include <learndyn/fast/ntk/operators.hpp>

namespace learndyn::experiments::ntk {

WorkVectors work_vectors(const MetricsWork& w, std::ptrdiff_t states) {
  using E = MetricsWork::Estimator;
  double held = 0, widest = 1;
  switch (w.estimator) {
    case E::none:
      break;
    case E::exact:  // the identity, its image, and the eigensolver's two N x N matrices
      held = 4.0 * static_cast<double>(states);
      widest = static_cast<double>(states);
      break;
    case E::hutchinson: {  // fast::ntk::hutchinson's default block of 32, applied in groups (N73)
      const int width = fast::ntk::hutchinson_apply_width(states, std::min(w.probes, 32));
      held = (w.in_place ? 1.0 : 2.0) * width;
      widest = width;
      break;
    }
    case E::hutch_plus_plus:
      held = std::max(w.sketch, w.residual) + 2.0 * w.sketch + 2.0 * (w.sketch + w.residual);
      widest = w.sketch + w.residual;
      break;
  }
  if (w.cosine_probes > 0) {
    held += 3.0 * w.cosine_probes;
    widest = std::max<double>(widest, w.cosine_probes);
  }
  if (w.reduced) {
    held += 2.0 * 64 + 1;
    widest = std::max(widest, 64.0);
  }
  if (w.top_k > 0) held += std::max(2.0 * w.top_k + 20, 3.0 * w.top_k) + 1;
  // The core splits a block of m probes into chunks of ceil(m / 8) (fast::ntk::ntk_chunk), and
  // each worker holds one chunk's workspace (N61).
  const double chunk = std::ceil(widest / fast::ntk::kNtkChunks);
  const unsigned workers = parallel_workers(static_cast<std::size_t>(std::ceil(widest / chunk)), w.threads);
  return {held + 2 * widest, widest, std::min(widest, workers * chunk)};  // + the operator's two scratch blocks
}

std::vector<MemoryTerm> recurrent_metrics_memory(const fast::ntk::Shape& shape, int batch, int steps,
                                                 const MetricsWork& work, const SizeNames& names) {
  const double states = static_cast<double>(batch) * steps * shape.hidden;
  const WorkVectors v = work_vectors(work, static_cast<std::ptrdiff_t>(states));
  const double parameters = static_cast<double>(fast::ntk::parameter_count(shape));
  return {{8 * states * (16 + v.held), names.option_of_states, names.value_of_states},
          {8 * parameters * (2 + 1.6 * v.core_probes), names.option_of_parameters, names.value_of_parameters},
          {40.0 * batch * steps * shape.inputs, names.option_of_states, names.value_of_states}};
}

std::vector<MemoryTerm> attention_metrics_memory(const fast::ntk::AttentionShape& shape, int batch, int steps,
                                                 const MetricsWork& work, const SizeNames& names) {
  const double states = static_cast<double>(batch) * steps * shape.state_size();
  const WorkVectors v = work_vectors(work, static_cast<std::ptrdiff_t>(states));
  const double rows = static_cast<double>(batch) * steps, weights = 16.0 * rows * steps * shape.heads;
  if (!work.float32)
    return {{8 * states * (2 + v.held), names.option_of_states, names.value_of_states},
            {weights, names.option_of_steps, names.value_of_steps}};
  const double copy = 4 * rows * (4.0 * shape.attention + 2.0 * shape.mlp + shape.inputs + 2);
  return {{8 * states * (2 + v.held) + 4 * states * v.widest + copy, names.option_of_states, names.value_of_states},
          {weights * 1.25, names.option_of_steps, names.value_of_steps}};
}

}  // namespace learndyn::experiments::ntk
