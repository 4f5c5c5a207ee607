#include <learndyn/experiments/ghost/rank_one_tracking.hpp>

#include <learndyn/oracle/to_reference.hpp>
#include <learndyn/reference/ghost/rnn_dynamics.hpp>

namespace learndyn::experiments::ghost {

RankOneState rank_one_state(const fast::ghost::RnnNet& net) {
  namespace rg = learndyn::reference::ghost;
  const rg::RnnParams<double> p = oracle::to_reference<double>(net);
  RankOneState s;
  s.fixed_points = static_cast<long>(rg::rank_one_fixed_points(p, 0.0, 4001).size());
  for (const auto& c : rg::rank_one_critical_points(p, 0.0, 4001))
    if (c.eps > 0 && !(c.eps >= s.ghost_eps)) {
      s.ghost_eps = c.eps;
      s.ghost_kappa = c.kappa;
    }
  return s;
}

}  // namespace learndyn::experiments::ghost
