#include <learndyn/experiments/ghost/critical_rate_ratio.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include <learndyn/common/random.hpp>

namespace learndyn::experiments::ghost {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Quantile q of sorted x (linear between order statistics).
double quantile(const std::vector<double>& x, double q) {
  const double at = q * static_cast<double>(x.size() - 1);
  const std::size_t i = static_cast<std::size_t>(at);
  if (i + 1 >= x.size()) return x.back();
  return x[i] + (at - static_cast<double>(i)) * (x[i + 1] - x[i]);
}

long seeds_of(const Table& runs) {
  double most = -1;
  for (std::size_t r = 0; r < runs.rows.size(); ++r) most = std::max(most, runs.at(r, "seed"));
  return static_cast<long>(most) + 1;
}

std::vector<double> draw(Rng& rng, long seeds) {
  std::vector<double> w(static_cast<std::size_t>(seeds), 0.0);
  for (long k = 0; k < seeds; ++k) w[static_cast<std::size_t>(rng.next() % static_cast<std::uint64_t>(seeds))] += 1;
  return w;
}
}  // namespace

double half_learned_rate(const Table& runs, int rank, const std::vector<double>& weights) {
  std::map<double, std::pair<double, double>> by_rate;  // lr -> (weighted learned, weight)
  for (std::size_t r = 0; r < runs.rows.size(); ++r) {
    if (runs.at(r, "rank") != rank) continue;
    const std::size_t seed = static_cast<std::size_t>(runs.at(r, "seed"));
    const double w = weights.empty() ? 1.0 : seed < weights.size() ? weights[seed] : 0.0;
    auto& cell = by_rate[runs.at(r, "lr")];
    cell.first += w * runs.at(r, "learned");
    cell.second += w;
  }
  double last = kNaN, last_fraction = kNaN;
  for (const auto& [lr, cell] : by_rate) {
    const double fraction = cell.first / cell.second;
    if (fraction >= 0.5) {
      last = lr;
      last_fraction = fraction;
    } else if (!std::isnan(last)) {
      // log-linear between (last, last_fraction) and (lr, fraction): where it is 1/2 (R70)
      const double t = (last_fraction - 0.5) / (last_fraction - fraction);
      return std::exp(std::log(last) + t * (std::log(lr) - std::log(last)));
    }
  }
  return kNaN;
}

CriticalRatio critical_ratio(const Table& rank_one_runs, const Table& full_runs, long draws, std::uint64_t seed) {
  CriticalRatio out;
  out.ratio = half_learned_rate(full_runs, 0) / half_learned_rate(rank_one_runs, 1);
  Rng rng(seed);
  const long one = seeds_of(rank_one_runs), full = seeds_of(full_runs);
  std::vector<double> ratios;
  for (long d = 0; d < draws; ++d) {
    const std::vector<double> w1 = draw(rng, one), w0 = draw(rng, full);
    const double r = half_learned_rate(full_runs, 0, w0) / half_learned_rate(rank_one_runs, 1, w1);
    if (std::isnan(r)) {
      ++out.undefined;
      continue;
    }
    ratios.push_back(r);
  }
  out.draws = draws;
  std::sort(ratios.begin(), ratios.end());
  out.lo = ratios.empty() ? kNaN : quantile(ratios, 0.025);
  out.hi = ratios.empty() ? kNaN : quantile(ratios, 0.975);
  return out;
}

}  // namespace learndyn::experiments::ghost
