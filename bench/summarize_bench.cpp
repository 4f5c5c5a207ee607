// Summarises Google Benchmark JSON outputs into one JSON file and one Markdown table of the
// ratios each area reports, so that two machines or two versions can be compared:
//
//   summarize_bench --out DIR [--baseline OLD/summary.json] results/bench_*.json
//
// Ratios are the counters named speedup_* (fast vs reference / naive, measured side by side
// in one process) and fraction_of_* (achieved vs the machine's measured GEMM rate or memory
// bandwidth). With --baseline, each benchmark also gets baseline time / this time.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <learndyn/common/text_file.hpp>

namespace {

using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

bool is_ratio(const std::string& name) {
  return name.rfind("speedup_", 0) == 0 || name.rfind("fraction_of_", 0) == 0;
}

// Nanoseconds per iteration, whatever unit the benchmark reported in.
double nanoseconds(const Json& b) {
  static const std::map<std::string, double> scale{{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
  return b.at("real_time").get<double>() * scale.at(b.value("time_unit", "ns"));
}

std::string short_number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", x);
  return text;
}

std::string human_time(double ns) {
  const char* units[] = {"ns", "us", "ms", "s"};
  int u = 0;
  while (ns >= 1000 && u < 3) ns /= 1000, ++u;
  char text[32];
  std::snprintf(text, sizeof text, "%.3g %s", ns, units[u]);
  return text;
}

Json summarize_file(const std::string& path) {
  const Json in = Json::parse(learndyn::read_text_file(path));
  Json rows = Json::array();
  for (const Json& b : in.at("benchmarks")) {
    if (b.value("run_type", "iteration") == "aggregate") continue;
    Json row{{"name", b.at("name")}, {"ns_per_iteration", nanoseconds(b)}};
    if (b.contains("items_per_second")) row["items_per_second"] = b.at("items_per_second");
    Json ratios = Json::object();
    for (const auto& [key, value] : b.items())
      if (is_ratio(key) && value.is_number()) ratios[key] = value;
    row["ratios"] = ratios;
    rows.push_back(row);
  }
  return Json{{"executable", fs::path(path).stem().string()}, {"context", in.value("context", Json::object())},
              {"benchmarks", rows}};
}

std::map<std::string, double> baseline_times(const std::string& path) {
  std::map<std::string, double> times;
  if (path.empty()) return times;
  const Json in = Json::parse(learndyn::read_text_file(path));
  for (const Json& file : in.at("files"))
    for (const Json& b : file.at("benchmarks")) times[b.at("name").get<std::string>()] = b.at("ns_per_iteration");
  return times;
}

std::string markdown(const Json& summary, const std::map<std::string, double>& baseline) {
  std::string md = "# learndyn benchmarks\n\n";
  const Json& context = summary.at("files").empty() ? Json::object() : summary["files"][0]["context"];
  md += "Machine: " + context.value("host_name", std::string("?")) + ", " +
        std::to_string(context.value("num_cpus", 0)) + " CPUs at " + std::to_string(context.value("mhz_per_cpu", 0)) +
        " MHz; run " + context.value("date", std::string("?")) + ".\n\n";
  for (const Json& file : summary.at("files")) {
    md += "## " + file.at("executable").get<std::string>() + "\n\n| benchmark | time / iteration | items/s | ratios |" +
          (baseline.empty() ? "" : " baseline time / this |") + "\n|---|---|---|---|" + (baseline.empty() ? "" : "---|") + "\n";
    for (const Json& b : file.at("benchmarks")) {
      std::string ratios;
      for (const auto& [key, value] : b.at("ratios").items())
        ratios += (ratios.empty() ? "" : ", ") + key + " = " + short_number(value.get<double>());
      const double ns = b.at("ns_per_iteration");
      md += "| " + b.at("name").get<std::string>() + " | " + human_time(ns) + " | " +
            (b.contains("items_per_second") ? short_number(b["items_per_second"].get<double>()) : "-") +
            " | " + (ratios.empty() ? "-" : ratios) + " |";
      if (!baseline.empty()) {
        const auto it = baseline.find(b.at("name").get<std::string>());
        md += " " + (it == baseline.end() ? std::string("-") : short_number(it->second / ns)) + " |";
      }
      md += "\n";
    }
    md += "\n";
  }
  return md;
}

void write(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

int main(int argc, char** argv) {
  std::string out_dir, baseline;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--out" && i + 1 < argc) out_dir = argv[++i];
    else if (arg == "--baseline" && i + 1 < argc) baseline = argv[++i];
    else inputs.push_back(arg);
  }
  if (out_dir.empty() || inputs.empty()) {
    std::cerr << "usage: summarize_bench --out DIR [--baseline summary.json] bench_*.json...\n";
    return 2;
  }
  try {
    Json files = Json::array();
    for (const std::string& path : inputs) files.push_back(summarize_file(path));
    const Json summary{{"files", files}};
    fs::create_directories(out_dir);
    write(fs::path(out_dir) / "summary.json", summary.dump(2) + "\n");
    write(fs::path(out_dir) / "summary.md", markdown(summary, baseline_times(baseline)));
    std::cout << "wrote " << (fs::path(out_dir) / "summary.md").string() << " and summary.json\n";
  } catch (const std::exception& e) {
    std::cerr << "summarize_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
