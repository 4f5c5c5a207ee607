// The manifest of a user's NTK model: a JSON file naming .npy arrays (PyTorch layouts), read
// into the fast path's models (`learndyn ntk metrics --manifest`, `learndyn ntk export`
// writes the same format).
//
// Recurrent models (proofs/ntk.md N13-N16):
//   {"model": "gru" | "rnn_rate" | "rnn_vanilla", "hidden": n, "inputs": n_in,
//    "alpha": 0 < alpha <= 1 (optional, default 1), "bias": true | false (optional, default true),
//    "weights": {"weight_ih_l0": (G n, n_in), "weight_hh_l0": (G n, n),
//                "bias_ih_l0": (G n,), "bias_hh_l0": (G n,)},      // biases only with "bias"
//    "x": (B, T, n_in) batch-first, "h0": (B, n) or (1, B, n) (optional),
//    "target": (B, T, n) (optional)}
// with G = 3 for the GRU (PyTorch's gate order r, z, n) and 1 for the RNNs.
// The self-attention model (N41):
//   {"model": "attention", "inputs": d_in, "attention": d_a, "mlp": d_h, "outputs": d_out,
//    "weights": {"W_q", "W_k", "W_v": (d_a, d_in), "W_1": (d_h, d_a), "b_1": (d_h,),
//                "W_2": (d_out, d_h), "b_2": (d_out,)},
//    "x": (B, T, d_in)}
// Array paths are relative to the manifest's folder. The JSON is read strictly (no duplicate
// keys, bounded nesting; oracle/json_input.hpp) and every fault is an InputError naming the
// file and the JSON path ($.weights.W_1), so that a user goes straight to it.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <learndyn/common/npy.hpp>
#include <learndyn/fast/ntk/attention.hpp>
#include <learndyn/fast/ntk/model.hpp>

namespace learndyn::experiments::ntk {

struct RecurrentProblem {
  fast::ntk::Model model;
  fast::ntk::Inputs inputs;
  std::vector<double> target;  // state-shaped (B T n) or empty
};

struct AttentionProblem {
  fast::ntk::AttentionModel model;
  fast::ntk::AttentionInputs inputs;
};

using ManifestProblem = std::variant<RecurrentProblem, AttentionProblem>;

// The array a manifest names by `path` (as written in the manifest); throws InputError.
using ArrayLoader = std::function<NpyArray(const std::string& path)>;

// Parses the manifest `text` (named `file` in messages), loading its arrays through `load`.
ManifestProblem parse_manifest(std::string_view text, const std::string& file, const ArrayLoader& load);

// Reads the manifest at `path` and the .npy files it names (relative to its folder).
ManifestProblem read_manifest(const std::string& path);

}  // namespace learndyn::experiments::ntk
