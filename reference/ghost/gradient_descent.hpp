// Plain gradient descent on the scale eps with the analytical gradient (paper Fig. 2B-D),
// and the numerical critical learning rate by bisection (proofs/ghost.md §5, G27-G28).
#pragma once

#include <cstdint>
#include <vector>

#include <learndyn/common/scalar.hpp>  // learndyn::real, the 50-digit scalar this is instantiated for
#include <learndyn/common/threshold_search.hpp>
#include <learndyn/reference/ghost/delayed_activation.hpp>

namespace learndyn::reference::ghost {

// A GD run eps_{k+1} = eps_k - eta c dL/deps(eps_k) on the analytical loss, c the
// normalisation factor.
template <class Real>
struct GradientDescent {
  DelayTask<Real> task;
  Normalisation normalisation = Normalisation::none;
  Real rate;  // eta > 0
};

template <class Real>
struct Trajectory {
  std::vector<Real> eps;   // eps_0 .. eps_E
  std::vector<Real> loss;  // c L(eps_k), the rescaled analytical loss
  long stuck_epoch = -1;   // first k with eps_k < eps_nr, or -1
};

// Runs `epochs` steps from eps0 and records every iterate.
template <class Real>
Trajectory<Real> run_gradient_descent(const GradientDescent<Real>& gd, const Real& eps0,
                                      long epochs);

// The bytes run_gradient_descent allocates (eps and loss at every epoch, reserved up front),
// for the caller to refuse sizes up front (common/memory_budget.hpp).
template <class Real>
double trajectory_bytes(long epochs) {
  return 2.0 * sizeof(Real) * (static_cast<double>(epochs) + 1);
}

// True when some run from `starts` falls below eps_nr within `epochs` steps.
template <class Real>
bool any_run_gets_stuck(const GradientDescent<Real>& gd, const std::vector<Real>& starts,
                        long epochs);

// The default ensemble of starts (§5): `paper_runs` starts eps0 = 10 eps* + N(0, (eps*/10)^2)
// drawn with `seed`, then eps* (1 + 2^-j) for j = 1..`near_optimum`.
template <class Real>
std::vector<Real> critical_rate_starts(const DelayTask<Real>& task, int paper_runs,
                                       int near_optimum, std::uint64_t seed);

// Brackets the smallest rate at which some run of `starts` gets stuck within `epochs`
// (common/threshold_search.hpp: decade scan down from 1e300, then bisection in log(eta)
// until upper / lower - 1 <= rel_tol). Uses only simulation, never the formula (G16).
template <class Real>
Bracket numerical_critical_rate(const DelayTask<Real>& task, Normalisation normalisation,
                                        const std::vector<Real>& starts, long epochs,
                                        double rel_tol);

}  // namespace learndyn::reference::ghost
