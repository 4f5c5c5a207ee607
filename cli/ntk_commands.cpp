#include "cli/ntk_commands.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "cli/options.hpp"
#include "cli/output.hpp"
#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/input_error.hpp>
#include <learndyn/common/parallel.hpp>
#include <learndyn/common/text_file.hpp>
#include <learndyn/experiments/ntk/manifest.hpp>
#include <learndyn/experiments/ntk/metrics.hpp>
#include <learndyn/experiments/ntk/metrics_memory.hpp>
#include "cli/ntk_attention_commands.hpp"
#include <learndyn/fast/ntk/attention.hpp>
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
    cmd.add_option("--manifest", o.manifest, "JSON manifest of a user's model (.npz or .npy arrays, batch_first); docs/ntk_manifest.md");
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
              top_k = "0", threads, precision = "float64";
  bool ranks = false, core_cosine = false, json = false;
};

// The estimator settings, checked before any model is built (the CLI's option names; the
// library checks the same ranges again under its field names).
experiments::ntk::MetricsSettings estimator_settings(const MetricsOptions& o) {
  experiments::ntk::MetricsSettings s;
  require(o.estimator == "hutch++" || o.estimator == "hutchinson" || o.estimator == "exact", "estimator",
          "'" + o.estimator + "'", "hutch++, hutchinson or exact");
  s.estimator = o.estimator;
  s.sketch = static_cast<int>(parse_integer(o.sketch, "sketch", 1, 4096));
  s.residual = static_cast<int>(parse_integer(o.residual, "residual", 0, 4096));
  s.probes = static_cast<int>(parse_integer(o.probes, "probes", 2, 100000));
  s.top_k = static_cast<int>(parse_integer(o.top_k, "top-k", 0, 1000));
  s.threads = parse_threads(o.threads);
  s.seed = static_cast<std::uint64_t>(parse_integer(o.estimator_seed, "estimator-seed", 0, 9223372036854775807L));
  s.ranks = o.ranks;
  s.core_cosine = o.core_cosine;
  require(o.precision == "float64" || o.precision == "float32", "precision", "'" + o.precision + "'",
          "float32 or float64");
  s.precision = o.precision;
  return s;
}

// The options that set the sizes, or the manifest, named when the memory estimate is refused.
experiments::ntk::SizeNames size_names(const ModelOptions& o) {
  if (!o.manifest.empty()) return {"manifest", o.manifest, "manifest", o.manifest, "manifest", o.manifest};
  return {"batch", o.batch, "hidden", o.hidden, "steps", o.steps};
}

// `--model attention` (N41-N47): the single-block self-attention + MLP model; its core is K.
using AttentionProblem = experiments::ntk::AttentionProblem;

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
  experiments::ntk::require_attention_size(shape, batch, steps);
  const std::uint64_t seed = parse_seed(o.seed);
  return {fn::random_attention(shape, seed), fn::random_attention_inputs(shape, batch, steps, seed + 1)};
}

// A zero NTK_S (a saturated model: --gain 1e300, or --alpha 1e-300) has undefined ratios,
// which were printed as null. Refused, naming the model's scale (or the manifest).
Json checked_metrics(const MetricsOptions& o, Json report) {
  if (!experiments::ntk::has_nan(report)) return report;
  const bool builtin = o.model.manifest.empty();
  throw ArgumentError(builtin ? "gain" : "manifest", builtin ? o.model.gain + " (alpha " + o.model.alpha + ")" : o.model.manifest,
                      "a model whose NTK_S is not zero (its ratios came out NaN)");
}

Json metrics_report(const MetricsOptions& o) {
  const std::string& kind = o.model.model;
  require(kind == "gru" || kind == "rnn_rate" || kind == "rnn_vanilla" || kind == "attention", "model",
          "'" + kind + "'", "gru, rnn_rate, rnn_vanilla or attention");
  const experiments::ntk::MetricsSettings e = estimator_settings(o);
  const WorkerStart workers(e.threads);  // while the model is read or drawn (docs/ntk.md "Cold start, fifth round")
  std::optional<experiments::ntk::ManifestProblem> manifest;
  if (!o.model.manifest.empty()) {
    refuse_model_options(o.model, "--manifest");
    manifest = experiments::ntk::read_manifest(o.model.manifest);
  }
  if (manifest && std::holds_alternative<AttentionProblem>(*manifest))
    return experiments::ntk::attention_metrics(std::get<AttentionProblem>(*manifest), e, o.model.manifest,
                                               size_names(o.model));
  if (!manifest && kind == "attention")
    return experiments::ntk::attention_metrics(builtin_attention(o.model), e, "built-in", size_names(o.model));
  for (const char* name : kAttentionOnly)
    if (o.model.given.count(name))
      throw ArgumentError(std::string(name).substr(2), "given", "only with --model attention");
  if (manifest)
    return experiments::ntk::recurrent_metrics(std::get<Problem>(*manifest), e, o.model.manifest, size_names(o.model));
  return experiments::ntk::recurrent_metrics(builtin_problem(o.model), e, "built-in", size_names(o.model));
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
  metrics->add_flag("--core-cosine", mo->core_cosine,
                    "also core_cosine = cos(NTK_S, core) on --probes probes of its own (that many extra matvecs)");
  metrics->add_option("--precision", mo->precision,
                      "working precision of the NTK operators: float64 (default) or float32 (every model; "
                      "faster, error bound in proofs/ntk.md N56-N58, attention N72)")
      ->type_name("float32|float64");
  metrics->add_option("--top-k", mo->top_k, "k largest eigenvalues by Lanczos (default 0: none)")->type_name("INT");
  add_threads(*metrics, mo->threads);
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
