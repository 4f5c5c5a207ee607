// The fast path's recurrent models (double): the same three models and PyTorch layouts as
// reference/ntk/model.hpp (proofs/ntk.md N13-N16), an independent implementation whose
// linearisation is stored in the layouts the GEMM kernels want: per-step factors [t][b][i],
// site variables with rows (t, b). Memory O(B T n (terms + sites) + B T d + n^2): never B T n^2.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <learndyn/common/huge_page_allocator.hpp>

namespace learndyn::fast::ntk {

enum class ModelKind { rnn_rate, rnn_vanilla, gru };

struct Shape {
  ModelKind kind = ModelKind::gru;
  int hidden = 1;
  int inputs = 1;
  bool bias = true;
};

// The model's name on the command line and in manifests: rnn_rate, rnn_vanilla, gru; and back
// (ArgumentError naming `parameter` for another name).
const char* model_kind_name(ModelKind kind);
ModelKind parse_model_kind(const std::string& name, const std::string& parameter);

int gate_count(const Shape& shape);
int parameter_count(const Shape& shape);

struct Model {
  Shape shape;
  double alpha = 1;           // leak of the RNNs (ignored by the GRU)
  std::vector<double> theta;  // [weight_ih, weight_hh, bias_ih, bias_hh], row-major (torch)
};

struct Inputs {
  int batch = 1, steps = 1;
  std::vector<double> x;   // (B T) x n_in row-major, row b*T + t
  std::vector<double> h0;  // B x n row-major, or empty (zeros)
};

// Throws ArgumentError naming the parameter on inconsistent sizes or non-finite values.
void validate(const Model& model, const Inputs& inputs);

// The same draws as reference::ntk::random_model / random_inputs (common/random.hpp).
Model random_model(const Shape& shape, double alpha, double gain, std::uint64_t seed);
Inputs random_inputs(const Shape& shape, int batch, int steps, std::uint64_t seed);

// States, index (b*T + t)*n + i. The sequences run on up to `threads` workers (0: every core):
// the same bits for any count (N60).
std::vector<double> forward(const Model& model, const Inputs& inputs, unsigned threads = 1);

// The factor arrays of a linearisation: made together and first touched together, so they are
// cut from shared 2 MB pages (common/huge_page_allocator.hpp) rather than each taking its own
// 4 KB pages (docs/ntk.md, "Cold start, fourth round").
using FactorArray = std::vector<double, HugePageAllocator<double>>;

struct Site {
  int d = 0;
  FactorArray v;     // (T B) x d row-major, rows (t, b)
  FactorArray gain;  // [t][b][i]
};

struct Linearization {
  int batch = 0, steps = 0, hidden = 0, terms = 0;
  FactorArray c, left, right;  // [t][b][i]; left holds `terms` such blocks
  FactorArray w_stack;         // (terms n) x n row-major
  std::vector<Site> sites;
  Site joint;                          // V_joint of (N26), gain all ones
};

// The forward pass and the factors (N13-N16); `threads` as in forward.
Linearization linearize(const Model& model, const Inputs& inputs, unsigned threads = 1);

}  // namespace learndyn::fast::ntk
