#include <learndyn/experiments/ghost/rnn_weights.hpp>

#include <cmath>
#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/input_error.hpp>

namespace learndyn::experiments::ghost {
namespace fg = learndyn::fast::ghost;

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// The parameter names of R41 (the public scripts' m, n, b, W_out, b_out; learndyn's W_in).
const std::set<std::string>& parameter_names() {
  static const std::set<std::string> names{"m", "n", "b", "W_out", "b_out", "W_in"};
  return names;
}

std::string where(const std::string& group, const std::string& name) { return "array '" + group + name + "'"; }

const NpyArray* find(const ArraySet& set, const std::string& group, const std::string& name) {
  const auto it = set.arrays.find(group + name);
  return it == set.arrays.end() ? nullptr : &it->second;
}

// Every value finite: the arrays layer refuses NaN and inf when reading files; a library caller
// may hand in arrays from elsewhere.
void require_finite(const ArraySet& set, const std::string& group, const std::string& name, const NpyArray& a) {
  for (std::size_t i = 0; i < a.data.size(); ++i)
    if (!std::isfinite(a.data[i]))
      throw InputError(set.file, where(group, name), "element " + std::to_string(i) + " (C order) is not finite");
}

// The array `name` of the group with exactly `shape` (require_array's message and check).
const NpyArray& require_shape(const ArraySet& set, const std::string& group, const std::string& name,
                              const std::vector<std::size_t>& shape) {
  const NpyArray& a = require_array(set, group + name, shape);
  require_finite(set, group, name, a);
  return a;
}

}  // namespace

RnnWeights weights_from_arrays(const ArraySet& set) {
  RnnWeights w;
  w.file = set.file;
  // The group: top-level names, else the final parameters of a --save-weights file.
  bool top_level = false;
  for (const auto& [name, a] : set.arrays) top_level = top_level || name.find('/') == std::string::npos;
  if (!top_level && set.arrays.count("final/b")) w.group = "final/";
  const std::string& g = w.group;
  for (const auto& [name, a] : set.arrays) {
    if (name.compare(0, g.size(), g) != 0) continue;
    const std::string local = name.substr(g.size());
    if (local.find('/') == std::string::npos && !parameter_names().count(local))
      throw InputError(set.file, where(g, local),
                       "is not a parameter of the ghost-paper RNN (expected m, n, b, W_out, b_out, W_in)");
  }
  // N from b (R41: every layout has b of shape (N,)).
  const NpyArray& b = require_array(set, g + "b", {kAnyDimension});
  const long n_units = static_cast<long>(b.shape[0]);
  if (n_units < 1 || n_units > kMaxWeightNeurons)
    throw InputError(set.file, where(g, "b"),
                     "has " + std::to_string(n_units) + " units; the RNN commands take N in 1.." +
                         std::to_string(kMaxWeightNeurons));
  require_finite(set, g, "b", b);
  const std::size_t N = static_cast<std::size_t>(n_units);
  const Index n = static_cast<Index>(N);
  w.net.b = Eigen::Map<const VectorXd>(b.data.data(), n);

  // The recurrence: the layout from m's rank and whether n is present (R41).
  const NpyArray* m = find(set, g, "m");
  const NpyArray* nv = find(set, g, "n");
  if (m == nullptr) {
    require_array(set, g + "m", {N});  // throws, naming the missing array
    return w;
  }
  if (nv == nullptr && m->shape.size() == 2 && m->shape[0] == N && m->shape[1] != N)
    require_array(set, g + "n", {m->shape[1], N});  // m (N, K): a rank-K factor without its n
  if (m->shape.size() == 1) {  // rank one, RankOneRNN: W = m n^T, M = m, Nm = n
    const NpyArray& mm = require_shape(set, g, "m", {N});
    const NpyArray& nn = require_shape(set, g, "n", {N});
    w.net.rank = 1;
    w.net.M = Eigen::Map<const MatrixXd>(mm.data.data(), n, 1);
    w.net.Nm = Eigen::Map<const MatrixXd>(nn.data.data(), n, 1);
  } else if (nv == nullptr) {  // full rank: h = x m + b, W = m^T
    const NpyArray& mm = require_shape(set, g, "m", {N, N});
    w.net.rank = 0;
    // m's C-order data read column-major is m^T = W.
    w.net.W = Eigen::Map<const MatrixXd>(mm.data.data(), n, n);
  } else {  // rank K, RankKRNN: h = x m n + b, M = n^T, Nm = m
    if (m->shape.size() != 2 || m->shape[0] != N || m->shape[1] < 1)
      require_array(set, g + "m", {N, kAnyDimension});  // the shape message
    const std::size_t K = m->shape[1];
    if (K < 1 || K > N)
      throw InputError(set.file, where(g, "m"),
                       "has shape " + shape_text(m->shape) + ": rank K = " + std::to_string(K) + " outside 1..N = " +
                           std::to_string(N));
    const NpyArray& mm = require_shape(set, g, "m", {N, K});
    const NpyArray& nn = require_shape(set, g, "n", {K, N});
    w.net.rank = static_cast<int>(K);
    const Index k = static_cast<Index>(K);
    // m (N, K) in C order is Nm; n (K, N) in C order, read column-major as N x K, is n^T = M.
    w.net.Nm = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(mm.data.data(), n, k);
    w.net.M = Eigen::Map<const MatrixXd>(nn.data.data(), n, k);
  }

  // Inputs (DCD/DMTS): W_in (N, n_in), or (N,) for one input.
  w.net.W_in.setZero(n, 0);
  if (const NpyArray* in = find(set, g, "W_in")) {
    const NpyArray& a = in->shape.size() == 1 ? require_shape(set, g, "W_in", {N})
                                              : require_shape(set, g, "W_in", {N, kAnyDimension});
    const Index inputs = a.shape.size() == 1 ? 1 : static_cast<Index>(a.shape[1]);
    w.net.W_in = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        a.data.data(), n, inputs);
  }

  // The population readout: W_out and b_out together or not at all.
  const NpyArray* w_out = find(set, g, "W_out");
  const NpyArray* b_out = find(set, g, "b_out");
  w.has_readout = w_out != nullptr || b_out != nullptr;
  w.net.w_out.setZero(n);
  w.net.b_out = 0;
  if (w.has_readout) {
    const NpyArray& wo = require_shape(set, g, "W_out", {N});
    if (b_out == nullptr) {
      require_array(set, g + "b_out", {1});  // throws, naming the missing array
      return w;
    }
    const NpyArray& bo = b_out->shape.empty() ? require_shape(set, g, "b_out", {}) : require_shape(set, g, "b_out", {1});
    w.net.w_out = Eigen::Map<const VectorXd>(wo.data.data(), n);
    w.net.b_out = bo.data[0];
  }
  return w;
}

RnnWeights read_rnn_weights(const std::string& path) {
  require(!path.empty(), "weights", "''", "an .npz file or a folder of .npy files");
  return weights_from_arrays(read_arrays(path));
}

bool has_population_readout(const fg::RunSpec& spec) { return spec.config.readout != fg::RnnReadout::latent; }

void require_weights_fit(const fg::RunSpec& s, const RnnWeights& w) {
  require(s.neurons == w.neurons(), "N", s.neurons, std::to_string(w.neurons()) + " (the N of " + w.file + ")");
  require(s.rank == w.net.rank, "rank", s.rank,
          std::to_string(w.net.rank) + " (the rank of " + w.file + (w.net.rank == 0 ? ": full" : "") + ")");
  const long inputs = fg::inputs_of(s);
  require(w.inputs() == inputs, "task", s.task == fg::RnnTask::da ? "da" : s.task == fg::RnnTask::dcd ? "dcd" : "dmts",
          w.inputs() == 0   ? std::string("da (") + w.file + " has no W_in)"
          : w.inputs() == 1 ? std::string("dcd | dmts (") + w.file + " has W_in, for one input)"
                            : "none: the tasks have 0 or 1 inputs, the W_in of " + w.file + " has " +
                                  std::to_string(w.inputs()) + " columns");
  const char* readout = s.config.readout == fg::RnnReadout::latent    ? "latent"
                        : s.config.readout == fg::RnnReadout::sigmoid ? "sigmoid"
                        : s.config.readout == fg::RnnReadout::tanh    ? "tanh"
                                                                      : "confidence";
  if (has_population_readout(s))
    require(w.has_readout, "readout", readout, std::string("latent (") + w.file + " has no W_out, b_out)");
  else
    require(!w.has_readout, "readout", readout, std::string("sigmoid | tanh | confidence (") + w.file +
                                                      " holds W_out and b_out)");
}

std::map<std::string, NpyArray> weights_to_arrays(const fg::RnnNet& net, bool readout, const std::string& prefix) {
  std::map<std::string, NpyArray> out;
  const std::size_t N = static_cast<std::size_t>(net.b.size());
  const auto vector = [&](const double* data, std::size_t size) {
    return NpyArray{{size}, std::vector<double>(data, data + size)};
  };
  out[prefix + "b"] = vector(net.b.data(), N);
  if (net.rank == 0) {
    // m = W^T: W's column-major data is m's C-order data.
    out[prefix + "m"] = NpyArray{{N, N}, std::vector<double>(net.W.data(), net.W.data() + net.W.size())};
  } else if (net.rank == 1 && !readout) {  // RankOneRNN: no W_out
    out[prefix + "m"] = vector(net.M.data(), N);
    out[prefix + "n"] = vector(net.Nm.data(), N);
  } else {  // RankKRNN (with W_out), K = 1 included
    const std::size_t K = static_cast<std::size_t>(net.rank);
    // m = Nm (N, K) in C order; n = M^T (K, N): M's column-major data.
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> nm = net.Nm;
    out[prefix + "m"] = NpyArray{{N, K}, std::vector<double>(nm.data(), nm.data() + nm.size())};
    out[prefix + "n"] = NpyArray{{K, N}, std::vector<double>(net.M.data(), net.M.data() + net.M.size())};
  }
  if (net.W_in.cols() > 0) {
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> w_in = net.W_in;
    out[prefix + "W_in"] = NpyArray{{N, static_cast<std::size_t>(w_in.cols())},
                                    std::vector<double>(w_in.data(), w_in.data() + w_in.size())};
  }
  if (readout) {
    out[prefix + "W_out"] = vector(net.w_out.data(), N);
    out[prefix + "b_out"] = NpyArray{{1}, {net.b_out}};
  }
  return out;
}

void write_run_weights(const std::string& path, const fg::RunSpec& spec, const fg::RnnNet& initial,
                       const fg::RnnNet& final_net) {
  const bool readout = has_population_readout(spec);
  std::map<std::string, NpyArray> arrays = weights_to_arrays(initial, readout, "initial/");
  arrays.merge(weights_to_arrays(final_net, readout, "final/"));
  write_arrays(path, arrays);
}

}  // namespace learndyn::experiments::ghost
