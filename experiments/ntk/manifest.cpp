#include <learndyn/experiments/ntk/manifest.hpp>

#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

#include <learndyn/common/input_error.hpp>
#include <learndyn/common/text_file.hpp>
#include <learndyn/oracle/golden_value_json.hpp>
#include <learndyn/oracle/json_input.hpp>

namespace learndyn::experiments::ntk {

namespace {

namespace fn = learndyn::fast::ntk;
using oracle::JsonCursor;

// Significant digits of an expected value at most: the working precision's, as golden.json
// writes them.
constexpr int kExpectedDigits = 50;

// Where the manifest's arrays come from: .npy paths through `load`, or names in one set.
struct ArraySource {
  const ArrayLoader& load;
  std::optional<ArraySet> set;

  // The array whose path (or name in the set) is the string at `at`.
  NpyArray at(const JsonCursor& at) const {
    const std::string ref = at.string();
    if (!set) return load(ref);
    const auto it = set->arrays.find(ref);
    if (it == set->arrays.end()) {
      std::string names;
      for (const auto& [name, array] : set->arrays) names += (names.empty() ? "" : ", ") + name;
      if (names.size() > 200) names = names.substr(0, 200) + "...";
      at.fail("no array '" + ref + "' in " + set->file + " (it holds: " + names + ")");
    }
    return it->second;
  }
};

void require_shape(const NpyArray& a, const std::vector<std::size_t>& shape, const JsonCursor& at,
                   const std::string& what) {
  if (a.shape != shape) at.fail("shape " + shape_text(a.shape) + " is not " + what);
}

int integer_at(const JsonCursor& m, std::string_view key, int lo, int hi) {
  return static_cast<int>(m.member(key).integer(lo, hi));
}

// (T, B, k) row-major to (B, T, k) row-major: torch's time-major layout to the fast path's
// batch-first rows b*T + t (proofs/ntk.md N50: a permutation of the states, so NTK_S and all
// its metrics are those of the batch-first twin).
std::vector<double> batch_first_of(const std::vector<double>& time_major, std::size_t steps, std::size_t batch,
                                   std::size_t k) {
  std::vector<double> out(time_major.size());
  for (std::size_t t = 0; t < steps; ++t)
    for (std::size_t b = 0; b < batch; ++b)
      for (std::size_t i = 0; i < k; ++i) out[(b * steps + t) * k + i] = time_major[(t * batch + b) * k + i];
  return out;
}

// A sequence array of `width` entries per (b, t): (B, T, width) if batch_first, else
// (T, B, width); returned batch-first with B and T.
struct Sequence {
  std::vector<double> data;
  std::size_t batch = 0, steps = 0;
};

Sequence sequence_at(const JsonCursor& at, const ArraySource& arrays, bool batch_first, std::size_t width,
                     const std::string& width_name) {
  NpyArray a = arrays.at(at);
  const std::string layout = batch_first ? "(B, T, " + width_name + ")" : "(T, B, " + width_name + ")";
  if (a.shape.size() != 3 || a.shape[2] != width || a.shape[0] == 0 || a.shape[1] == 0)
    at.fail("shape " + shape_text(a.shape) + " is not " + layout + " with B, T >= 1 (\"batch_first\": " +
            (batch_first ? "true" : "false") + ")");
  if (batch_first) return {std::move(a.data), a.shape[0], a.shape[1]};
  return {batch_first_of(a.data, a.shape[0], a.shape[1], width), a.shape[1], a.shape[0]};
}

// Reads "weights": exactly the keys of `parts` (name, shape, what), in that order into theta.
void read_weights(const JsonCursor& m, const ArraySource& arrays,
                  const std::vector<std::tuple<std::string_view, std::vector<std::size_t>, std::string>>& parts,
                  std::vector<double>& theta) {
  const JsonCursor w = m.member("weights");
  std::vector<std::string_view> names;
  for (const auto& part : parts) names.push_back(std::get<0>(part));
  w.only_keys(names);
  for (const auto& [key, shape, what] : parts) {
    const JsonCursor at = w.member(key);
    const NpyArray a = arrays.at(at);
    require_shape(a, shape, at, what);
    theta.insert(theta.end(), a.data.begin(), a.data.end());
  }
}

ManifestCase golden_case(const JsonCursor& m) {
  ManifestCase c;
  if (!m.has("case") && !m.has("expected")) return c;
  const JsonCursor id = m.member("case");
  c.id = id.string();
  if (!oracle::is_valid_case_id(c.id)) id.fail("case id " + oracle::quoted_key(c.id) + " is not [A-Za-z0-9_.=+-]{1,256}");
  const JsonCursor expected = m.member("expected");
  for (const auto& item : expected.object().items())
    c.expected.push_back(oracle::parse_golden_value(item.key(), expected.member(item.key()), kExpectedDigits));
  if (c.expected.empty()) expected.fail("a case needs at least one expected value");
  return c;
}

RecurrentProblem recurrent(const JsonCursor& m, const std::string& kind, const ArraySource& arrays, bool batch_first) {
  m.only_keys({"model", "hidden", "inputs", "alpha", "bias", "batch_first", "arrays", "weights", "x", "h0", "target",
               "case", "expected"});
  RecurrentProblem p;
  fn::Shape& s = p.model.shape;
  s.kind = kind == "gru" ? fn::ModelKind::gru : kind == "rnn_rate" ? fn::ModelKind::rnn_rate : fn::ModelKind::rnn_vanilla;
  s.hidden = integer_at(m, "hidden", 1, 4096);
  s.inputs = integer_at(m, "inputs", 1, 4096);
  if (m.has("bias")) s.bias = m.member("bias").boolean();
  p.model.alpha = 1;
  if (m.has("alpha")) {
    const JsonCursor alpha = m.member("alpha");
    p.model.alpha = alpha.number();
    if (!(p.model.alpha > 0 && p.model.alpha <= 1)) alpha.fail("outside 0 < alpha <= 1");
  }
  const std::size_t g = static_cast<std::size_t>(fn::gate_count(s)) * s.hidden;
  const std::size_t n = s.hidden, n_in = s.inputs;
  const std::string gn = std::to_string(g);
  // theta is [weight_ih, weight_hh, bias_ih, bias_hh] (fast/ntk/model.hpp), the order read here.
  std::vector<std::tuple<std::string_view, std::vector<std::size_t>, std::string>> parts{
      {"weight_ih_l0", {g, n_in}, "(" + gn + ", inputs)"}, {"weight_hh_l0", {g, n}, "(" + gn + ", hidden)"}};
  if (s.bias) {
    parts.emplace_back("bias_ih_l0", std::vector<std::size_t>{g}, "(" + gn + ",)");
    parts.emplace_back("bias_hh_l0", std::vector<std::size_t>{g}, "(" + gn + ",)");
  }
  read_weights(m, arrays, parts, p.model.theta);
  const Sequence x = sequence_at(m.member("x"), arrays, batch_first, n_in, "inputs");
  p.inputs.batch = static_cast<int>(x.batch);
  p.inputs.steps = static_cast<int>(x.steps);
  p.inputs.x = x.data;
  if (m.has("h0")) {  // torch's h_0 is (layers, B, n) whatever batch_first is
    const JsonCursor at = m.member("h0");
    const NpyArray h0 = arrays.at(at);
    const bool flat = h0.shape == std::vector<std::size_t>{x.batch, n};
    const bool torch = h0.shape == std::vector<std::size_t>{1, x.batch, n};
    if (!flat && !torch)
      at.fail("shape " + shape_text(h0.shape) + " is not (B, hidden) or (1, B, hidden) with B = " + std::to_string(x.batch));
    p.inputs.h0 = h0.data;
  }
  if (m.has("target")) {
    const JsonCursor at = m.member("target");
    const Sequence y = sequence_at(at, arrays, batch_first, n, "hidden");
    if (y.batch != x.batch || y.steps != x.steps)
      at.fail("has B = " + std::to_string(y.batch) + ", T = " + std::to_string(y.steps) + "; x has B = " +
              std::to_string(x.batch) + ", T = " + std::to_string(x.steps));
    p.target = y.data;
  }
  p.golden = golden_case(m);
  return p;
}

AttentionProblem attention(const JsonCursor& m, const ArraySource& arrays, bool batch_first) {
  m.only_keys({"model", "inputs", "attention", "mlp", "outputs", "batch_first", "arrays", "weights", "x"});
  AttentionProblem p;
  fn::AttentionShape& s = p.model.shape;
  s.inputs = integer_at(m, "inputs", 1, 4096);
  s.attention = integer_at(m, "attention", 1, 1024);
  s.mlp = integer_at(m, "mlp", 1, 4096);
  s.outputs = integer_at(m, "outputs", 1, 1024);
  const std::size_t di = s.inputs, da = s.attention, dh = s.mlp, dout = s.outputs;
  // theta is [W_q, W_k, W_v, W_1, b_1, W_2, b_2] (fast/ntk/attention.hpp), the order read here.
  read_weights(m, arrays,
               {{"W_q", {da, di}, "(attention, inputs)"},
                {"W_k", {da, di}, "(attention, inputs)"},
                {"W_v", {da, di}, "(attention, inputs)"},
                {"W_1", {dh, da}, "(mlp, attention)"},
                {"b_1", {dh}, "(mlp,)"},
                {"W_2", {dout, dh}, "(outputs, mlp)"},
                {"b_2", {dout}, "(outputs,)"}},
               p.model.theta);
  const Sequence x = sequence_at(m.member("x"), arrays, batch_first, di, "inputs");
  p.inputs = {static_cast<int>(x.batch), static_cast<int>(x.steps), x.data};
  return p;
}

}  // namespace

ManifestProblem parse_manifest(std::string_view text, const std::string& file, const ArrayLoader& load,
                               const ArraySetLoader& load_set) {
  const oracle::Json json = oracle::parse_json_strictly(text, file);
  const JsonCursor m(json, file);
  m.object();
  const JsonCursor model = m.member("model");
  const std::string kind = model.string();
  if (kind != "gru" && kind != "rnn_rate" && kind != "rnn_vanilla" && kind != "attention")
    model.fail("'" + kind + "' is not gru, rnn_rate, rnn_vanilla or attention");
  // No default: torch's default is time-major (batch_first=False) while learndyn's export is
  // batch-first, and an (L, L, k) array reads either way without a shape error.
  const std::string layouts = "true if x is (B, T, inputs), false if (T, B, inputs) (torch's default)";
  if (!m.has("batch_first")) m.fail("missing required key \"batch_first\": " + layouts);
  const JsonCursor layout = m.member("batch_first");
  if (!layout.value().is_boolean()) layout.fail("expected " + layouts + ", found " + oracle::describe_type(layout.value()));
  const bool batch_first = layout.boolean();
  ArraySource arrays{load, std::nullopt};
  if (m.has("arrays")) {
    const JsonCursor at = m.member("arrays");
    const std::string path = at.string();
    if (!load_set) at.fail("not accepted here: the arrays are given directly");
    arrays.set = load_set(path);
  }
  if (kind == "attention") return attention(m, arrays, batch_first);
  return recurrent(m, kind, arrays, batch_first);
}

ManifestProblem read_manifest(const std::string& path) {
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  return parse_manifest(
      read_text_file(path), path, [&](const std::string& array) { return read_npy((dir / array).string()); },
      [&](const std::string& arrays) { return read_arrays((dir / arrays).string()); });
}

namespace {

// The arrays and the manifest's "weights" of a problem, in PyTorch's names and shapes.
struct Parts {
  std::map<std::string, NpyArray> arrays;
  std::vector<std::string> weights;  // in theta's order
};

// Splits theta into its named tensors (the inverse of read_weights).
void split_theta(const std::vector<double>& theta, const std::vector<std::pair<std::string, std::vector<std::size_t>>>& names,
                 Parts& parts) {
  std::size_t offset = 0;
  for (const auto& [name, shape] : names) {
    std::size_t count = 1;
    for (const std::size_t d : shape) count *= d;
    parts.arrays[name] = {shape, std::vector<double>(theta.begin() + offset, theta.begin() + offset + count)};
    parts.weights.push_back(name);
    offset += count;
  }
}

}  // namespace

void write_manifest(const std::string& dir, const ManifestProblem& problem, ArrayFormat format) {
  Parts parts;
  oracle::Json m;
  if (const auto* r = std::get_if<RecurrentProblem>(&problem)) {
    const fn::Shape& s = r->model.shape;
    const std::size_t g = static_cast<std::size_t>(fn::gate_count(s)) * s.hidden, n = s.hidden, n_in = s.inputs;
    std::vector<std::pair<std::string, std::vector<std::size_t>>> names{{"weight_ih_l0", {g, n_in}},
                                                                      {"weight_hh_l0", {g, n}}};
    if (s.bias) names.insert(names.end(), {{"bias_ih_l0", {g}}, {"bias_hh_l0", {g}}});
    split_theta(r->model.theta, names, parts);
    const std::size_t batch = r->inputs.batch, steps = r->inputs.steps;
    parts.arrays["x"] = {{batch, steps, n_in}, r->inputs.x};
    m = {{"model", fn::model_kind_name(s.kind)}, {"hidden", s.hidden}, {"inputs", s.inputs},
         {"alpha", r->model.alpha}, {"bias", s.bias}, {"batch_first", true}};
    if (!r->inputs.h0.empty()) parts.arrays["h0"] = {{batch, n}, r->inputs.h0};
    if (!r->target.empty()) parts.arrays["target"] = {{batch, steps, n}, r->target};
  } else {
    const auto& a = std::get<AttentionProblem>(problem);
    const fn::AttentionShape& s = a.model.shape;
    const std::size_t di = s.inputs, da = s.attention, dh = s.mlp, dout = s.outputs;
    split_theta(a.model.theta,
                {{"W_q", {da, di}}, {"W_k", {da, di}}, {"W_v", {da, di}}, {"W_1", {dh, da}}, {"b_1", {dh}},
                 {"W_2", {dout, dh}}, {"b_2", {dout}}},
                parts);
    parts.arrays["x"] = {{std::size_t(a.inputs.batch), std::size_t(a.inputs.steps), di}, a.inputs.x};
    m = {{"model", "attention"}, {"inputs", s.inputs}, {"attention", s.attention}, {"mlp", s.mlp},
         {"outputs", s.outputs}, {"batch_first", true}};
  }
  // Without "arrays" a reference is a file name; with it, the array's name in model.npz.
  const auto ref = [&](const std::string& name) { return format == ArrayFormat::npz ? name : name + ".npy"; };
  if (format == ArrayFormat::npz) m["arrays"] = "model.npz";
  oracle::Json weights = oracle::Json::object();
  for (const std::string& name : parts.weights) weights[name] = ref(name);
  m["weights"] = weights;
  for (const char* name : {"x", "h0", "target"})
    if (parts.arrays.count(name)) m[name] = ref(name);
  if (const auto* r = std::get_if<RecurrentProblem>(&problem); r && !r->golden.id.empty()) {
    m["case"] = r->golden.id;
    oracle::Json expected = oracle::Json::object();
    for (const oracle::GoldenValue& v : r->golden.expected) expected[v.quantity] = oracle::golden_value_json(v);
    m["expected"] = expected;
  }
  const std::filesystem::path folder(dir);
  std::filesystem::create_directories(folder);
  if (format == ArrayFormat::npz) {
    write_arrays((folder / "model.npz").string(), parts.arrays);
  } else {
    for (const auto& [name, array] : parts.arrays)
      write_file_atomically((folder / (name + ".npy")).string(), serialize_npy(array));
  }
  write_file_atomically((folder / "model.json").string(), m.dump(2) + "\n");
}

}  // namespace learndyn::experiments::ntk
