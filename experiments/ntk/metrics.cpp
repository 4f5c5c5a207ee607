#include <learndyn/experiments/ntk/metrics.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/decimal.hpp>
#include <learndyn/common/memory_budget.hpp>
#include <learndyn/common/parallel.hpp>
#include <learndyn/fast/ntk/estimators.hpp>
#include <learndyn/fast/ntk/operators.hpp>

namespace learndyn::experiments::ntk {

namespace {

namespace fn = learndyn::fast::ntk;

void require_integer(long long value, const char* name, long lo, long hi) {
  require(value >= lo && value <= hi, name, value,
          "an integer with " + std::to_string(lo) + " <= " + name + " <= " + std::to_string(hi));
}

Json estimate_json(const fn::Estimate& e) { return Json{{"value", e.value}, {"standard_error", e.standard_error}}; }

// What the metrics need of a model: NTK_S and its core as operators on the state space of
// B x T x n (n = the per-step state size), and an optional state-shaped target.
struct OperatorView {
  fn::SymmetricOperator ntk, core;
  int batch, steps, hidden;
  const std::vector<double>* target;
};

// Trace, Frobenius norm, participation ratio (estimated or exact), cosine with the core, the
// named ranks (N22-N23), top eigenvalues (N32) and the alignment (N27), added to `r`.
void add_operator_metrics(const MetricsSettings& s, const OperatorView& v, Json& r) {
  const fn::SymmetricOperator& a = v.ntk;
  const std::ptrdiff_t dim = a.dimension;
  const int sketch = s.sketch, residual = s.residual, probes = s.probes, top_k = s.top_k;
  const std::uint64_t seed = s.seed;
  fn::RankEstimate est;
  if (s.estimator == "exact") {
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
  } else if (s.estimator == "hutch++") {
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
  if (s.core_cosine) r["core_cosine"] = estimate_json(fn::operator_cosine(a, v.core, std::max(probes, 8), seed + 7));
  if (s.ranks) {
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

// The golden case a manifest carries (`ntk export --case`): each expected value beside the
// value the report holds, if any, and their relative difference.
Json golden_report(const ManifestCase& golden, const Json& r) {
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

}  // namespace

MetricsSettings metrics_settings(const std::string& estimator, long long sketch, long long residual,
                                 long long probes, long long top_k, long long threads, long long seed,
                                 bool ranks, bool core_cosine, const std::string& precision) {
  require(estimator == "hutch++" || estimator == "hutchinson" || estimator == "exact", "estimator",
          "'" + estimator + "'", "hutch++, hutchinson or exact");
  require_integer(sketch, "sketch", 1, 4096);
  require_integer(residual, "residual", 0, 4096);
  require_integer(probes, "probes", 2, 100000);
  require_integer(top_k, "top_k", 0, 1000);
  require_integer(threads, "threads", 0, kMaxThreads);
  require_integer(seed, "seed", 0, 9223372036854775807LL);
  MetricsSettings s;
  s.estimator = estimator;
  s.sketch = static_cast<int>(sketch);
  s.residual = static_cast<int>(residual);
  s.probes = static_cast<int>(probes);
  s.top_k = static_cast<int>(top_k);
  s.threads = static_cast<unsigned>(threads);
  s.seed = static_cast<std::uint64_t>(seed);
  s.ranks = ranks;
  s.core_cosine = core_cosine;
  s.precision = fn::precision_name(fn::parse_precision(precision, "precision"));
  return s;
}

void validate(const MetricsSettings& s) {
  require(s.seed <= 9223372036854775807ULL, "seed", s.seed, "an integer with 0 <= seed <= 9223372036854775807");
  metrics_settings(s.estimator, s.sketch, s.residual, s.probes, s.top_k, s.threads, static_cast<long long>(s.seed),
                   s.ranks, s.core_cosine, s.precision);
}

MetricsWork metrics_work(const MetricsSettings& s) {
  using Estimator = MetricsWork::Estimator;
  MetricsWork w;
  w.estimator = s.estimator == "exact"        ? Estimator::exact
              : s.estimator == "hutchinson" ? Estimator::hutchinson
                                            : Estimator::hutch_plus_plus;
  w.sketch = s.sketch;
  w.residual = s.residual;
  w.probes = s.probes;
  w.cosine_probes = s.core_cosine ? std::max(s.probes, 8) : 0;  // add_operator_metrics' cosine
  w.top_k = s.top_k;
  w.reduced = s.ranks;
  w.threads = s.threads;
  w.float32 = s.precision == "float32";
  return w;
}

void require_attention_size(const fn::AttentionShape& shape, int batch, int steps) {
  require(static_cast<double>(batch) * steps * shape.state_size() <= 5e7, "batch", batch,
          "B T (4 attention + mlp + outputs) <= 5e7 states");
  require(static_cast<double>(batch) * steps * steps <= 5e7, "steps", steps, "B T^2 <= 5e7 attention weights");
}

Json attention_metrics(const AttentionProblem& p, const MetricsSettings& s, const std::string& source,
                       const SizeNames& names) {
  validate(s);
  const fn::AttentionShape& shape = p.model.shape;
  const int batch = p.inputs.batch, steps = p.inputs.steps;
  require_attention_size(shape, batch, steps);
  require(s.estimator != "exact" || static_cast<double>(batch) * steps * shape.state_size() <= 4096, "estimator",
          "exact", "exact only for B T (4 attention + mlp + outputs) <= 4096 states");
  require_memory_terms(kMetricsFixedBytes, attention_metrics_memory(shape, batch, steps, metrics_work(s), names));
  const fn::AttentionNtk ntk(p.model, p.inputs, {s.threads, false, fn::parse_precision(s.precision, "precision")});
  Json r = Json::object();
  r["command"] = "ntk metrics";
  r["model"] = {{"kind", "attention"}, {"inputs", shape.inputs}, {"attention", shape.attention},
                {"mlp", shape.mlp}, {"outputs", shape.outputs}, {"batch", batch}, {"steps", steps},
                {"state_size", shape.state_size()}, {"parameters", shape.parameter_count()},
                {"states", ntk.dimension()}, {"source", source}};
  r["kernels"] = ntk.kernel_name();
  if (ntk.precision() == fn::Precision::float32) r["precision"] = "float32";
  r["core"] = "K (proofs/ntk.md N43); spatial axis = the per-token state [q k v a u y]";
  add_operator_metrics(s, {ntk.ntk_operator(), ntk.k_operator(), batch, steps, shape.state_size(), nullptr}, r);
  return r;
}

Json recurrent_metrics(const RecurrentProblem& p, const MetricsSettings& s, const std::string& source,
                       const SizeNames& names) {
  validate(s);
  const std::ptrdiff_t states = static_cast<std::ptrdiff_t>(p.inputs.batch) * p.inputs.steps * p.model.shape.hidden;
  require(s.estimator != "exact" || states <= 4096, "estimator", "exact", "exact only for B T n <= 4096 states");
  MetricsWork work = metrics_work(s);
  work.in_place = true;  // NTK_S below is applied in place (N64)
  require_memory_terms(kMetricsFixedBytes, recurrent_metrics_memory(p.model.shape, p.inputs.batch, p.inputs.steps,
                                                                    work, names));
  const fn::Ntk ntk(p.model, p.inputs, {s.threads, false, fn::parse_precision(s.precision, "precision")});
  const std::ptrdiff_t dim = ntk.dimension();
  const fn::SymmetricOperator a{dim, [&](const double* in, double* out, int m) { ntk.apply_ntk(in, out, m); }, s.threads,
                                true};
  const fn::SymmetricOperator core{dim, [&](const double* in, double* out, int m) { ntk.apply_core(in, out, m); }, s.threads};
  const fn::Shape& sh = p.model.shape;
  Json r = Json::object();
  r["command"] = "ntk metrics";
  r["model"] = {{"kind", fn::model_kind_name(sh.kind)}, {"hidden", sh.hidden}, {"inputs", sh.inputs},
                {"batch", p.inputs.batch}, {"steps", p.inputs.steps}, {"alpha", p.model.alpha},
                {"bias", sh.bias}, {"parameters", fn::parameter_count(sh)}, {"states", dim},
                {"source", source}};
  r["kernels"] = ntk.kernel_name();
  if (ntk.precision() == fn::Precision::float32) r["precision"] = "float32";
  add_operator_metrics(s, {a, core, p.inputs.batch, p.inputs.steps, sh.hidden, &p.target}, r);
  if (!p.golden.id.empty()) r["golden"] = golden_report(p.golden, r);
  return r;
}

Json problem_metrics(const ManifestProblem& p, const MetricsSettings& s, const std::string& source,
                     const SizeNames& names) {
  if (const auto* a = std::get_if<AttentionProblem>(&p)) return attention_metrics(*a, s, source, names);
  return recurrent_metrics(std::get<RecurrentProblem>(p), s, source, names);
}

bool has_nan(const Json& j) {
  if (j.is_number_float()) return std::isnan(j.get<double>());
  if (j.is_structured())
    for (const auto& item : j)
      if (has_nan(item)) return true;
  return false;
}

}  // namespace learndyn::experiments::ntk
