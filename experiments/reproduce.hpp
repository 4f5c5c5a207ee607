// `learndyn reproduce`: one entry per figure panel of the three papers (ghost: Dinc et al.,
// "Ghost mechanism: an analytical model of abrupt learning in recurrent networks", arXiv
// 2501.02378; overlaps: Ger & Barak, "Learning reveals invisible structure in low-rank RNNs",
// arXiv 2605.04115; ntk: Hazelden et al., "The Global Empirical NTK", arXiv 2605.08746), each
// with its status, its
// protocols as calls into the areas' experiments::run_* functions, the learndyn command lines
// that compute the same data by hand, the numbers the paper states beside the measured ones,
// and a plan of its figure (proofs/common.md C19-C22).
//
// The catalogue of each area is experiments/<area>/figures.cpp; this file is the shared driver:
// the types, the whole catalogue, the lookup and the checks the CLI makes before any work. It
// renders nothing: `learndyn reproduce` (cli/reproduce_command.cpp) writes the files.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <learndyn/experiments/sweep.hpp>
#include <learndyn/experiments/table.hpp>

namespace learndyn::experiments::reproduce {

// reproduced: the command reproduces the panel and the paper's stated numbers or claims hold
// in its runs; qualitatively: the same phenomenon, with a different protocol or numbers that
// differ (the reason says which); missing: not computed yet (the reason says what is missing);
// not_applicable: no data (a schematic or an illustration).
enum class Status { reproduced, qualitatively, missing, not_applicable };

const char* status_name(Status s);

// One data file of a reproduction: `file` ("fig6a.csv") holds `table` as CSV, or `text` when
// the command that writes it formats its numbers its own way (`ghost scan`); `command` is the
// learndyn command line (arguments after "learndyn", without the output redirection) that
// writes the same bytes.
struct DataFile {
  std::string file;
  Table table;
  std::string text;                  // empty: the CLI renders `table` as the command's CSV
  std::vector<std::string> command;  // {"ghost", "rnn-sweep", "--rates", "1e-4,10,8", ...}
  bool to_stdout = false;            // the command prints the CSV (`> file`) instead of -o file
};

inline DataFile data_file(std::string file, Table table, std::vector<std::string> command) {
  DataFile d;
  d.file = std::move(file);
  d.table = std::move(table);
  d.command = std::move(command);
  return d;
}

// One number (or claim) the paper states, beside the measured one. `paper` and `measured` are
// the values as text ("~1e-2", "65"); `verdict` is "pass", "fail" or "qualitative" (the paper
// states no number: `note` says what was compared).
struct Claim {
  std::string quantity, paper, measured, verdict, note;
};

// The figure as a plan the CLI draws: panels of lines or points from the data files' tables,
// vertical reference lines (ε*, ε_nr).
struct Series {
  std::size_t data = 0;               // index into Reproduction::data
  std::string x, y, title;
  std::string style = "lines";        // lines | dashed | points | circles (open, around points) | linespoints | dashes (black, dashed: a limit) | steps (a histogram over bin centres)
  int color = 0;                      // 0: the next colour of the panel; k > 0: colour k (pairs share one)
  std::string where;                  // a column that must equal `equals` (empty: every row)
  double equals = 0;
  double x_scale = 1, y_scale = 1;    // plotted: x * x_scale, y * y_scale
  bool abs_y = false;                 // plotted: |y| (y_scale applied after)
};
// A series of `data`'s rows (those whose column `where` equals `equals`, when given).
inline Series series(std::size_t data, std::string x, std::string y, std::string title, std::string style = "lines",
                     std::string where = "", double equals = 0) {
  Series s;
  s.data = data;
  s.x = std::move(x);
  s.y = std::move(y);
  s.title = std::move(title);
  s.style = std::move(style);
  s.where = std::move(where);
  s.equals = equals;
  return s;
}
struct Reference {
  double x;
  std::string label;
};
struct Panel {
  std::string title, xlabel, ylabel;
  bool logx = false, logy = false;
  double ymin = 0, ymax = 0;  // ymin < ymax: a fixed y range (else gnuplot's)
  double xmin = 0, xmax = 0;  // xmin < xmax: a fixed x range (numbers only; else gnuplot's)
  std::vector<std::pair<double, std::string>> xtics;  // labelled x positions (categories); empty: numbers
  std::vector<std::pair<double, std::string>> ytics;  // labelled y positions (rows of a matrix); empty: numbers
  std::vector<Series> series;
  std::vector<Reference> references;
};
struct FigurePlan {
  std::vector<Panel> panels;
  int width = 900, height = 600;  // pixels (PNG; PDF and SVG scale from them)
};

struct Reproduction {
  std::vector<DataFile> data;
  std::vector<Claim> claims;
  FigurePlan figure;
  std::vector<std::string> notes;  // what the protocol leaves out, in a sentence each
};

struct Request {
  std::string protocol = "quick";  // quick | paper | smoke
  long seeds = 0;                  // 0: the protocol's
  unsigned threads = 0;            // 0: every core (no result depends on it)
  SweepContext* sweep = nullptr;   // --shard k/n (paper protocol of a shardable entry)
};

// The protocols an entry offers, each with the seeds it uses by default.
struct Protocol {
  std::string name, description;
  long seeds = 1;
};

struct Entry {
  std::string id;  // "ghost/fig6a"
  Status status;
  std::string description, reason;
  std::vector<Protocol> protocols;  // empty for missing / not applicable
  bool seeded = false;              // --seeds applies (runs over seeds 0..K-1)
  // The sweep command whose parts `learndyn merge` joins ("ghost rnn-sweep"; empty: no shards),
  // and the canonical arguments (--name=value) of its paper protocol's sweep at `seeds`.
  std::string shard_command;
  std::function<std::vector<std::string>(const Request&)> shard_arguments;
  std::function<Reproduction(const Request&)> run;
};

// Every panel of the three papers: ghost, then overlaps, then ntk, in figure order.
const std::vector<Entry>& catalogue();

// The entry with this id; ArgumentError naming `id` (with the allowed form) when there is none.
const Entry& find_entry(const std::string& id);

// Checks id well-formedness: "<paper>/fig<number><panel letter, optional>", lower case.
bool well_formed_id(const std::string& id);

// Refuses (ArgumentError, one line) an entry that cannot run (missing / not applicable), an
// unknown protocol of it, seeds out of 1..1000 (0 = default), and --shard on an entry or
// protocol without shards.
void check_request(const Entry& e, const Request& r, bool sharded);

// The protocol `r` names in `e` (after check_request).
const Protocol& protocol_of(const Entry& e, const Request& r);

// The seeds a request runs: its own or the protocol's.
long seeds_of(const Entry& e, const Request& r);

// A command line as one shell line: "learndyn " + each argument, quoted when it needs it.
std::string command_line(const std::vector<std::string>& arguments);

// A panel that does not run (missing or not applicable): its id, status, description and reason.
Entry unavailable(std::string id, Status status, std::string description, std::string reason);

// A measured number as summaries show it: 3 significant digits ("%.3g": 0.0135, 90.5, 1.4e-14).
std::string short_number(double x);

// A double as the command-line text that parses back to it ("%.17g", shortest first).
std::string number_argument(double x);

}  // namespace learndyn::experiments::reproduce
