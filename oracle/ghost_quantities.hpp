// The ghost model's headline quantities, certified: computed by the reference at the working
// and certifying precisions from decimal inputs parsed separately at each (common/certify.hpp).
// Shared by the `ghost` commands and the golden suite.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <learndyn/oracle/named_value.hpp>
#include <learndyn/reference/ghost/delayed_activation.hpp>

namespace learndyn::oracle {

// Decimal-string inputs of the delayed-activation task.
struct GhostTaskText {
  std::string delay;     // --T
  std::string response;  // --Tr
};

struct ReadoutText {
  std::string beta;  // --beta
  std::string x_th;  // --xth
};

// Parses "none" | "T" | "total" (ArgumentError naming --normalise otherwise).
reference::ghost::Normalisation parse_normalisation(const std::string& text);
std::string normalisation_name(reference::ghost::Normalisation normalisation);

// eta_c (G16/G17), eps_star (G12), eps_nr (G13), slope_at_optimum (G15), and the scaling
// exponents (G19, G20) at (T, T_r).
std::vector<NamedValue> critical_rate_quantities(const GhostTaskText& task,
                                                 reference::ghost::Normalisation normalisation);

// loss and grad at eps: analytical limit (G11, G14) without a readout, (G21, G24) with one.
std::vector<NamedValue> loss_quantities(const GhostTaskText& task, const std::string& eps,
                                        const std::optional<ReadoutText>& readout);

// eps and the rescaled loss c L after `epochs` GD steps from eps0 at rate eta (proofs/ghost.md §5), raw loss.
std::vector<NamedValue> gradient_descent_quantities(const GhostTaskText& task,
                                                    const std::string& eta,
                                                    const std::string& eps0, long epochs);

}  // namespace learndyn::oracle
