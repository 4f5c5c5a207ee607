// The manifest of a user's NTK model: a JSON file naming the model's arrays (PyTorch layouts),
// read into the fast path's models (`learndyn ntk metrics --manifest`); `learndyn ntk export`
// writes the same format (write_manifest). The full format is docs/ntk_manifest.md.
//
// Recurrent models (proofs/ntk.md N13-N16):
//   {"model": "gru" | "rnn_rate" | "rnn_vanilla", "hidden": n, "inputs": n_in,
//    "alpha": 0 < alpha <= 1 (optional, default 1), "bias": true | false (optional, default true),
//    "batch_first": true | false (required; torch's flag: x (B, T, n_in) or (T, B, n_in)),
//    "arrays": "model.npz" or a folder (optional: then every array is named by its key in it),
//    "weights": {"weight_ih_l0": (G n, n_in), "weight_hh_l0": (G n, n),
//                "bias_ih_l0": (G n,), "bias_hh_l0": (G n,)},      // biases only with "bias"
//    "x": (B, T, n_in) or (T, B, n_in), "h0": (B, n) or (1, B, n) (optional),
//    "target": laid out as x with n in place of n_in (optional),
//    "case": a golden case id, "expected": {quantity: {"value", "certified_digits"}}
//    (optional, together: what `ntk export --case` writes)}
// with G = 3 for the GRU (PyTorch's gate order r, z, n) and 1 for the RNNs.
// The self-attention model (N41):
//   {"model": "attention", "inputs": d_in, "attention": d_a, "mlp": d_h, "outputs": d_out,
//    "batch_first": true | false, "arrays": (optional),
//    "weights": {"W_q", "W_k", "W_v": (d_a, d_in), "W_1": (d_h, d_a), "b_1": (d_h,),
//                "W_2": (d_out, d_h), "b_2": (d_out,)},
//    "x": (B, T, d_in) or (T, B, d_in)}
// Without "arrays", an array is a .npy path relative to the manifest's folder. The JSON is read
// strictly (oracle/json_input.hpp: no duplicate keys, no overflowing numbers, nothing after
// the document, bounded nesting), unknown keys are refused (a misspelt "batch_first" must not
// be ignored), and every fault is an InputError naming the file and the JSON path
// ($.weights.W_1), so that a user goes straight to it.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <learndyn/common/arrays.hpp>
#include <learndyn/common/npy.hpp>
#include <learndyn/fast/ntk/attention.hpp>
#include <learndyn/fast/ntk/model.hpp>
#include <learndyn/oracle/golden.hpp>

namespace learndyn::experiments::ntk {

// The golden case a manifest reproduces (`ntk export --case`): its id and certified values.
struct ManifestCase {
  std::string id;                          // empty: no case
  std::vector<oracle::GoldenValue> expected;
};

struct RecurrentProblem {
  fast::ntk::Model model;
  fast::ntk::Inputs inputs;
  std::vector<double> target;  // state-shaped (B T n) or empty
  ManifestCase golden;
};

struct AttentionProblem {
  fast::ntk::AttentionModel model;
  fast::ntk::AttentionInputs inputs;
};

using ManifestProblem = std::variant<RecurrentProblem, AttentionProblem>;

// The array a manifest names by `path` (as written in the manifest); throws InputError.
using ArrayLoader = std::function<NpyArray(const std::string& path)>;
// The set of arrays "arrays" names (an .npz or a folder, as written in the manifest).
using ArraySetLoader = std::function<ArraySet(const std::string& path)>;

// Parses the manifest `text` (named `file` in messages), loading its arrays through `load`,
// or, when the manifest names "arrays", through `load_set` (without one, "arrays" is refused:
// the caller gives the arrays directly).
ManifestProblem parse_manifest(std::string_view text, const std::string& file, const ArrayLoader& load,
                               const ArraySetLoader& load_set = nullptr);

// Reads the manifest at `path` and the arrays it names (relative to its folder).
ManifestProblem read_manifest(const std::string& path);

// How write_manifest stores the arrays beside model.json.
enum class ArrayFormat { npy, npz };  // one .npy file per array | one model.npz ("arrays")

// Writes `problem` as `dir`/model.json and its arrays (batch-first, PyTorch's names), the
// manifest last, each file atomically: read_manifest(dir + "/model.json") gives back the
// same doubles. The recurrent problem's golden case, if any, is written as "case" and
// "expected".
void write_manifest(const std::string& dir, const ManifestProblem& problem, ArrayFormat format);

}  // namespace learndyn::experiments::ntk
