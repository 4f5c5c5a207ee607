// Ghost-RNN weight files (--weights; experiments/ghost/rnn_weights.hpp, proofs/ghost_rnn.md R41):
// the layout inference, shapes, groups and names. An input starting with "PK" is an .npz
// archive (parsed by common/npz.hpp, fuzzed on its own by fuzz_npz); any other input encodes
// an array set directly, so that most inputs reach the loader's checks: records of
// [name byte][rank byte][one byte per dimension][one byte per value], the name chosen from the
// parameters, their final/ forms and a stranger, dimensions 0..8, values small multiples of
// 1/16 or (byte 255) NaN. Whatever loads must match its shapes and survive a write and a re-read
// bit for bit.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <learndyn/common/npz.hpp>
#include <learndyn/experiments/ghost/rnn_weights.hpp>
#include "fuzz/fuzz_target.hpp"

namespace {

learndyn::ArraySet decode(std::string_view bytes) {
  static const char* const names[] = {"m", "n", "b", "W_out", "b_out", "W_in", "final/m", "final/n",
                                      "final/b", "final/W_out", "final/b_out", "initial/b", "S_l", "W_rec"};
  learndyn::ArraySet set{"fuzz", {}};
  std::size_t k = 0;
  const auto next = [&]() -> unsigned { return k < bytes.size() ? static_cast<unsigned char>(bytes[k++]) : 0u; };
  while (k < bytes.size() && set.arrays.size() < 8) {
    const std::string name = names[next() % (sizeof(names) / sizeof(names[0]))];
    learndyn::NpyArray a;
    const unsigned rank = next() % 4;
    std::size_t count = 1;
    for (unsigned d = 0; d < rank; ++d) {
      a.shape.push_back(next() % 9);
      count *= a.shape.back();
    }
    for (std::size_t i = 0; i < count; ++i) {
      const unsigned v = next();
      a.data.push_back(v == 255 ? std::numeric_limits<double>::quiet_NaN() : (static_cast<double>(v) - 128) / 16);
    }
    set.arrays[name] = a;
  }
  return set;
}

bool same(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() && a == b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return learndyn::fuzz::run_guarded(data, size, [](std::string_view bytes) {
    namespace eg = learndyn::experiments::ghost;
    using learndyn::fuzz::check;
    const learndyn::ArraySet set = bytes.substr(0, 2) == "PK" ? learndyn::ArraySet{"fuzz.npz", learndyn::parse_npz(bytes, "fuzz.npz")}
                                                              : decode(bytes);
    const eg::RnnWeights w = eg::weights_from_arrays(set);
    const auto& net = w.net;
    const long n = w.neurons();
    check(n >= 1 && n <= eg::kMaxWeightNeurons, "N outside 1..4096 was accepted");
    check(net.rank >= 0 && net.rank <= n, "rank outside 0..N");
    if (net.rank == 0)
      check(net.W.rows() == n && net.W.cols() == n, "full rank without an N x N W");
    else
      check(net.M.rows() == n && net.M.cols() == net.rank && net.Nm.rows() == n && net.Nm.cols() == net.rank,
            "rank-K factors of the wrong shape");
    check(net.W_in.rows() == n && net.w_out.size() == n, "W_in or w_out of the wrong size");
    check(std::isfinite(net.b.sum() + net.W.sum() + net.M.sum() + net.Nm.sum() + net.W_in.sum() + net.w_out.sum() +
                        net.b_out),
          "a non-finite value was accepted");
    const eg::RnnWeights again = eg::weights_from_arrays({"again", eg::weights_to_arrays(net, w.has_readout, "")});
    check(again.net.rank == net.rank && same(again.net.W, net.W) && same(again.net.M, net.M) &&
              same(again.net.Nm, net.Nm) && same(again.net.b, net.b) && same(again.net.W_in, net.W_in) &&
              same(again.net.w_out, net.w_out) && again.net.b_out == net.b_out && again.has_readout == w.has_readout,
          "written and re-read weights differ");
  });
}
