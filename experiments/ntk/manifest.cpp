#include <learndyn/experiments/ntk/manifest.hpp>

#include <cmath>
#include <filesystem>

#include <learndyn/common/input_error.hpp>
#include <learndyn/common/text_file.hpp>
#include <learndyn/oracle/json_input.hpp>

namespace learndyn::experiments::ntk {

namespace {

namespace fn = learndyn::fast::ntk;
using oracle::JsonCursor;

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t k = 0; k < shape.size(); ++k) s += (k ? ", " : "") + std::to_string(shape[k]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

// The array whose path is the string at `at`.
NpyArray array_at(const JsonCursor& at, const ArrayLoader& load) { return load(at.string()); }

void require_shape(const NpyArray& a, const std::vector<std::size_t>& shape, const JsonCursor& at,
                   const std::string& what) {
  if (a.shape != shape) at.fail("shape " + shape_text(a.shape) + " is not " + what);
}

int integer_at(const JsonCursor& m, std::string_view key, int lo, int hi) {
  return static_cast<int>(m.member(key).integer(lo, hi));
}

// x: (B, T, inputs) with B, T >= 1, batch-first.
NpyArray inputs_at(const JsonCursor& m, std::size_t inputs, const ArrayLoader& load) {
  const JsonCursor at = m.member("x");
  NpyArray x = array_at(at, load);
  if (x.shape.size() != 3 || x.shape[2] != inputs || x.shape[0] == 0 || x.shape[1] == 0)
    at.fail("shape " + shape_text(x.shape) + " is not (B, T, inputs) with B, T >= 1 (batch_first)");
  return x;
}

RecurrentProblem recurrent(const JsonCursor& m, const std::string& kind, const ArrayLoader& load) {
  RecurrentProblem p;
  fn::Shape& s = p.model.shape;
  s.kind = kind == "gru" ? fn::ModelKind::gru : kind == "rnn_rate" ? fn::ModelKind::rnn_rate : fn::ModelKind::rnn_vanilla;
  s.hidden = integer_at(m, "hidden", 1, 4096);
  s.inputs = integer_at(m, "inputs", 1, 4096);
  if (m.has("bias")) {
    const JsonCursor bias = m.member("bias");
    if (!bias.value().is_boolean()) bias.fail("expected true or false, found " + oracle::describe_type(bias.value()));
    s.bias = bias.value().get<bool>();
  }
  p.model.alpha = 1;
  if (m.has("alpha")) {
    const JsonCursor alpha = m.member("alpha");
    if (!alpha.value().is_number()) alpha.fail("expected a number, found " + oracle::describe_type(alpha.value()));
    p.model.alpha = alpha.value().get<double>();
    if (!(p.model.alpha > 0 && p.model.alpha <= 1)) alpha.fail("outside 0 < alpha <= 1");
  }
  const std::size_t g = static_cast<std::size_t>(fn::gate_count(s)) * s.hidden;
  const std::size_t n = s.hidden, n_in = s.inputs;
  const JsonCursor w = m.member("weights");
  w.object();
  // theta is [weight_ih, weight_hh, bias_ih, bias_hh] (fast/ntk/model.hpp), the order read here.
  const auto weight = [&](std::string_view key, const std::vector<std::size_t>& shape, const std::string& what) {
    const JsonCursor at = w.member(key);
    const NpyArray a = array_at(at, load);
    require_shape(a, shape, at, what);
    p.model.theta.insert(p.model.theta.end(), a.data.begin(), a.data.end());
  };
  const std::string gn = std::to_string(g);
  weight("weight_ih_l0", {g, n_in}, "(" + gn + ", inputs)");
  weight("weight_hh_l0", {g, n}, "(" + gn + ", hidden)");
  if (s.bias) {
    weight("bias_ih_l0", {g}, "(" + gn + ",)");
    weight("bias_hh_l0", {g}, "(" + gn + ",)");
  }
  const NpyArray x = inputs_at(m, n_in, load);
  p.inputs.batch = static_cast<int>(x.shape[0]);
  p.inputs.steps = static_cast<int>(x.shape[1]);
  p.inputs.x = x.data;
  if (m.has("h0")) {
    const JsonCursor at = m.member("h0");
    const NpyArray h0 = array_at(at, load);
    const bool flat = h0.shape == std::vector<std::size_t>{x.shape[0], n};
    const bool torch = h0.shape == std::vector<std::size_t>{1, x.shape[0], n};
    if (!flat && !torch) at.fail("shape " + shape_text(h0.shape) + " is not (B, hidden) or (1, B, hidden)");
    p.inputs.h0 = h0.data;
  }
  if (m.has("target")) {
    const JsonCursor at = m.member("target");
    const NpyArray y = array_at(at, load);
    require_shape(y, {x.shape[0], x.shape[1], n}, at, "(B, T, hidden)");
    p.target = y.data;
  }
  return p;
}

AttentionProblem attention(const JsonCursor& m, const ArrayLoader& load) {
  AttentionProblem p;
  fn::AttentionShape& s = p.model.shape;
  s.inputs = integer_at(m, "inputs", 1, 4096);
  s.attention = integer_at(m, "attention", 1, 1024);
  s.mlp = integer_at(m, "mlp", 1, 4096);
  s.outputs = integer_at(m, "outputs", 1, 1024);
  const JsonCursor w = m.member("weights");
  w.object();
  const std::size_t di = s.inputs, da = s.attention, dh = s.mlp, dout = s.outputs;
  // theta is [W_q, W_k, W_v, W_1, b_1, W_2, b_2] (fast/ntk/attention.hpp), the order read here.
  const auto weight = [&](std::string_view key, const std::vector<std::size_t>& shape, const std::string& what) {
    const JsonCursor at = w.member(key);
    const NpyArray a = array_at(at, load);
    require_shape(a, shape, at, what);
    p.model.theta.insert(p.model.theta.end(), a.data.begin(), a.data.end());
  };
  weight("W_q", {da, di}, "(attention, inputs)");
  weight("W_k", {da, di}, "(attention, inputs)");
  weight("W_v", {da, di}, "(attention, inputs)");
  weight("W_1", {dh, da}, "(mlp, attention)");
  weight("b_1", {dh}, "(mlp,)");
  weight("W_2", {dout, dh}, "(outputs, mlp)");
  weight("b_2", {dout}, "(outputs,)");
  const NpyArray x = inputs_at(m, di, load);
  p.inputs = {static_cast<int>(x.shape[0]), static_cast<int>(x.shape[1]), x.data};
  return p;
}

}  // namespace

ManifestProblem parse_manifest(std::string_view text, const std::string& file, const ArrayLoader& load) {
  const oracle::Json json = oracle::parse_json_strictly(text, file);
  const JsonCursor m(json, file);
  m.object();
  const JsonCursor model = m.member("model");
  const std::string kind = model.string();
  if (kind == "attention") return attention(m, load);
  if (kind != "gru" && kind != "rnn_rate" && kind != "rnn_vanilla")
    model.fail("'" + kind + "' is not gru, rnn_rate, rnn_vanilla or attention");
  return recurrent(m, kind, load);
}

ManifestProblem read_manifest(const std::string& path) {
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  return parse_manifest(read_text_file(path), path,
                        [&](const std::string& array) { return read_npy((dir / array).string()); });
}

}  // namespace learndyn::experiments::ntk
