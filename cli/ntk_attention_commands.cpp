#include "cli/ntk_attention_commands.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/experiment_output.hpp"
#include "cli/figure.hpp"
#include "cli/options.hpp"
#include "cli/report.hpp"
#include "cli/tables.hpp"
#include "common/argument_error.hpp"
#include "fast/ntk/attention.hpp"
#include "fast/ntk/estimators.hpp"

namespace learndyn::cli {
namespace {
namespace fn = learndyn::fast::ntk;

struct RankOptions {
  std::string inputs = "1,2,4,8,16,32,64", seeds = "0,1,2", attention = "64", mlp = "128", outputs = "1",
              batch = "4", steps = "50", threads = "2", sketch = "16", residual = "32", format = "csv", output,
              figure;
  bool spatial = false, overall = false;
};

// A comma-separated list of integers in [lo, hi], at least one.
std::vector<long> parse_list(const std::string& text, const std::string& parameter, long lo, long hi) {
  std::vector<long> values;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) values.push_back(parse_integer(item, parameter, lo, hi));
  require(!values.empty() && (text.empty() || text.back() != ','), parameter, "'" + text + "'",
          "a comma-separated list of integers in " + std::to_string(lo) + ".." + std::to_string(hi));
  return values;
}

struct Settings {
  std::vector<long> inputs, attentions, seeds;
  fn::AttentionShape shape;  // inputs and attention vary per row
  int batch, steps, sketch, residual;
  unsigned threads;
};

Settings settings_of(const RankOptions& o) {
  Settings s;
  s.inputs = parse_list(o.inputs, "inputs", 1, 4096);
  s.seeds = parse_list(o.seeds, "seeds", 0, std::numeric_limits<long>::max() / 2);
  s.attentions = parse_list(o.attention, "attention", 1, 1024);
  s.shape.mlp = static_cast<int>(parse_integer(o.mlp, "mlp", 1, 4096));
  s.shape.outputs = static_cast<int>(parse_integer(o.outputs, "outputs", 1, 1024));
  s.batch = static_cast<int>(parse_integer(o.batch, "batch", 1, 100000));
  s.steps = static_cast<int>(parse_integer(o.steps, "steps", 1, 4096));
  s.sketch = static_cast<int>(parse_integer(o.sketch, "sketch", 1, 4096));
  s.residual = static_cast<int>(parse_integer(o.residual, "residual", 0, 4096));
  s.threads = static_cast<unsigned>(parse_integer(o.threads, "threads", 1, 2));
  require(o.format == "csv" || o.format == "json", "format", "'" + o.format + "'", "csv or json");
  require(static_cast<double>(s.batch) * s.steps * s.steps <= 5e7, "steps", s.steps, "B T^2 <= 5e7 attention weights");
  for (long da : s.attentions) {
    fn::AttentionShape shape = s.shape;
    shape.attention = static_cast<int>(da);
    require(!o.spatial || shape.state_size() <= 4096, "spatial", shape.state_size(),
            "per-token state 4 attention + mlp + outputs <= 4096");
    require(static_cast<double>(s.batch) * s.steps * shape.state_size() <= 5e7, "batch", s.batch,
            "B T (4 attention + mlp + outputs) <= 5e7 states");
  }
  return s;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One model: the temporal rank of NTK_S and of K (PR of the T x T reductions, N22-N23), the
// temporal PR of the summed inputs' Gram (the q,k,v part of K reduced: N43), and optionally
// the spatial and overall ranks.
struct Row {
  long inputs, attention, seed;
  double temporal, temporal_core, temporal_inputs, spatial = kNaN, overall = kNaN, overall_se = kNaN;
};

// PR of the T x T Gram of xbar_t = sum_b x_bt: the temporal reduction of X X^T (x) I (N24).
double input_temporal_rank(const fn::AttentionInputs& in, int d_in) {
  std::vector<double> xbar(std::size_t(in.steps) * d_in, 0.0), gram(std::size_t(in.steps) * in.steps, 0.0);
  for (int b = 0; b < in.batch; ++b)
    for (int t = 0; t < in.steps; ++t)
      for (int c = 0; c < d_in; ++c) xbar[std::size_t(t) * d_in + c] += in.x[(std::size_t(b) * in.steps + t) * d_in + c];
  for (int t = 0; t < in.steps; ++t)
    for (int s = 0; s < in.steps; ++s)
      for (int c = 0; c < d_in; ++c) gram[std::size_t(t) * in.steps + s] += xbar[std::size_t(t) * d_in + c] * xbar[std::size_t(s) * d_in + c];
  return fn::small_metrics(gram, in.steps).participation_ratio;
}

Row measure(const Settings& s, const RankOptions& o, long d_in, long d_a, long seed) {
  fn::AttentionShape shape = s.shape;
  shape.inputs = static_cast<int>(d_in);
  shape.attention = static_cast<int>(d_a);
  const fn::AttentionModel model = fn::random_attention(shape, static_cast<std::uint64_t>(seed));
  const fn::AttentionInputs inputs = fn::random_attention_inputs(shape, s.batch, s.steps, static_cast<std::uint64_t>(seed) + 1);
  const fn::AttentionNtk ntk(model, inputs, {s.threads});
  const int d = shape.state_size();
  const fn::KeptAxes time{false, true, false}, space{false, false, true};
  Row r{d_in, d_a, seed, 0, 0, input_temporal_rank(inputs, shape.inputs)};
  r.temporal = fn::small_metrics(fn::reduced_operator(ntk.ntk_operator(), s.batch, s.steps, d, time), s.steps).participation_ratio;
  r.temporal_core = fn::small_metrics(fn::reduced_operator(ntk.k_operator(), s.batch, s.steps, d, time), s.steps).participation_ratio;
  if (o.spatial)
    r.spatial = fn::small_metrics(fn::reduced_operator(ntk.ntk_operator(), s.batch, s.steps, d, space), d).participation_ratio;
  if (o.overall) {
    const fn::RankEstimate e = fn::hutch_plus_plus(ntk.ntk_operator(), s.sketch, s.residual, static_cast<std::uint64_t>(seed) + 101);
    r.overall = e.participation_ratio.value;
    r.overall_se = e.participation_ratio.standard_error;
  }
  return r;
}

const char* const kColumns[] = {"inputs", "attention", "seed", "temporal_rank", "temporal_rank_K", "temporal_rank_inputs",
                                "spatial_rank", "overall_rank", "overall_rank_se"};

std::string csv_of(const std::vector<Row>& rows) {
  std::vector<std::vector<std::string>> cells;
  for (const Row& r : rows)
    cells.push_back({std::to_string(r.inputs), std::to_string(r.attention), std::to_string(r.seed),
                     number_text(r.temporal), number_text(r.temporal_core), number_text(r.temporal_inputs),
                     number_text(r.spatial), number_text(r.overall), number_text(r.overall_se)});
  return csv_text(std::vector<std::string>(std::begin(kColumns), std::end(kColumns)), cells,
                  [](const std::string& text) { return text; });
}

// Mean and sample s.d. of the temporal rank per (attention, input dimension), in the order given.
struct Summary {
  long inputs, attention;
  double mean, sd, mean_core, mean_inputs;
};

std::vector<Summary> summarise(const Settings& s, const std::vector<Row>& rows) {
  std::vector<Summary> out;
  for (long da : s.attentions)
  for (long d : s.inputs) {
    double sum = 0, sq = 0, core = 0, in = 0;
    int n = 0;
    for (const Row& r : rows)
      if (r.inputs == d && r.attention == da) {
        sum += r.temporal;
        sq += r.temporal * r.temporal;
        core += r.temporal_core;
        in += r.temporal_inputs;
        ++n;
      }
    const double mean = sum / n;
    out.push_back({d, da, mean, n > 1 ? std::sqrt(std::max(0.0, (sq - n * mean * mean) / (n - 1))) : 0.0, core / n, in / n});
  }
  return out;
}


// Temporal rank (mean +- s.d. over seeds, and each seed) of NTK_S against d_in, one curve per
// d_a; with one d_a also that of K; the temporal PR of the inputs and the ceiling T.
void write_figure(const Settings& s, const std::vector<Row>& rows, const std::vector<Summary>& sum,
                  const std::string& png) {
  static const char* const colours[] = {"#1f77b4", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"};
  std::ostringstream gp, das;
  for (std::size_t j = 0; j < s.attentions.size(); ++j) das << (j ? "," : "") << s.attentions[j];
  const std::string partial = png + ".partial.png";
  gp << "set terminal pngcairo size 900,600 font 'DejaVu Sans,11'\nset output " << quoted(partial) << "\n"
     << "set grid\nset logscale x 2\nset key top left\n"
     << "set xlabel 'input dimension d_{in}'\nset ylabel 'temporal effective rank (PR of the T x T reduction)'\n"
     << "set title 'Self-attention + MLP: d_a = " << das.str() << ", d_h = " << s.shape.mlp << ", T = " << s.steps
     << ", B = " << s.batch << ", " << s.seeds.size() << " seeds'\n";
  for (std::size_t j = 0; j < s.attentions.size(); ++j) {
    gp << "$rows" << j << " << EOD\n";
    for (const Row& r : rows)
      if (r.attention == s.attentions[j]) gp << r.inputs << " " << number_text(r.temporal) << "\n";
    gp << "EOD\n$summary" << j << " << EOD\n";
    for (const Summary& m : sum)
      if (m.attention == s.attentions[j])
        gp << m.inputs << " " << number_text(m.mean) << " " << number_text(m.sd) << " " << number_text(m.mean_core) << " "
           << number_text(m.mean_inputs) << "\n";
    gp << "EOD\n";
  }
  long lo = s.inputs.front(), hi = s.inputs.front();
  for (long d : s.inputs) lo = std::min(lo, d), hi = std::max(hi, d);
  gp << "set xrange [" << std::max(0.5, 0.7 * double(lo)) << ":" << 1.4 * double(hi) << "]\n"
     << "set yrange [0:*]\nplot ";
  for (std::size_t j = 0; j < s.attentions.size(); ++j) {
    const char* c = colours[j % 6];
    gp << "$summary" << j << " using 1:2:3 with yerrorlines lw 2 pt 7 lc rgb '" << c << "' title 'NTK_S, d_a = "
       << s.attentions[j] << " (mean +- s.d.)', \\\n     $rows" << j << " using 1:2 with points pt 6 lc rgb '" << c
       << "' notitle, \\\n     ";
  }
  if (s.attentions.size() == 1)
    gp << "$summary0 using 1:4 with linespoints lw 2 pt 5 lc rgb '#ff7f0e' title 'K (core, N43)', \\\n     ";
  gp << "$summary0 using 1:5 with linespoints dt 2 pt 4 lc rgb '#2ca02c' title 'inputs: PR of sum_b x_{bt} Gram', \\\n"
     << "     " << s.steps << " with lines dt 3 lc rgb 'gray' title 'T'\n";
  run_gnuplot(gp.str(), partial);
  install_png(partial, png);
}

void run_attention_rank(const RankOptions& o) {
  const Settings s = settings_of(o);
  std::vector<Row> rows;
  for (long da : s.attentions)
    for (long d : s.inputs)
      for (long seed : s.seeds) rows.push_back(measure(s, o, d, da, seed));
  const std::vector<Summary> sum = summarise(s, rows);
  Json summary = Json::array();
  for (const Summary& m : sum)
    summary.push_back({{"inputs", m.inputs}, {"attention", m.attention}, {"temporal_rank_mean", json_number(m.mean)}, {"temporal_rank_sd", json_number(m.sd)},
                       {"temporal_rank_K_mean", json_number(m.mean_core)}, {"temporal_rank_inputs_mean", json_number(m.mean_inputs)}});
  Json report = Json::object();
  report["command"] = "ntk attention-rank";
  report["settings"] = {{"attention", s.attentions}, {"mlp", s.shape.mlp}, {"outputs", s.shape.outputs},
                        {"batch", s.batch}, {"steps", s.steps}, {"seeds", s.seeds}};
  std::string data;
  if (o.format == "csv") {
    data = csv_of(rows);
  } else {
    Json table = Json::array();
    for (const Row& r : rows)
      table.push_back({{"inputs", r.inputs}, {"attention", r.attention}, {"seed", r.seed}, {"temporal_rank", json_number(r.temporal)},
                       {"temporal_rank_K", json_number(r.temporal_core)}, {"temporal_rank_inputs", json_number(r.temporal_inputs)},
                       {"spatial_rank", json_number(r.spatial)}, {"overall_rank", json_number(r.overall)},
                       {"overall_rank_se", json_number(r.overall_se)}});
    Json full = report;
    full["rows"] = table;
    full["summary"] = summary;
    data = full.dump(1) + "\n";
  }
  if (!o.figure.empty()) write_figure(s, rows, sum, o.figure);  // first: a gnuplot failure leaves no data
  emit_data(o.output, o.figure, data, report["command"], summary);
}

}  // namespace

void add_ntk_attention_commands(CLI::App& group, std::function<void()>& action) {
  auto o = std::make_shared<RankOptions>();
  auto* cmd = group.add_subcommand(
      "attention-rank",
      "temporal rank of the self-attention NTK_S against the input dimension (paper Figs. 6, 9): "
      "one row per (attention, inputs, seed)");
  cmd->add_option("--inputs", o->inputs, "input dimensions d_in, comma-separated, 1..4096 (default 1,2,4,8,16,32,64)");
  cmd->add_option("--seeds", o->seeds, "model seeds, comma-separated (default 0,1,2); inputs use seed + 1");
  cmd->add_option("--attention", o->attention,
                  "d_a = d_model of the q, k, v projections, comma-separated, 1..1024 (default 64)");
  cmd->add_option("--mlp", o->mlp, "MLP hidden width d_h, 1..4096 (default 128)");
  cmd->add_option("--outputs", o->outputs, "output dimension d_out, 1..1024 (default 1)");
  cmd->add_option("--batch", o->batch, "sequences B, 1..100000 (default 4)");
  cmd->add_option("--steps", o->steps, "tokens per sequence T, 1..4096 (default 50)");
  cmd->add_flag("--spatial", o->spatial, "also the spatial rank (PR of the D x D reduction; D matvecs)");
  cmd->add_flag("--overall", o->overall, "also the overall rank by Hutch++ (--sketch, --residual)");
  cmd->add_option("--sketch", o->sketch, "Hutch++ range probes for --overall (default 16)");
  cmd->add_option("--residual", o->residual, "Hutch++ residual probes for --overall (default 32)");
  cmd->add_option("--threads", o->threads, "1 or 2 (results do not depend on it; default 2)");
  cmd->add_option("--format", o->format, "csv | json (default csv)");
  cmd->add_option("-o,--output", o->output, "data file (default stdout; then a summary goes to stdout)");
  cmd->add_option("--figure", o->figure, "PNG figure to write (gnuplot)");
  cmd->callback([o, &action] { action = [o] { run_attention_rank(*o); }; });
}

}  // namespace learndyn::cli
