// Uses both installed libraries through their installed headers.
#include <cmath>
#include <cstdio>

#include <learndyn/fast/ghost/analytic.hpp>
#include <learndyn/reference/ghost/delayed_activation.hpp>

int main() {
  namespace rg = learndyn::reference::ghost;
  const double eta = rg::critical_rate(rg::DelayTask<double>{100, 100}, rg::Normalisation::none);
  double eps = 1e-3, loss = 0, grad = 0;
  learndyn::fast::ghost::analytic_loss_and_gradient({100, 100}, &eps, 1, &loss, &grad);
  const double expected = 3 * std::pow(M_PI, 4) / (32 * std::pow(100.0, 5));  // (G18)
  std::printf("eta_c = %.17g, loss = %.17g\n", eta, loss);
  return std::fabs(eta / expected - 1) < 1e-14 && loss > 0 ? 0 : 1;
}
