// The overlap experiments' vectors file (`--vectors`, experiments/overlaps/user_inputs.hpp): an
// .npz archive (its own parsing is fuzz_npz's) read as z, m, u, v. Whatever is accepted has
// consistent shapes, survives --save-vectors' write and reads back bit for bit.
#include <cstddef>
#include <cstdint>

#include <learndyn/common/arrays.hpp>
#include <learndyn/common/npz.hpp>
#include <learndyn/experiments/overlaps/user_inputs.hpp>
#include "fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return learndyn::fuzz::run_guarded(data, size, [](std::string_view bytes) {
    namespace ex = learndyn::experiments::overlaps;
    using learndyn::fuzz::check;
    const learndyn::ArraySet set{"fuzz.npz", learndyn::parse_npz(bytes, "fuzz.npz")};
    const auto net = ex::network_from_arrays(set);
    const auto n = net.z.size();
    check(n >= 1 && net.m.size() == n && net.U.rows() == n && net.V.rows() == n, "vectors of different lengths");
    check(net.U.cols() >= 1 && net.U.cols() <= 8 && net.V.cols() == net.U.cols(), "a rank outside 1..8 or u, v disagree");
    check(net.z.allFinite() && net.m.allFinite() && net.U.allFinite() && net.V.allFinite(), "a non-finite value");
    const learndyn::ArraySet again{"rewritten.npz",
                                   learndyn::parse_npz(learndyn::serialize_npz(ex::vector_arrays(net, "final/")), "rewritten.npz")};
    const auto back = ex::network_from_arrays(again, "final/");
    check(back.z == net.z && back.m == net.m && back.U == net.U && back.V == net.V, "saved vectors read back different");
  });
}
