#include <learndyn/experiments/ghost/divergence.hpp>

#include <cmath>

#include <learndyn/common/argument_error.hpp>

namespace learndyn::experiments::ghost {

void require_finite_loss(double loss, const std::string& parameter, const std::string& value, double lr, long epoch) {
  if (std::isfinite(loss)) return;
  throw ArgumentError(parameter, value,
                      "learning rates at which the loss stays finite (at lr = " + render_value(lr) +
                          " it was not, by epoch " + std::to_string(epoch) + ")");
}

void require_finite_losses(const fast::ghost::RunResult& r, const std::string& parameter, const std::string& value,
                           double lr) {
  require_finite_loss(r.final_loss, parameter, value, lr, r.epochs.empty() ? 0 : r.epochs.back());
  for (std::size_t k = 0; k < r.loss.size(); ++k) require_finite_loss(r.loss[k], parameter, value, lr, r.epochs[k]);
}

}  // namespace learndyn::experiments::ghost
