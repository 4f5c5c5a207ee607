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

#include "cli/figure.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "cli/shard.hpp"
#include <learndyn/common/argument_error.hpp>
#include <learndyn/experiments/ntk/attention_rank.hpp>

namespace learndyn::cli {
namespace {
namespace ex = learndyn::experiments::ntk;

struct RankOptions {
  std::string inputs = "1,2,4,8,16,32,64", seeds = "0,1,2", attention = "64", mlp = "128", outputs = "1",
              batch = "4", steps = "50", threads, sketch = "16", residual = "32", heads = "1";
  Output out;
  bool spatial = false, overall = false;
};

ex::AttentionRankConfig config_of(const RankOptions& o) {
  ex::AttentionRankConfig c;
  c.inputs = parse_integer_list(o.inputs, "inputs", 1, 4096);
  c.seeds = parse_integer_list(o.seeds, "seeds", 0, 9007199254740992L);  // 2^53: each seed exact in the table
  c.attentions = parse_integer_list(o.attention, "attention", 1, 1024);
  c.mlp = static_cast<int>(parse_integer(o.mlp, "mlp", 1, 4096));
  c.outputs = static_cast<int>(parse_integer(o.outputs, "outputs", 1, 1024));
  c.batch = static_cast<int>(parse_integer(o.batch, "batch", 1, 100000));
  c.steps = static_cast<int>(parse_integer(o.steps, "steps", 1, 4096));
  c.heads = static_cast<int>(parse_integer(o.heads, "heads", 1, 1024));
  c.sketch = static_cast<int>(parse_integer(o.sketch, "sketch", 1, 4096));
  c.residual = static_cast<int>(parse_integer(o.residual, "residual", 0, 4096));
  c.threads = parse_threads(o.threads);
  c.spatial = o.spatial;
  c.overall = o.overall;
  check_output(o.out, {});
  ex::validate(c);
  return c;
}

// Temporal rank (mean +- s.d. over seeds, and each seed) of NTK_S against d_in, one curve per
// d_a; with one d_a also that of K; the temporal PR of the inputs and the ceiling T.
void write_figure(const ex::AttentionRankConfig& s, const ex::AttentionRankResult& r, const std::string& png) {
  static const char* const colours[] = {"#1f77b4", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"};
  std::ostringstream gp, das;
  for (std::size_t j = 0; j < s.attentions.size(); ++j) das << (j ? "," : "") << s.attentions[j];
  gp << "set logscale x 2\nset key top left\n"
     << "set xlabel 'input dimension d_{in}'\nset ylabel 'temporal effective rank (PR of the T x T reduction)'\n"
     << "set title 'Self-attention + MLP: d_a = " << das.str() << ", d_h = " << s.mlp << ", T = " << s.steps
     << ", B = " << s.batch << (s.heads > 1 ? ", H = " + std::to_string(s.heads) + " heads" : std::string())
     << ", " << s.seeds.size() << " seeds'\n";
  for (std::size_t j = 0; j < s.attentions.size(); ++j) {
    const auto of_attention = [&](const experiments::Table& t) {
      return [&t, da = double(s.attentions[j])](std::size_t row) { return t.at(row, "attention") == da; };
    };
    gp << datablock("rows" + std::to_string(j), r.rows, {"inputs", "temporal_rank"}, of_attention(r.rows))
       << datablock("summary" + std::to_string(j), r.summary,
                    {"inputs", "temporal_rank_mean", "temporal_rank_sd", "temporal_rank_K_mean", "temporal_rank_inputs_mean"},
                    of_attention(r.summary));
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
    gp << "$summary0 using 1:4 with linespoints lw 2 pt 5 lc rgb '#ff7f0e' title 'K (the core)', \\\n     ";
  gp << "$summary0 using 1:5 with linespoints dt 2 pt 4 lc rgb '#2ca02c' title 'inputs: PR of the Gram of Σ_b x_{bt}', \\\n"
     << "     " << s.steps << " with lines dt 3 lc rgb 'gray' title 'T'\n";
  write_png(gp.str(), png, 900, 600);
}

void run_attention_rank(const RankOptions& o, learndyn::experiments::SweepContext* sweep) {
  ex::AttentionRankConfig c = config_of(o);
  c.sweep = sweep;
  const ex::AttentionRankResult r = ex::run_attention_rank(c);
  const Json summary = records_of(r.summary);
  Json report = Json::object();
  report["command"] = "ntk attention-rank";
  report["settings"] = {{"attention", c.attentions}, {"heads", c.heads}, {"mlp", c.mlp}, {"outputs", c.outputs},
                        {"batch", c.batch}, {"steps", c.steps}, {"seeds", c.seeds}};
  std::string data;
  if (o.out.format == "csv") {
    data = csv_of(r.rows);
  } else {
    Json full = report;
    full["rows"] = records_of(r.rows);
    full["summary"] = summary;
    data = full.dump(1) + "\n";
  }
  if (!o.out.figure.empty()) write_figure(c, r, o.out.figure);  // first: a gnuplot failure leaves no data
  emit_data(o.out.output, o.out.figure, data, report["command"], summary);
}

}  // namespace

void add_ntk_attention_commands(CLI::App& group, std::function<void()>& action) {
  auto o = std::make_shared<RankOptions>();
  auto* cmd = group.add_subcommand(
      "attention-rank",
      "temporal rank of the self-attention NTK_S against the input dimension (paper Figs. 6, 9): "
      "one row per (attention, inputs, seed)");
  cmd->add_option("--inputs", o->inputs, "input dimensions d_in, comma-separated, 1..4096 (default 1,2,4,8,16,32,64)");
  cmd->add_option("--seeds", o->seeds, "model seeds, comma-separated, 0..2^53 (default 0,1,2); inputs use seed + 1");
  cmd->add_option("--attention", o->attention,
                  "d_a = d_model of the q, k, v projections, comma-separated, 1..1024 (default 64)");
  cmd->add_option("--heads", o->heads, "attention heads H, dividing every d_a; head width d_a / H (default 1)")
      ->type_name("INT");
  cmd->add_option("--mlp", o->mlp, "MLP hidden width d_h, 1..4096 (default 128)")->type_name("INT");
  cmd->add_option("--outputs", o->outputs, "output dimension d_out, 1..1024 (default 1)")->type_name("INT");
  cmd->add_option("--batch", o->batch, "sequences B, 1..100000 (default 4)")->type_name("INT");
  cmd->add_option("--steps", o->steps, "tokens per sequence T, 1..4096 (default 50)")->type_name("INT");
  cmd->add_flag("--spatial", o->spatial, "also the spatial rank (PR of the D x D reduction; D matvecs)");
  cmd->add_flag("--overall", o->overall, "also the overall rank by Hutch++ (--sketch, --residual)");
  cmd->add_option("--sketch", o->sketch, "Hutch++ range probes for --overall (default 16)")->type_name("INT");
  cmd->add_option("--residual", o->residual, "Hutch++ residual probes for --overall (default 32)")->type_name("INT");
  add_threads(*cmd, o->threads);
  add_output_options(*cmd, o->out);
  set_example(*cmd, "learndyn ntk attention-rank --attention 16,64 --inputs 1,4,16 --figure rank.png -o rank.csv");
  auto shard = std::make_shared<ShardOption>();
  add_shard_option(*cmd, *shard);
  cmd->callback([cmd, o, shard, &action] {
    action = sharded(*cmd, shard, [o, shard] { run_attention_rank(*o, shard->context); });
  });
}

}  // namespace learndyn::cli
