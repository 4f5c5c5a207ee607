// The overlap theory's initial Gram matrix (`--sigma0`, experiments/overlaps/user_inputs.hpp):
// JSON (a matrix of numbers) or .npy. Whatever is accepted is a finite, exactly symmetric
// (2R+2) x (2R+2) matrix, R >= 1, with a nonnegative diagonal up to O46's tolerance.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include <learndyn/experiments/overlaps/user_inputs.hpp>
#include "fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return learndyn::fuzz::run_guarded(data, size, [](std::string_view bytes) {
    namespace ex = learndyn::experiments::overlaps;
    using learndyn::fuzz::check;
    const Eigen::MatrixXd sigma = ex::parse_sigma0(bytes, "fuzz");
    const auto n = sigma.rows();
    check(sigma.cols() == n && n >= 4 && n % 2 == 0 && ex::sigma_rank(sigma) >= 1, "not a (2R+2) square matrix");
    check(sigma.allFinite(), "a non-finite entry");
    check(sigma == sigma.transpose(), "not symmetrised");
    const double tolerance = 64.0 * static_cast<double>(n) * std::numeric_limits<double>::epsilon() * sigma.cwiseAbs().maxCoeff();
    check(sigma.diagonal().minCoeff() >= -tolerance, "a negative diagonal entry passed the PSD check");
  });
}
