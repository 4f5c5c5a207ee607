#include "cli/reproduce_command.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "cli/figure.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "cli/reproduce_table.hpp"
#include <learndyn/common/argument_error.hpp>
#include <learndyn/experiments/reproduce.hpp>
#include <learndyn/experiments/sweep.hpp>

#ifndef LEARNDYN_VERSION
#define LEARNDYN_VERSION "unknown"
#endif

namespace learndyn::cli {
namespace {

namespace fs = std::filesystem;
namespace repro = learndyn::experiments::reproduce;
namespace exps = learndyn::experiments;

struct ReproduceOptions {
  std::string id, protocol = "quick", seeds = "0", threads, output, shard, figure_format = "png", table;
  bool list = false, markdown = false, force = false, summary = false;
};

// ---- --list ------------------------------------------------------------------------------------

void print_list(bool markdown) {
  if (markdown) std::cout << "| panel | status | what | why |\n|---|---|---|---|\n";
  for (const repro::Entry& e : repro::catalogue()) {
    if (markdown)
      std::cout << "| `" << e.id << "` | " << repro::status_name(e.status) << " | " << e.description << " | " << e.reason
                << " |\n";
    else
      std::cout << e.id << "\t" << repro::status_name(e.status) << "\t" << e.description << "\t" << e.reason << "\n";
  }
}

// ---- the figure ---------------------------------------------------------------------------------

std::string gnuplot_text(const std::string& s) {
  std::string out;
  for (char c : s) out += (c == '\'') ? std::string("''") : std::string(1, c);
  return "'" + out + "'";
}

// Whether the panel's x values reach 10^4 (tick labels like 100000 collide: written 100k).
bool large_x(const repro::Reproduction& r, const repro::Panel& p) {
  for (const repro::Series& s : p.series) {
    const exps::Table& t = r.data.at(s.data).table;
    for (double x : t.column(s.x))
      if (std::fabs(x * s.x_scale) >= 1e4) return true;
  }
  return false;
}

// Categorical x labels (and a half step of room on each side), or gnuplot's numbers.
std::string xtics_of(const repro::Panel& p) {
  if (p.xtics.empty())
    return "set xtics autofreq\nset xrange " +
           (p.xmin < p.xmax ? "[" + number_text(p.xmin) + ":" + number_text(p.xmax) + "]" : std::string("[*:*]")) + "\n";
  std::string t = "set xtics (";
  double lo = p.xtics.front().first, hi = lo;
  for (std::size_t k = 0; k < p.xtics.size(); ++k) {
    t += (k ? ", " : "") + gnuplot_text(p.xtics[k].second) + " " + number_text(p.xtics[k].first);
    lo = std::min(lo, p.xtics[k].first);
    hi = std::max(hi, p.xtics[k].first);
  }
  return t + ")\nset xrange [" + number_text(lo - 0.5) + ":" + number_text(hi + 0.5) + "]\n";
}

// Labelled y positions (the rows of a matrix panel), or gnuplot's numbers.
std::string ytics_of(const repro::Panel& p) {
  if (p.ytics.empty()) return "set ytics autofreq\n";
  std::string t = "set ytics (";
  for (std::size_t k = 0; k < p.ytics.size(); ++k)
    t += (k ? ", " : "") + gnuplot_text(p.ytics[k].second) + " " + number_text(p.ytics[k].first);
  return t + ")\n";
}

// The plan as a gnuplot body: one datablock per series (x, y after scaling), one panel per plot,
// every key below its panel (off the data), reference lines labelled at the top.
std::string figure_body(const repro::Reproduction& r) {
  std::ostringstream gp;
  std::size_t block = 0;
  std::ostringstream plots;
  const auto& panels = r.figure.panels;
  // Okabe-Ito colours (distinct for colour-blind readers, none too pale on white), in order.
  plots << "set linetype 1 lc rgb '#0072B2'\nset linetype 2 lc rgb '#D55E00'\nset linetype 3 lc rgb '#009E73'\n"
        << "set linetype 4 lc rgb '#CC79A7'\nset linetype 5 lc rgb '#E69F00'\nset linetype 6 lc rgb '#56B4E9'\n"
        << "set linetype 7 lc rgb '#000000'\nset linetype 8 lc rgb '#999999'\nset linetype 9 lc rgb '#882255'\n"
        << "set linetype 10 lc rgb '#44AA99'\nset linetype 11 lc rgb '#DDCC77'\nset linetype 12 lc rgb '#117733'\n"
        << "set linetype cycle 12\n";
  // Keys below the panels in at most 6 columns; the bottom margin fits the longest key, the same
  // for every panel so that they keep one height.
  std::size_t most = 0;
  for (const repro::Panel& p : panels) {
    std::size_t titled_here = 0;
    for (const repro::Series& s : p.series) titled_here += !s.title.empty();
    most = std::max(most, titled_here);
  }
  const std::size_t key_rows = (most + 5) / 6;
  plots << "set multiplot layout 1," << panels.size() << "\n"
        << "set key below samplen 2 maxcols 6 font ',10'\nset bmargin " << 5 + 1.4 * static_cast<double>(key_rows) << "\n";
  std::vector<std::string> titled;  // a title already in an earlier panel's key is not repeated
  for (const repro::Panel& p : panels) {
    plots << "unset arrow\nunset label\n"
          << (p.logx ? "set logscale x\nset format x '10^{%L}'\n"
              : large_x(r, p) ? "unset logscale x\nset format x '%.0s%c'\n"  // 20k, 40k: no colliding labels
                              : "unset logscale x\nset format x '%g'\n")
          // the y scale before the y range: a range [0:1] set while the previous panel's log scale
          // is on becomes [0.1:1] (gnuplot clips it), and stays so after `unset logscale y`
          << (p.logy ? "set logscale y\nset format y '10^{%L}'\n" : "unset logscale y\nset format y '%g'\n")
          << (p.ymin < p.ymax ? "set yrange [" + number_text(p.ymin) + ":" + number_text(p.ymax) + "]\n"
                              : std::string("set yrange [*:*]\n"))
          << xtics_of(p) << ytics_of(p)
          << "set title " << gnuplot_text(p.title) << " offset 0,1\nset xlabel " << gnuplot_text(p.xlabel)
          << "\nset ylabel " << gnuplot_text(p.ylabel) << "\n";
    int k = 1;
    for (const repro::Reference& ref : p.references) {
      plots << "set arrow " << k << " from " << number_text(ref.x) << ", graph 0 to " << number_text(ref.x)
            << ", graph 1 nohead dt 2 lc rgb '#555555'\n"
            << "set label " << k << " " << gnuplot_text(ref.label) << " at " << number_text(ref.x)
            << ", graph 1.03 center\n";
      ++k;
    }
    plots << "plot ";
    int lt = 1;
    const std::size_t first_block = block;
    for (const repro::Series& s : p.series) {
      const exps::Table& t = r.data.at(s.data).table;
      const std::size_t xi = t.index(s.x), yi = t.index(s.y);
      const std::size_t wi = s.where.empty() ? 0 : t.index(s.where);
      gp << "$s" << block << " << EOD\n";
      for (const auto& row : t.rows) {
        if (!s.where.empty() && row[wi] != s.equals) continue;
        const double x = row[xi] * s.x_scale;
        double y = s.abs_y ? std::fabs(row[yi]) : row[yi];
        y *= s.y_scale;
        const bool shown = std::isfinite(x) && std::isfinite(y) && (!p.logy || y > 0) && (!p.logx || x > 0);
        gp << (shown ? number_text(x) : "NaN") << " " << (shown ? number_text(y) : "NaN") << "\n";
      }
      gp << "EOD\n";
      const std::string style = s.style == "dashes"        ? "with lines lw 2 dt 2 lc 'black'"
                                 : s.style == "dashed"      ? "with lines lw 2 dt 2"
                                 : s.style == "points"      ? "with points pt 7 ps 0.7"
                                 : s.style == "circles"     ? "with points pt 6 ps 1.6 lw 2"
                                 : s.style == "linespoints" ? "with linespoints pt 7 ps 0.6 lw 2"
                                 : s.style == "steps"       ? "with histeps lw 2"
                                                            : "with lines lw 2";
      const bool repeated = s.title.empty() || std::find(titled.begin(), titled.end(), s.title) != titled.end();
      plots << (block > first_block ? ", " : "") << "$s" << block << " using 1:2 " << style << " lt "
            << (s.color > 0 ? s.color : lt)
            << (repeated ? std::string(" notitle") : " title " + gnuplot_text(s.title));
      titled.push_back(s.title);
      ++block;
      ++lt;
    }
    plots << "\n";
  }
  plots << "unset multiplot\n";
  return gp.str() + plots.str();
}

// ---- the folder ---------------------------------------------------------------------------------

// A new empty folder beside `dir` (same file system: the final rename is atomic).
fs::path scratch_beside(const fs::path& dir, const std::string& what) {
  const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(parent, ec);  // -o quick/ghost/fig6a: its parents, as mkdir -p (empty folders at worst)
  std::string pattern = (parent / ("." + dir.filename().string() + "." + what + "-XXXXXX")).string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a folder beside " + dir.string());
  return pattern;
}

// Removes the scratch folder unless the run committed it.
struct Scratch {
  fs::path path;
  bool keep = false;
  ~Scratch() {
    if (keep) return;
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

void check_destination(const fs::path& dir, bool force) {
  std::error_code ec;
  const auto status = fs::symlink_status(dir, ec);
  if (ec || !fs::exists(status)) return;
  require(fs::is_directory(status), "output", dir.string(), "a folder (this path is not one)");
  if (!force && !fs::is_empty(dir))
    throw ArgumentError("output", dir.string(), "a new or empty folder (or --force to replace its contents)");
}

// Moves the finished `scratch` to `dir`, replacing what was there (after check_destination): -o is
// absent, its previous contents or complete, never half-written (C22).
void commit(Scratch& scratch, const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    const fs::path old = scratch_beside(dir, "old");
    fs::rename(dir, old / "previous");
    fs::rename(scratch.path, dir);
    fs::remove_all(old, ec);
  } else {
    fs::rename(scratch.path, dir);
  }
  scratch.keep = true;
}

Json claims_json(const std::vector<repro::Claim>& claims) {
  Json a = Json::array();
  for (const repro::Claim& c : claims)
    a.push_back({{"quantity", c.quantity}, {"paper", c.paper}, {"measured", c.measured}, {"verdict", c.verdict},
                 {"note", c.note}});
  return a;
}

void run_reproduce(const ReproduceOptions& o) {
  require(!o.summary || !o.table.empty(), "summary", "set", "only with --table DIR");
  if (!o.table.empty()) {
    require(o.id.empty() && !o.list, "table", o.table, "alone: no panel id, no --list");
    std::cout << how_close_tables(o.table, o.summary);
    return;
  }
  if (o.list) {
    require(o.id.empty(), "id", o.id, "none with --list");
    print_list(o.markdown);
    return;
  }
  require(!o.id.empty(), "id", "(missing)", "a panel id of `learndyn reproduce --list`, or --list");
  const repro::Entry& entry = repro::find_entry(o.id);
  repro::Request request;
  request.protocol = o.protocol;
  request.seeds = parse_integer(o.seeds, "seeds", 0, 1000);
  request.threads = parse_threads(o.threads);
  repro::check_request(entry, request, !o.shard.empty());
  require(o.figure_format == "png" || o.figure_format == "pdf" || o.figure_format == "svg", "figure-format",
          "'" + o.figure_format + "'", "png, pdf or svg");
  require(!o.output.empty(), "output", "(missing)", "-o DIR: the folder to write");
  const fs::path dir(o.output);
  check_destination(dir, o.force);
  const repro::Protocol& protocol = repro::protocol_of(entry, request);
  const long seeds = repro::seeds_of(entry, request);
  std::cerr << "learndyn: reproduce " << entry.id << ", protocol " << protocol.name << ": " << protocol.description
            << "\n";

  Scratch scratch{scratch_beside(dir, "partial")};
  const std::string figure_name = entry.id.substr(entry.id.find('/') + 1);

  if (!o.shard.empty()) {  // a part for `learndyn merge`, as the sweep command's --shard writes it
    const exps::Shard s = exps::parse_shard(o.shard);
    exps::SweepContext context = exps::SweepContext::for_shard(s);
    request.sweep = &context;
    try {
      entry.run(request);
      throw std::logic_error(entry.id + ": the sweep did not reach its items");
    } catch (const exps::ShardComplete&) {
    }
    exps::SweepPart part{LEARNDYN_VERSION, entry.shard_command, entry.shard_arguments(request), s, context.total(),
                       context.records()};
    const std::string part_file = "part-" + std::to_string(s.index) + "-of-" + std::to_string(s.count) + ".json";
    write_file_atomically((scratch.path / part_file).string(), exps::part_json(part));
    std::ostringstream commands;
    commands << "# shard " << exps::shard_text(s) << " of " << entry.id << " (--protocol paper): the same part as\n"
             << repro::command_line([&] {
                  std::vector<std::string> a;
                  std::istringstream words(entry.shard_command);
                  for (std::string w; words >> w;) a.push_back(w);
                  for (const std::string& x : entry.shard_arguments(request)) a.push_back(x);
                  a.push_back("--shard");
                  a.push_back(exps::shard_text(s));
                  a.push_back("-o");
                  a.push_back(part_file);
                  return a;
                }())
             << "\n# when every shard is done, join the parts into the unsharded run's data and figure:\n"
             << "learndyn merge */part-*-of-" << s.count << ".json -o " << figure_name << ".csv --figure "
             << figure_name << ".png\n";
    write_file_atomically((scratch.path / "commands.txt").string(), commands.str());
    commit(scratch, dir);
    std::cerr << "wrote " << (dir / part_file).string() << " (shard " << exps::shard_text(s) << ": "
              << part.results.size() << " of " << part.items << " items)\n";
    return;
  }

  const repro::Reproduction r = entry.run(request);
  Json data = Json::object();
  Json files = Json::array();
  std::ostringstream commands;
  commands << "# " << entry.id << ", protocol " << protocol.name << ": run these in an empty folder to compute the\n"
           << "# same CSV files, byte for byte (no result depends on --threads).\n";
  for (const repro::DataFile& d : r.data) {
    write_file_atomically((scratch.path / d.file).string(), d.text.empty() ? csv_of(d.table) : d.text);
    data[d.file] = json_of(d.table);
    files.push_back(d.file);
    if (d.command.empty()) {
      commands << "# " << d.file << ": derived from the data above (the command's summary)\n";
      continue;
    }
    commands << repro::command_line(d.command) << (d.to_stdout ? " > " : " -o ") << d.file << "\n";
  }
  const Json claims = claims_json(r.claims);
  Json report{{"id", entry.id},
              {"description", entry.description},
              {"status", repro::status_name(entry.status)},
              {"reason", entry.reason},
              {"protocol", protocol.name},
              {"protocol_description", protocol.description},
              {"seeds", seeds},
              {"learndyn", LEARNDYN_VERSION},
              {"claims", claims},
              {"notes", r.notes}};
  write_file_atomically((scratch.path / "data.json").string(),
                        Json{{"id", entry.id}, {"protocol", protocol.name}, {"tables", data}}.dump(1) + "\n");
  files.push_back("data.json");
  if (!r.figure.panels.empty()) {
    const std::string figure = figure_name + "." + o.figure_format;
    write_figure(figure_body(r), (scratch.path / figure).string(), r.figure.width, r.figure.height);
    for (const std::string& f : {figure, figure_name + ".gp", figure_name + ".dat"}) files.push_back(f);
  }
  write_file_atomically((scratch.path / "commands.txt").string(), commands.str());
  files.push_back("commands.txt");
  files.push_back("summary.json");
  report["files"] = files;
  write_file_atomically((scratch.path / "summary.json").string(), report.dump(2) + "\n");
  commit(scratch, dir);
  std::cerr << "wrote " << dir.string() << "\n";
  for (const repro::Claim& c : r.claims)
    std::cout << c.verdict << ": " << c.quantity << ": paper " << c.paper << ", measured " << c.measured << "\n";
}

}  // namespace

void add_reproduce_command(CLI::App& app, std::function<void()>& action) {
  auto o = std::make_shared<ReproduceOptions>();
  auto* cmd = app.add_subcommand(
      "reproduce", "one figure panel of the three papers: its data, figure, commands and the paper's numbers beside "
                   "the measured ones (--list: every panel and its status; docs/reproduce.md)");
  set_example(*cmd, "learndyn reproduce ghost/fig6a -o fig6a");
  cmd->add_option("id", o->id, "the panel, <paper>/fig<number><panel> (ghost/fig6a, overlaps/fig5c, ntk/fig5b)");
  cmd->add_flag("--list", o->list, "print every panel: id, status, description, reason (tab-separated)");
  cmd->add_flag("--markdown", o->markdown, "with --list: a Markdown table");
  cmd->add_option("--table", o->table,
                  "print the Markdown tables 'how close to the papers' from a folder of the panels' summary.json "
                  "files (<paper>_<figure>.json; the README's come from docs/reproduce/summaries)")
      ->type_name("DIR");
  cmd->add_option("--protocol", o->protocol,
                  "quick (default: about a minute on 2 cores) | paper (the paper's sizes, epochs, seeds; however long) | "
                  "smoke (seconds, for tests; where offered)");
  add_integer(*cmd, "seeds", o->seeds, "seeds 1..1000 where the panel has seeds (default 0: the protocol's)");
  add_threads(*cmd, o->threads);
  cmd->add_option("-o,--output", o->output, "the folder to write (new or empty; --force replaces it)")
      ->check(non_empty_path())
      ->type_name("DIR");
  cmd->add_flag("--summary", o->summary, "with --table: one row per paper (panels by status, claims by verdict)");
  cmd->add_flag("--force", o->force, "replace the contents of a non-empty -o folder");
  cmd->add_option("--figure-format", o->figure_format, "png | pdf | svg (default png)");
  cmd->add_option("--shard", o->shard,
                  "k/n with --protocol paper (ghost/fig6a, ntk/fig5b): compute only the sweep's items i mod n = k and "
                  "write the part to DIR; `learndyn merge` joins the parts (docs/cluster.md)")
      ->type_name("K/N");
  cmd->callback([o, &action] { action = [o] { run_reproduce(*o); }; });
}

}  // namespace learndyn::cli
