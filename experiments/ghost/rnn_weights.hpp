// The user's parameters of a ghost-paper RNN in and out (`--weights`, `--save-weights`): named
// arrays (common/arrays.hpp: an .npz or a folder of .npy files) <-> fast::ghost::RnnNet, with the
// names and shapes of the paper's public scripts, so that a state_dict saved from them loads
// unchanged. The mapping to learndyn's symbols is proofs/ghost_rnn.md (R41):
//   rank one  m (N), n (N), b (N)                         W = m n^T: M = m, Nm = n
//   rank K    m (N, K), n (K, N), b (N)                    h = x m n + b: M = n^T, Nm = m
//   full      m (N, N), b (N)                              h = x m + b:   W = m^T
//   readout   W_out (N), b_out (1,) or ()                  y = g(W_out . x + b_out): w_out, b_out
//   inputs    W_in (N, n_in) or (N,) for n_in = 1 (DCD/DMTS; learndyn's own name): h += W_in u
// This file needs from fast/ only the RnnNet and RunSpec structures (no fast function), so the
// fuzzer compiles it alone.
#pragma once

#include <map>
#include <string>

#include <learndyn/common/arrays.hpp>
#include <learndyn/fast/ghost/rnn.hpp>

namespace learndyn::experiments::ghost {

// A network read from named arrays.
struct RnnWeights {
  std::string file;           // the .npz or folder, named in errors
  std::string group;          // "" (top-level names) or "final/" (a --save-weights file)
  fast::ghost::RnnNet net;    // rank, M/Nm or W, b, W_in (N x 0 without inputs), w_out, b_out
  bool has_readout = false;   // W_out and b_out present (else w_out = 0, b_out = 0)
  long neurons() const { return static_cast<long>(net.b.size()); }
  long inputs() const { return static_cast<long>(net.W_in.cols()); }
};

// The largest N the RNN commands take (fast::ghost::validate(RunSpec)).
inline constexpr long kMaxWeightNeurons = 4096;

// The network held by `set`: its top-level arrays, or, when it has none but holds `final/b`,
// the final parameters of a --save-weights file. N, the rank and the layout are inferred from
// the shapes (R41). Throws InputError naming the file and the array on a missing, misshapen,
// non-finite or unknown array (a top-level name that is not a parameter: a typo would
// otherwise be ignored), or an N outside 1..kMaxWeightNeurons.
RnnWeights weights_from_arrays(const ArraySet& set);

// read_arrays(path) + weights_from_arrays.
RnnWeights read_rnn_weights(const std::string& path);

// Checks a run against the file it starts from, before any work: N, rank, the task's inputs
// and the readout must be the file's. Throws ArgumentError naming the option (N, rank, task,
// readout) and what the file allows, e.g. "invalid N = 50: allowed 8 (the N of w.npz)".
void require_weights_fit(const fast::ghost::RunSpec& spec, const RnnWeights& weights);

// The arrays of `net` under `prefix` ("initial/", "final/" or ""), in the layout R41 reads:
// as the script with that readout has it: rank one without `readout` as vectors m, n (RankOneRNN,
// latent readout), rank K >= 1 with it as m (N, K), n (K, N) (RankKRNN, K = 1 included), full
// rank as m (N, N); W_out and b_out (1,) when `readout`; W_in (N, n_in) when the net has inputs.
std::map<std::string, NpyArray> weights_to_arrays(const fast::ghost::RnnNet& net, bool readout,
                                                  const std::string& prefix);

// Whether runs of `spec` read out through W_out, b_out (every readout but the latent one).
bool has_population_readout(const fast::ghost::RunSpec& spec);

// Writes the initial and final parameters of a run as `initial/...` and `final/...` in one
// .npz or folder (write_arrays: atomic; InputError or std::runtime_error naming the path).
void write_run_weights(const std::string& path, const fast::ghost::RunSpec& spec,
                       const fast::ghost::RnnNet& initial, const fast::ghost::RnnNet& final_net);

}  // namespace learndyn::experiments::ghost
