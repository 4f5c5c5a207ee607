#include "cli/ntk_commands.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "cli/options.hpp"
#include "cli/output.hpp"
#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/input_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/text_file.hpp>
#include <learndyn/common/memory_budget.hpp>
#include <learndyn/experiments/ntk/manifest.hpp>
#include <learndyn/experiments/ntk/metrics_memory.hpp>
#include "cli/ntk_attention_commands.hpp"
#include <learndyn/fast/ntk/attention.hpp>
#include <learndyn/fast/ntk/estimators.hpp>
#include <learndyn/fast/ntk/operators.hpp>
#include <learndyn/oracle/ntk_cases.hpp>
#include <learndyn/oracle/suite.hpp>

namespace learndyn::cli {
namespace {
namespace fn = learndyn::fast::ntk;

// ---- the model: built-in or from a manifest -----------------------------------------------

using Problem = experiments::ntk::RecurrentProblem;  // the model, its inputs, an optional target

struct ModelOptions {
  std::string manifest, model = "gru", hidden = "8", inputs = "3", batch = "4", steps = "10",
              alpha = "1", gain = "1", seed = "0";
  std::string attention = "8", mlp = "16", outputs = "1";  // --model attention only
  bool no_bias = false;
  std::set<std::string> given;  // the options the user gave (filled by the command's callback)
};

// The options that belong to one family of models only.
const char* const kRecurrentOnly[] = {"--manifest", "--hidden", "--alpha", "--gain", "--no-bias"};
const char* const kAttentionOnly[] = {"--attention", "--mlp", "--outputs"};
// The options that describe a model: a manifest (or an export's --case) states all of them.
const char* const kModelDescription[] = {"--model",  "--hidden", "--inputs",    "--batch",     "--steps", "--alpha",
                                         "--gain",   "--seed",   "--no-bias",   "--attention", "--mlp",   "--outputs"};

void record_given(const CLI::App& cmd, ModelOptions& o) {
  for (const char* name : kRecurrentOnly)
    if (cmd.get_option_no_throw(name) && cmd.count(name) > 0) o.given.insert(name);
  for (const char* name : kModelDescription)
    if (cmd.get_option_no_throw(name) && cmd.count(name) > 0) o.given.insert(name);
}

// Refuses the model options beside `source` (--manifest or --case), which states the model.
void refuse_model_options(const ModelOptions& o, const std::string& source) {
  for (const char* name : kModelDescription)
    if (o.given.count(name))
      throw ArgumentError(std::string(name).substr(2), "given",
                          "only without " + source + ", which states the model, its sizes and its inputs");
}

void add_model_options(CLI::App& cmd, ModelOptions& o, bool with_manifest) {
  if (with_manifest)
    cmd.add_option("--manifest", o.manifest, "JSON manifest of a user's model (.npy weights, inputs); see docs");
  cmd.add_option("--model", o.model, "built-in model: gru | rnn_rate | rnn_vanilla | attention (default gru)");
  add_hidden(cmd, o.hidden, "1..4096 (default 8)");
  cmd.add_option("--inputs", o.inputs, "input dimension n_in, 1..4096 (default 3)")->type_name("INT");
  cmd.add_option("--batch", o.batch, "batch B, 1..100000 (default 4)")->type_name("INT");
  cmd.add_option("--steps", o.steps, "time steps T, 1..100000 (default 10)")->type_name("INT");
  add_decimal(cmd, "alpha", o.alpha, "leak of the RNNs, 0 < alpha <= 1 (default 1)");
  add_decimal(cmd, "gain", o.gain, "weight scale g > 0: N(0, g^2/fan_in) (default 1)");
  add_seed(cmd, o.seed);
  cmd.add_flag("--no-bias", o.no_bias, "built-in model without biases");
  {  // the self-attention model (N41)
    cmd.add_option("--attention", o.attention, "attention: d_a of the q, k, v projections, 1..1024 (default 8)")->type_name("INT");
    cmd.add_option("--mlp", o.mlp, "attention: MLP hidden width d_h, 1..4096 (default 16)")->type_name("INT");
    cmd.add_option("--outputs", o.outputs, "attention: output dimension d_out, 1..1024 (default 1)")->type_name("INT");
  }
}

Problem builtin_problem(const ModelOptions& o) {
  fn::Shape shape;
  shape.kind = fn::parse_model_kind(o.model, "model");
  shape.hidden = static_cast<int>(parse_integer(o.hidden, "hidden", 1, 4096));
  shape.inputs = static_cast<int>(parse_integer(o.inputs, "inputs", 1, 4096));
  shape.bias = !o.no_bias;
  const int batch = static_cast<int>(parse_integer(o.batch, "batch", 1, 100000));
  const int steps = static_cast<int>(parse_integer(o.steps, "steps", 1, 100000));
  const double alpha = parse_double(o.alpha, "alpha");
  require(alpha > 0 && alpha <= 1, "alpha", alpha, "0 < alpha <= 1");
  const double gain = parse_double(o.gain, "gain");
  require(gain > 0 && std::isfinite(gain), "gain", gain, "g > 0 finite");
  require(static_cast<double>(batch) * steps * shape.hidden <= 5e7, "batch", batch,
          "B T n <= 5e7 states");
  // The inputs are B x T x n_in doubles: at n_in = 4096 the state bound above let 2e11 through.
  require(static_cast<double>(batch) * steps * shape.inputs <= 5e7, "batch", batch,
          "B T n_in <= 5e7 input entries");
  const std::uint64_t seed = parse_seed(o.seed);
  Problem p{fn::random_model(shape, alpha, gain, seed), fn::random_inputs(shape, batch, steps, seed + 1), {}, {}};
  // g N(0,1)/sqrt(fan_in) overflows near g = 1.8e308: export wrote inf into the .npy files
  // and metrics named an internal theta.
  const auto finite = [](double x) { return std::isfinite(x); };
  require(std::all_of(p.model.theta.begin(), p.model.theta.end(), finite), "gain", gain,
          "g > 0 whose drawn weights are finite doubles");
  return p;
}

// ---- metrics --------------------------------------------------------------------------------

struct MetricsOptions {
  ModelOptions model;
  std::string estimator = "hutch++", sketch = "16", residual = "32", probes = "64", estimator_seed = "1",
              top_k = "0", threads = "2";
  bool ranks = false, json = false;
};

Json estimate_json(const fn::Estimate& e) { return Json{{"value", e.value}, {"standard_error", e.standard_error}}; }

// The estimator settings, checked before any model is built.
struct EstimatorSettings {
  int sketch, residual, probes, top_k;
  unsigned threads;
  std::uint64_t seed;
};

EstimatorSettings estimator_settings(const MetricsOptions& o) {
  require(o.estimator == "hutch++" || o.estimator == "hutchinson" || o.estimator == "exact", "estimator",
          "'" + o.estimator + "'", "hutch++, hutchinson or exact");
  return {static_cast<int>(parse_integer(o.sketch, "sketch", 1, 4096)),
          static_cast<int>(parse_integer(o.residual, "residual", 0, 4096)),
          static_cast<int>(parse_integer(o.probes, "probes", 2, 100000)),
          static_cast<int>(parse_integer(o.top_k, "top-k", 0, 1000)),
          parse_threads(o.threads, 2),
          static_cast<std::uint64_t>(parse_integer(o.estimator_seed, "estimator-seed", 0, 9223372036854775807L))};
}

// What the metrics apply the NTK to, for the memory estimate (experiments/ntk/metrics_memory.hpp).
experiments::ntk::MetricsWork metrics_work(const MetricsOptions& o, const EstimatorSettings& e) {
  using Estimator = experiments::ntk::MetricsWork::Estimator;
  experiments::ntk::MetricsWork w;
  w.estimator = o.estimator == "exact" ? Estimator::exact : o.estimator == "hutchinson" ? Estimator::hutchinson
                                                                                       : Estimator::hutch_plus_plus;
  w.sketch = e.sketch;
  w.residual = e.residual;
  w.probes = e.probes;
  w.cosine_probes = std::max(e.probes, 8);  // add_operator_metrics' cosine
  w.top_k = e.top_k;
  w.reduced = o.ranks;
  return w;
}

// The options that set the sizes, or the manifest, named when the estimate is refused.
experiments::ntk::SizeNames size_names(const ModelOptions& o) {
  if (!o.manifest.empty()) return {"manifest", o.manifest, "manifest", o.manifest, "manifest", o.manifest};
  return {"batch", o.batch, "hidden", o.hidden, "steps", o.steps};
}

// What the metrics need of a model: NTK_S and its core as operators on the state space of
// B x T x n (n = the per-step state size), and an optional state-shaped target.
struct OperatorView {
  fn::SymmetricOperator ntk, core;
  int batch, steps, hidden;
  const std::vector<double>* target;
};

// Trace, Frobenius norm, participation ratio (estimated or exact), cosine with the core, the
// named ranks (N22-N23), top eigenvalues (N32) and the alignment (N27), added to `r`.
void add_operator_metrics(const MetricsOptions& o, const EstimatorSettings& e, const OperatorView& v, Json& r) {
  const fn::SymmetricOperator& a = v.ntk;
  const std::ptrdiff_t dim = a.dimension;
  const int sketch = e.sketch, residual = e.residual, probes = e.probes, top_k = e.top_k;
  const std::uint64_t seed = e.seed;
  fn::RankEstimate est;
  if (o.estimator == "exact") {
    std::vector<double> id(static_cast<std::size_t>(dim) * dim, 0.0), dense(id.size());
    for (std::ptrdiff_t j = 0; j < dim; ++j) id[j * dim + j] = 1;
    a.apply(id.data(), dense.data(), static_cast<int>(dim));
    const fn::SmallMetrics sm = fn::small_metrics(dense, static_cast<int>(dim));
    est.trace = {sm.trace, 0};
    est.trace_of_square = {sm.frobenius * sm.frobenius, 0};
    est.frobenius = {sm.frobenius, 0};
    est.participation_ratio = {sm.participation_ratio, 0};
    est.matvecs = static_cast<int>(dim);
    r["estimator"] = {{"method", "exact"}, {"matvecs", dim}};
    r["participation_ratio_AAstar"] = sm.participation_ratio_aastar;
  } else if (o.estimator == "hutch++") {
    est = fn::hutch_plus_plus(a, sketch, residual, seed);
    r["estimator"] = {{"method", "hutch++"}, {"sketch", sketch}, {"residual", residual}, {"matvecs", est.matvecs}, {"seed", seed}};
  } else {
    est = fn::hutchinson(a, probes, seed);
    r["estimator"] = {{"method", "hutchinson"}, {"probes", probes}, {"matvecs", est.matvecs}, {"seed", seed}};
  }
  r["trace"] = estimate_json(est.trace);
  r["frobenius"] = estimate_json(est.frobenius);
  r["participation_ratio"] = estimate_json(est.participation_ratio);
  r["participation_ratio_of"] = "NTK_S itself: (tr A)^2 / tr(A^2) (kpflow's default uses A A*)";
  r["core_cosine"] = estimate_json(fn::operator_cosine(a, v.core, std::max(probes, 8), seed + 7));
  if (o.ranks) {
    Json ranks = Json::object();
    const struct { const char* name; fn::KeptAxes keep; int size; } axes[] = {
        {"temporal", {false, true, false}, v.steps},
        {"spatial", {false, false, true}, v.hidden},
        {"batch", {true, false, false}, v.batch}};
    for (const auto& ax : axes) {
      require(ax.size <= 4096, "ranks", ax.size, "kept axes of at most 4096 entries");
      const std::vector<double> red = fn::reduced_operator(a, v.batch, v.steps, v.hidden, ax.keep);
      ranks[ax.name] = fn::small_metrics(red, ax.size).participation_ratio;
    }
    r["ranks"] = ranks;
  }
  if (top_k > 0) {
    std::vector<double> residuals;
    r["top_eigenvalues"] = fn::lanczos_top(a, top_k, std::max(2 * top_k + 20, 3 * top_k), seed + 11, &residuals);
    r["top_eigenvalue_residuals"] = residuals;
  }
  if (v.target && !v.target->empty()) {
    const fn::Alignment al = fn::alignment(a, *v.target, est);
    r["alignment"] = {{"rayleigh", al.rayleigh}, {"trace_normalised", estimate_json(al.trace_normalised)},
                      {"kernel", estimate_json(al.kernel)}};
  }
}

// `--model attention` (N41-N47): the single-block self-attention + MLP model; its core is K.
using AttentionProblem = experiments::ntk::AttentionProblem;

// The size limits of the attention model (memory: states and softmax weights).
void require_attention_size(const fn::AttentionShape& shape, int batch, int steps) {
  require(static_cast<double>(batch) * steps * shape.state_size() <= 5e7, "batch", batch,
          "B T (4 attention + mlp + outputs) <= 5e7 states");
  require(static_cast<double>(batch) * steps * steps <= 5e7, "steps", steps, "B T^2 <= 5e7 attention weights");
}

AttentionProblem builtin_attention(const ModelOptions& o) {
  for (const char* name : kRecurrentOnly)
    if (o.given.count(name) && std::string(name) != "--manifest")
      throw ArgumentError(std::string(name).substr(2), "given", "only with --model gru, rnn_rate or rnn_vanilla");
  fn::AttentionShape shape;
  shape.inputs = static_cast<int>(parse_integer(o.inputs, "inputs", 1, 4096));
  shape.attention = static_cast<int>(parse_integer(o.attention, "attention", 1, 1024));
  shape.mlp = static_cast<int>(parse_integer(o.mlp, "mlp", 1, 4096));
  shape.outputs = static_cast<int>(parse_integer(o.outputs, "outputs", 1, 1024));
  const int batch = static_cast<int>(parse_integer(o.batch, "batch", 1, 100000));
  const int steps = static_cast<int>(parse_integer(o.steps, "steps", 1, 100000));
  require_attention_size(shape, batch, steps);
  const std::uint64_t seed = parse_seed(o.seed);
  return {fn::random_attention(shape, seed), fn::random_attention_inputs(shape, batch, steps, seed + 1)};
}

// `--model attention` or an attention manifest (N41-N47); its core is K.
Json attention_metrics_report(const MetricsOptions& o, const EstimatorSettings& e, const AttentionProblem& p,
                              const std::string& source) {
  const fn::AttentionShape& shape = p.model.shape;
  const int batch = p.inputs.batch, steps = p.inputs.steps;
  require(o.estimator != "exact" || static_cast<double>(batch) * steps * shape.state_size() <= 4096, "estimator",
          "exact", "exact only for B T (4 attention + mlp + outputs) <= 4096 states");
  require_memory_terms(experiments::ntk::kMetricsFixedBytes,
                       experiments::ntk::attention_metrics_memory(shape, batch, steps, metrics_work(o, e), size_names(o.model)));
  const fn::AttentionNtk ntk(p.model, p.inputs, {e.threads});
  Json r = Json::object();
  r["command"] = "ntk metrics";
  r["model"] = {{"kind", "attention"}, {"inputs", shape.inputs}, {"attention", shape.attention},
                {"mlp", shape.mlp}, {"outputs", shape.outputs}, {"batch", batch}, {"steps", steps},
                {"state_size", shape.state_size()}, {"parameters", shape.parameter_count()},
                {"states", ntk.dimension()}, {"source", source}};
  r["kernels"] = ntk.kernel_name();
  r["core"] = "K (proofs/ntk.md N43); spatial axis = the per-token state [q k v a u y]";
  add_operator_metrics(o, e, {ntk.ntk_operator(), ntk.k_operator(), batch, steps, shape.state_size(), nullptr}, r);
  return r;
}

bool has_nan(const Json& j) {
  if (j.is_number_float()) return std::isnan(j.get<double>());
  if (j.is_structured())
    for (const auto& item : j) if (has_nan(item)) return true;
  return false;
}

// A zero NTK_S (a saturated model: --gain 1e300, or --alpha 1e-300) has undefined ratios,
// which were printed as null. Refused, naming the model's scale (or the manifest).
Json checked_metrics(const MetricsOptions& o, Json report) {
  if (!has_nan(report)) return report;
  const bool builtin = o.model.manifest.empty();
  throw ArgumentError(builtin ? "gain" : "manifest", builtin ? o.model.gain + " (alpha " + o.model.alpha + ")" : o.model.manifest,
                      "a model whose NTK_S is not zero (its ratios came out NaN)");
}

// The golden case a manifest carries (`ntk export --case`): each expected value beside the
// value printed above it, if any, and their relative difference.
Json golden_report(const experiments::ntk::ManifestCase& golden, const Json& r) {
  Json values = Json::object();
  for (const oracle::GoldenValue& v : golden.expected) {
    Json row{{"expected", v.value}, {"certified_digits", v.certified_digits}};
    if (r.contains(v.quantity)) {
      const Json& got = r[v.quantity].is_object() ? r[v.quantity]["value"] : r[v.quantity];
      const double expected = parse_decimal<double>(v.value, v.quantity);
      row["printed"] = got;
      if (expected != 0) row["relative_difference"] = std::abs(got.get<double>() - expected) / std::abs(expected);
    }
    values[v.quantity] = row;
  }
  return Json{{"case", golden.id}, {"values", values}};
}

Json metrics_report(const MetricsOptions& o) {
  const std::string& kind = o.model.model;
  require(kind == "gru" || kind == "rnn_rate" || kind == "rnn_vanilla" || kind == "attention", "model",
          "'" + kind + "'", "gru, rnn_rate, rnn_vanilla or attention");
  const EstimatorSettings e = estimator_settings(o);
  std::optional<experiments::ntk::ManifestProblem> manifest;
  if (!o.model.manifest.empty()) {
    refuse_model_options(o.model, "--manifest");
    manifest = experiments::ntk::read_manifest(o.model.manifest);
  }
  if (manifest && std::holds_alternative<AttentionProblem>(*manifest)) {
    const AttentionProblem& p = std::get<AttentionProblem>(*manifest);
    require_attention_size(p.model.shape, p.inputs.batch, p.inputs.steps);
    return attention_metrics_report(o, e, p, o.model.manifest);
  }
  if (o.model.manifest.empty() && kind == "attention")
    return attention_metrics_report(o, e, builtin_attention(o.model), "built-in");
  for (const char* name : kAttentionOnly)
    if (o.model.given.count(name))
      throw ArgumentError(std::string(name).substr(2), "given", "only with --model attention");
  const Problem p = manifest ? std::get<Problem>(*manifest) : builtin_problem(o.model);
  const std::ptrdiff_t states = static_cast<std::ptrdiff_t>(p.inputs.batch) * p.inputs.steps * p.model.shape.hidden;
  require(o.estimator != "exact" || states <= 4096, "estimator", "exact", "exact only for B T n <= 4096 states");
  require_memory_terms(experiments::ntk::kMetricsFixedBytes,
                       experiments::ntk::recurrent_metrics_memory(p.model.shape, p.inputs.batch, p.inputs.steps,
                                                                  metrics_work(o, e), size_names(o.model)));
  const fn::Ntk ntk(p.model, p.inputs, {e.threads});
  const std::ptrdiff_t dim = ntk.dimension();
  const fn::SymmetricOperator a{dim, [&](const double* in, double* out, int m) { ntk.apply_ntk(in, out, m); }};
  const fn::SymmetricOperator core{dim, [&](const double* in, double* out, int m) { ntk.apply_core(in, out, m); }};
  const fn::Shape& s = p.model.shape;
  Json r = Json::object();
  r["command"] = "ntk metrics";
  r["model"] = {{"kind", fn::model_kind_name(s.kind)}, {"hidden", s.hidden}, {"inputs", s.inputs},
                {"batch", p.inputs.batch}, {"steps", p.inputs.steps}, {"alpha", p.model.alpha},
                {"bias", s.bias}, {"parameters", fn::parameter_count(s)}, {"states", dim},
                {"source", o.model.manifest.empty() ? "built-in" : o.model.manifest}};
  r["kernels"] = ntk.kernel_name();
  add_operator_metrics(o, e, {a, core, p.inputs.batch, p.inputs.steps, s.hidden, &p.target}, r);
  if (!p.golden.id.empty()) r["golden"] = golden_report(p.golden, r);
  return r;
}

// ---- export: a built-in model or a golden case as a manifest and its arrays -----------------

struct ExportOptions {
  ModelOptions model;
  std::string dir, arrays = "npy", case_id;
};

// The golden NTK case `id` (oracle/ntk_cases.cpp): the built-in model its inputs name, with
// its id and certified values.
Problem golden_case_problem(const std::string& id) {
  const std::vector<oracle::CaseDefinition> cases = oracle::ntk_cases(oracle::SuiteName::full);
  const oracle::CaseDefinition& c = oracle::find_case(cases, id, "case");
  ModelOptions m;
  for (const auto& [name, value] : c.inputs) {
    if (name == "model") m.model = value;
    else if (name == "hidden") m.hidden = value;
    else if (name == "inputs") m.inputs = value;
    else if (name == "batch") m.batch = value;
    else if (name == "steps") m.steps = value;
    else if (name == "alpha") m.alpha = value;
    else if (name == "gain") m.gain = value;
    else if (name == "seed") m.seed = value;
    else if (name == "bias") m.no_bias = value != "true";
  }
  Problem p = builtin_problem(m);  // the case's model is exactly this one (oracle/ntk_cases.cpp)
  p.golden = {c.id, oracle::golden_values(c.reference(), kWorkingDigits)};
  return p;
}

void export_model(const ExportOptions& o) {
  require(o.arrays == "npy" || o.arrays == "npz", "arrays", "'" + o.arrays + "'", "npy or npz");
  const auto format = o.arrays == "npz" ? experiments::ntk::ArrayFormat::npz : experiments::ntk::ArrayFormat::npy;
  if (!o.case_id.empty()) {
    refuse_model_options(o.model, "--case");
    return experiments::ntk::write_manifest(o.dir, golden_case_problem(o.case_id), format);
  }
  if (o.model.model == "attention") return experiments::ntk::write_manifest(o.dir, builtin_attention(o.model), format);
  for (const char* name : kAttentionOnly)
    if (o.model.given.count(name)) throw ArgumentError(std::string(name).substr(2), "given", "only with --model attention");
  experiments::ntk::write_manifest(o.dir, builtin_problem(o.model), format);
}

}  // namespace

void add_ntk_commands(CLI::App& app, std::function<void()>& action) {
  auto* group = app.add_subcommand("ntk", "the global empirical NTK = P K P* of RNNs, GRUs and self-attention: trace, "
                                          "Frobenius norm, effective rank, ranks, spectrum, alignment");
  group->require_subcommand(1);

  auto mo = std::make_shared<MetricsOptions>();
  auto* metrics = group->add_subcommand("metrics", "NTK_S metrics of a built-in random model or of --manifest");
  set_example(*metrics, "learndyn ntk metrics --model gru --hidden 8 --json");
  add_model_options(*metrics, mo->model, true);
  metrics->add_option("--estimator", mo->estimator, "hutch++ | hutchinson | exact (dense, B T n <= 4096) (default hutch++)");
  metrics->add_option("--sketch", mo->sketch, "Hutch++ range probes (default 16)")->type_name("INT");
  metrics->add_option("--residual", mo->residual, "Hutch++ residual probes (default 32)")->type_name("INT");
  metrics->add_option("--probes", mo->probes, "Hutchinson probes, also the cosine's (default 64)")->type_name("INT");
  metrics->add_option("--estimator-seed", mo->estimator_seed, "seed of the probes (default 1)")->type_name("INT");
  metrics->add_flag("--ranks", mo->ranks, "temporal, spatial and batch ranks (PR of the reduced operators)");
  metrics->add_option("--top-k", mo->top_k, "k largest eigenvalues by Lanczos (default 0: none)")->type_name("INT");
  add_threads(*metrics, mo->threads, "2", 2);
  metrics->add_flag("--json", mo->json, "print JSON (default: name: value lines)");
  metrics->callback([mo, metrics, &action] {
    record_given(*metrics, mo->model);
    action = [mo] { print_report(std::cout, checked_metrics(*mo, metrics_report(*mo)), mo->json); };
  });

  auto eo = std::make_shared<ExportOptions>();
  auto* export_cmd = group->add_subcommand(
      "export", "write a built-in model or a golden NTK case as DIR/model.json + arrays (the --manifest format)");
  set_example(*export_cmd, "learndyn ntk export --model gru --hidden 8 --dir model");
  add_model_options(*export_cmd, eo->model, false);
  export_cmd->add_option("--dir", eo->dir, "directory to write")->required()->check(non_empty_path());
  export_cmd->add_option("--arrays", eo->arrays, "npy (one .npy file per array) | npz (one model.npz) (default npy)");
  export_cmd->add_option("--case", eo->case_id, "a golden NTK case id (`learndyn oracle show --list`): its model, "
                                                "with the case id and its certified values")->type_name("ID");
  export_cmd->callback([eo, export_cmd, &action] {
    record_given(*export_cmd, eo->model);
    action = [eo] { export_model(*eo); };
  });

  add_ntk_attention_commands(*group, action);
}

}  // namespace learndyn::cli
