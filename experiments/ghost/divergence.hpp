// A diverged run (its loss NaN or inf) is refused, naming the rate option the user gave: printed
// as empty cells (CSV) or null (JSON) it would read as "not measured".
#pragma once

#include <string>

#include <learndyn/fast/ghost/rnn.hpp>

namespace learndyn::experiments::ghost {

// Throws ArgumentError naming `parameter` (given as `value`) unless `loss` is finite.
void require_finite_loss(double loss, const std::string& parameter, const std::string& value, double lr, long epoch);

// The same for every recorded loss of a run and its final loss.
void require_finite_losses(const fast::ghost::RunResult& r, const std::string& parameter, const std::string& value,
                           double lr);

}  // namespace learndyn::experiments::ghost
