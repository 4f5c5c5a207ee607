#include <learndyn/oracle/ghost_quantities.hpp>

#include <type_traits>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/oracle/enclose.hpp>
#include <learndyn/reference/ghost/finite_confidence.hpp>
#include <learndyn/reference/ghost/gradient_descent.hpp>
#ifdef LEARNDYN_HAS_ENCLOSURES
#include <learndyn/reference/ghost/finite_confidence_enclosure.hpp>
#include <learndyn/reference/ghost/gradient_descent_enclosure.hpp>
#endif

namespace learndyn::oracle {
namespace rg = learndyn::reference::ghost;

namespace {

// A decimal literal, or "p/q" with p and q decimal literals (q != 0): the quotient of an
// exact rational is rounded once at each precision, as a decimal literal is, so a Python
// Fraction such as 1/3 is taken as the rational it is (certified digits stay honest).
template <class Real>
Real parse_number(const std::string& text, const std::string& parameter) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) return parse_exact<Real>(text, parameter);
  const Real numerator = parse_exact<Real>(text.substr(0, slash), parameter);
  const Real denominator = parse_exact<Real>(text.substr(slash + 1), parameter);
  require(denominator != 0, parameter, "'" + text + "'", "a decimal number or a quotient p/q with q != 0");
  return numerator / denominator;
}

template <class Real>
rg::DelayTask<Real> parse_task(const GhostTaskText& text) {
  rg::DelayTask<Real> task{parse_number<Real>(text.delay, "T"),
                           parse_number<Real>(text.response, "Tr")};
  rg::validate(task);
  return task;
}

template <class Real>
rg::Readout<Real> parse_readout(const ReadoutText& text) {
  rg::Readout<Real> readout{parse_number<Real>(text.beta, "beta"),
                            parse_number<Real>(text.x_th, "xth")};
  rg::validate(readout);
  return readout;
}

}  // namespace

rg::Normalisation parse_normalisation(const std::string& text) {
  if (text == "none") return rg::Normalisation::none;
  if (text == "T") return rg::Normalisation::delay;
  if (text == "total") return rg::Normalisation::total;
  throw ArgumentError("normalise", "'" + text + "'", "one of none, T, total");
}

std::string normalisation_name(rg::Normalisation normalisation) {
  switch (normalisation) {
    case rg::Normalisation::none:
      return "none";
    case rg::Normalisation::delay:
      return "T";
    case rg::Normalisation::total:
      return "total";
  }
  return "none";
}

std::vector<NamedValue> critical_rate_quantities(const GhostTaskText& text,
                                                 rg::Normalisation normalisation) {
  const auto compute = [&]<class Real>() {
    const rg::DelayTask<Real> task = parse_task<Real>(text);
    return std::vector<Real>{
        rg::critical_rate(task, normalisation),
        rg::optimal_scale(task),
        rg::point_of_no_return(task),
        rg::slope_at_optimum(task),
        rg::critical_rate_exponent(task, normalisation, rg::DelayScaling::proportional),
        rg::critical_rate_exponent(task, normalisation, rg::DelayScaling::fixed_response)};
  };
  std::vector<NamedValue> values = certify_named({"eta_c", "eps_star", "eps_nr", "slope_at_optimum",
                                                  "exponent_Tr_proportional", "exponent_Tr_fixed"},
                                                 compute);
  enclose_named(values, compute);  // proofs/ghost.md §9
  return values;
}

std::vector<NamedValue> loss_quantities(const GhostTaskText& text, const std::string& eps_text,
                                        const std::optional<ReadoutText>& readout_text) {
  const auto compute = [&]<class Real>() {
    const rg::DelayTask<Real> task = parse_task<Real>(text);
    const Real eps = parse_number<Real>(eps_text, "eps");
    if (!readout_text) return std::vector<Real>{rg::analytic_loss(eps, task), rg::analytic_gradient(eps, task)};
    const rg::LossAndGradient<Real> lg =
        rg::finite_loss_and_gradient(eps, task, parse_readout<Real>(*readout_text));
    return std::vector<Real>{lg.loss, lg.gradient};
  };
  std::vector<NamedValue> values = certify_named({"loss", "grad"}, compute);
  enclose_named(values, [&]<class Real>() {
    const rg::DelayTask<Real> task = parse_task<Real>(text);
    const Real eps = parse_number<Real>(eps_text, "eps");
    // The analytical limit (G11, G14), and the finite-confidence integrals by Arb's certified
    // quadrature (G40-G42): proofs/ghost.md §9.
    if (!readout_text) return std::vector<Real>{rg::analytic_loss(eps, task), rg::analytic_gradient(eps, task)};
#ifdef LEARNDYN_HAS_ENCLOSURES
    const rg::Readout<Real> readout{parse_number<Real>(readout_text->beta, "beta"),
                                    parse_number<Real>(readout_text->x_th, "xth")};
    const rg::LossAndGradient<Real> lg = rg::finite_loss_and_gradient_enclosure(eps, task, readout);
    return std::vector<Real>{lg.loss, lg.gradient};
#else
    return std::vector<Real>{};
#endif
  });
  return values;
}

std::vector<NamedValue> gradient_descent_quantities(const GhostTaskText& text,
                                                    const std::string& eta_text,
                                                    const std::string& eps0_text, long epochs) {
  const auto compute = [&]<class Real>() {
    const rg::GradientDescent<Real> gd{parse_task<Real>(text), rg::Normalisation::none,
                                       parse_exact<Real>(eta_text, "eta")};
#ifdef LEARNDYN_HAS_ENCLOSURES
    if constexpr (std::is_same_v<Real, interval>) {
      // Every step on balls in mean-value form (proofs/ghost.md G43-G44).
      const rg::DescentEnclosure e = rg::gradient_descent_enclosure(gd, parse_exact<Real>(eps0_text, "eps0"), epochs);
      return std::vector<Real>{e.eps, e.loss};
    } else
#endif
    {
      const rg::Trajectory<Real> trajectory =
          rg::run_gradient_descent(gd, parse_exact<Real>(eps0_text, "eps0"), epochs);
      return std::vector<Real>{trajectory.eps.back(), trajectory.loss.back()};
    }
  };
  std::vector<NamedValue> values = certify_named({"eps_final", "loss_final"}, compute);
  enclose_named(values, compute);
  return values;
}

}  // namespace learndyn::oracle
