// A block of m probe vectors of dimension n (column after column) with independent standard
// normal entries, drawn from learndyn::Rng(seed): the NTK tests' probes where +-1 (rademacher)
// would not do, e.g. where the rounding of the probes themselves is one of the roundings a bound
// counts (proofs/ntk.md N54, N70).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <learndyn/common/random.hpp>

namespace learndyn::testing {

inline std::vector<double> normal_block(std::ptrdiff_t n, int m, std::uint64_t seed) {
  learndyn::Rng rng(seed);
  std::vector<double> q(static_cast<std::size_t>(n) * m);
  for (double& v : q) v = rng.normal();
  return q;
}

}  // namespace learndyn::testing
