#include <learndyn/experiments/audit.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <learndyn/common/random.hpp>

namespace learndyn::experiments {

std::vector<int> unit_permutation(int neurons, std::uint64_t seed) {
  std::vector<int> p(static_cast<std::size_t>(neurons));
  for (int i = 0; i < neurons; ++i) p[static_cast<std::size_t>(i)] = i;
  Rng rng(seed);
  for (int i = neurons - 1; i > 0; --i) {  // Fisher-Yates
    const int j = static_cast<int>(rng.next() % static_cast<std::uint64_t>(i + 1));
    std::swap(p[static_cast<std::size_t>(i)], p[static_cast<std::size_t>(j)]);
  }
  return p;
}

std::vector<int> inverse_permutation(const std::vector<int>& p) {
  std::vector<int> inverse(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) inverse[static_cast<std::size_t>(p[i])] = static_cast<int>(i);
  return inverse;
}

double relative_distance(const real& distance2, const real& norm2) {
  using std::sqrt;
  return norm2 > 0 ? static_cast<double>(sqrt(distance2 / norm2)) : static_cast<double>(sqrt(distance2));
}

double relative_loss_distance(double loss, const real& reference) {
  using std::abs;
  const real d = abs(real(loss) - reference);
  return reference != 0 ? static_cast<double>(d / abs(reference)) : static_cast<double>(d);
}

Horizons horizons_of(const std::vector<double>& distance) {
  Horizons h;
  for (std::size_t e = 0; e < distance.size(); ++e) {
    const double d = distance[e];
    const bool nan = std::isnan(d);
    if (nan) h.max_distance = std::numeric_limits<double>::quiet_NaN();
    else if (!std::isnan(h.max_distance)) h.max_distance = std::max(h.max_distance, d);
    if (h.horizon_1e6 < 0 && (nan || d > 1e-6)) h.horizon_1e6 = static_cast<long>(e);
    if (h.horizon_1e2 < 0 && (nan || d > 1e-2)) h.horizon_1e2 = static_cast<long>(e);
  }
  return h;
}

}  // namespace learndyn::experiments
