#include "cli/reproduce_table.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <vector>

#include "cli/output.hpp"
#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/input_error.hpp>
#include <learndyn/common/text_file.hpp>
#include <learndyn/experiments/reproduce.hpp>

namespace learndyn::cli {
namespace {

namespace fs = std::filesystem;
namespace repro = learndyn::experiments::reproduce;

struct StoredClaim {
  std::string quantity, paper, measured, verdict;
};
struct StoredSummary {
  std::string file, id, status, reason, description, protocol;
  std::vector<StoredClaim> claims;
};

std::string text_at(const Json& j, const char* key, const std::string& file, const std::string& path) {
  if (!j.is_object() || !j.contains(key) || !j.at(key).is_string())
    throw InputError(file, path + "." + key, "missing or not a string (not a summary.json of `learndyn reproduce`)");
  return j.at(key).get<std::string>();
}

StoredSummary read_summary(const fs::path& path) {
  const std::string file = path.string();
  Json j;
  try {
    j = Json::parse(read_text_file(file));
  } catch (const Json::parse_error& e) {
    throw InputError(file, "byte " + std::to_string(e.byte), "not JSON");
  }
  StoredSummary s;
  s.file = file;
  s.id = text_at(j, "id", file, "$");
  s.status = text_at(j, "status", file, "$");
  s.reason = text_at(j, "reason", file, "$");
  s.description = text_at(j, "description", file, "$");
  s.protocol = text_at(j, "protocol", file, "$");
  if (!j.contains("claims") || !j.at("claims").is_array())
    throw InputError(file, "$.claims", "missing or not an array");
  std::size_t k = 0;
  for (const Json& c : j.at("claims")) {
    const std::string at = "$.claims[" + std::to_string(k++) + "]";
    s.claims.push_back(
        {text_at(c, "quantity", file, at), text_at(c, "paper", file, at), text_at(c, "measured", file, at),
         text_at(c, "verdict", file, at)});
  }
  return s;
}

// A Markdown table cell: no bar or line break may end it early.
std::string cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

const char* paper_title(const std::string& paper) {
  if (paper == "ghost")
    return "Ghost mechanism (Dinc et al., \"Ghost mechanism: an analytical model of abrupt learning in recurrent "
           "networks\", arXiv 2501.02378)";
  if (paper == "overlaps")
    return "Overlap ODEs (Ger & Barak, \"Learning reveals invisible structure in low-rank RNNs\", arXiv 2605.04115)";
  return "K·P NTK (Hazelden et al., \"The Global Empirical NTK: Self-Referential Bias and Dimensionality of "
         "Gradient Descent Learning\", arXiv 2605.08746)";
}

}  // namespace

std::string how_close_tables(const std::string& dir, bool summary) {
  require(fs::is_directory(dir), "table", dir, "a folder of summary.json files (<paper>_<figure>.json)");
  std::vector<fs::path> files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());  // directory order is the file system's, not ours
  std::map<std::string, StoredSummary> by_id;
  for (const fs::path& f : files) {
    StoredSummary s = read_summary(f);
    const repro::Entry& e = repro::find_entry(s.id);  // an unknown id: ArgumentError naming it
    const std::string rerun = ": the summary is stale; rerun `learndyn reproduce " + s.id + "`";
    if (s.status != repro::status_name(e.status))
      throw InputError(s.file, "$.status", "'" + s.status + "' but the catalogue says '" +
                                               repro::status_name(e.status) + "'" + rerun);
    if (s.reason != e.reason) throw InputError(s.file, "$.reason", "differs from the catalogue's" + rerun);
    if (s.description != e.description)
      throw InputError(s.file, "$.description", "differs from the catalogue's" + rerun);
    if (!by_id.emplace(s.id, s).second)
      throw InputError(s.file, "$.id", s.id + " has another summary in " + dir + " too");
  }

  std::ostringstream md;
  std::string paper;
  // The summary: one row per paper, the panels by status and the claims by verdict, then the
  // panels with a failing claim (the full tables say which and why).
  struct Totals {
    std::map<std::string, int> panels, verdicts;
    std::vector<std::string> failing;
  };
  std::map<std::string, Totals> totals;
  std::vector<std::string> papers;
  std::vector<std::string> missing, not_applicable;
  auto close_paper = [&] {
    if (paper.empty()) return;
    std::map<std::string, int>& count = totals[paper].panels;  // this paper's panels by status
    md << "\n" << count["reproduced"] << (count["reproduced"] == 1 ? " panel" : " panels") << " reproduced, "
       << count["qualitatively"] << " qualitatively, "
       << missing.size() << " missing, " << not_applicable.size() << " not applicable.";
    auto list = [&](const std::vector<std::string>& ids, const char* what) {
      if (ids.empty()) return;
      md << " " << what << ": ";
      for (std::size_t k = 0; k < ids.size(); ++k) md << (k ? ", " : "") << ids[k];
      md << ".";
    };
    list(missing, "Missing");
    list(not_applicable, "Not applicable (schematics)");
    md << "\n";
    missing.clear();
    not_applicable.clear();
  };
  for (const repro::Entry& e : repro::catalogue()) {
    const std::string p = e.id.substr(0, e.id.find('/'));
    if (p != paper) {
      close_paper();
      paper = p;
      md << "\n#### " << paper_title(paper) << "\n\n"
         << "| panel | status | quantity | paper | learndyn | verdict |\n|---|---|---|---|---|---|\n";
    }
    const std::string fig = e.id.substr(e.id.find('/') + 1);
    if (papers.empty() || papers.back() != p) papers.push_back(p);
    ++totals[p].panels[repro::status_name(e.status)];
    if (e.status == repro::Status::missing) {
      missing.push_back(fig);
      continue;
    }
    if (e.status == repro::Status::not_applicable) {
      not_applicable.push_back(fig);
      continue;
    }
    const auto found = by_id.find(e.id);
    if (found == by_id.end())
      throw InputError(dir, "", "no summary of " + e.id + ": run `learndyn reproduce " + e.id +
                                    " -o DIR` and copy DIR/summary.json here");
    const StoredSummary& s = found->second;
    bool fails = false;
    for (const StoredClaim& c : s.claims) {
      ++totals[p].verdicts[c.verdict];
      fails = fails || c.verdict == "fail";
    }
    if (fails) totals[p].failing.push_back(fig);
    const std::string protocol = s.protocol == "quick" ? "" : " (" + s.protocol + " protocol)";
    if (s.claims.empty())
      md << "| " << fig << " | " << s.status << " | " << cell(s.description) << " | | |" << protocol << " |\n";
    for (std::size_t k = 0; k < s.claims.size(); ++k) {
      const StoredClaim& c = s.claims[k];
      const std::string verdict = c.verdict == "fail" ? "**fail**" : c.verdict;
      md << "| " << (k ? "" : fig) << " | " << (k ? "" : s.status) << " | " << cell(c.quantity) << " | "
         << cell(c.paper) << " | " << cell(c.measured) << protocol << " | " << verdict << " |\n";
    }
  }
  close_paper();
  if (!summary) return md.str();
  std::ostringstream sm;
  sm << "\n| paper | panels reproduced | qualitatively | not applicable | claims: pass | fail | qualitative |\n"
     << "|---|---|---|---|---|---|---|\n";
  for (const std::string& p : papers) {
    Totals& t = totals[p];
    sm << "| " << paper_title(p) << " | " << t.panels["reproduced"] << " | " << t.panels["qualitatively"] << " | "
       << t.panels["not applicable"] << " | " << t.verdicts["pass"] << " | " << t.verdicts["fail"] << " | "
       << t.verdicts["qualitative"] << " |\n";
  }
  sm << "\nPanels with a claim that fails in these runs:";
  for (std::size_t k = 0; k < papers.size(); ++k) {
    const Totals& t = totals[papers[k]];
    sm << (k ? ";" : "") << " " << papers[k] << " ";
    for (std::size_t i = 0; i < t.failing.size(); ++i) sm << (i ? ", " : "") << t.failing[i];
    if (t.failing.empty()) sm << "none";
  }
  sm << ".\n";
  return sm.str();
}

}  // namespace learndyn::cli
