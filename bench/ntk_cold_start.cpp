// The whole `learndyn ntk metrics --estimator hutchinson --probes P` process against the
// estimator's own time (issue 16, "cold start"; docs/ntk.md). Side by side and alternating, so
// that both sides see the same load: each round runs
//   1. the CLI process (posix_spawn; its wall time, and its CPU time = user + sys from wait4,
//      every thread of the child included),
//   2. the estimator in this process on the same model (the CLI's built-in GRU, seeds 0 and 1)
//      with the same probes, seed and threads: fn::hutchinson on an Ntk built before the rounds,
//      on the operator `ntk metrics` builds (its threads, applied in place: N63, N64), warmed
//      by one call (wall time, and CPU time from getrusage(RUSAGE_SELF): this
//      process's every thread),
//   3. the same process with --probes 2 (the fixed cost: process start, options, model,
//      forward pass, the first call's setup, output, exit; two matvecs remain in it).
// Prints every round, then per quantity the median and the range over the rounds, and the
// ratios process / estimator of the medians, in wall and in CPU time, with a 95% bootstrap
// interval of each median ratio. On a shared machine the
// CPU-time ratio is the one another job's time slices do not distort; the load average is
// printed before and after. Before the rounds it also times the forward pass alone (linearize, N60).
// Not a test (no timing assertions anywhere).
//
//   build/bench/ntk_cold_start --learndyn build/cli/learndyn [--rounds 11] [--probes 40]
//       [--threads 0] [--batch 50] [--steps 15] [--hidden 64] [--inputs 10]
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <learndyn/common/random.hpp>
#include <learndyn/fast/ntk/estimators.hpp>
#include <learndyn/fast/ntk/operators.hpp>

namespace {
namespace fn = learndyn::fast::ntk;

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

double seconds(const timeval& t) { return double(t.tv_sec) + 1e-6 * double(t.tv_usec); }

double self_cpu() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

std::string load_average() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

struct Times {
  double wall = 0, cpu = 0;
};

// Runs argv with stdout and stderr on /dev/null; exits on failure. Started with posix_spawn
// (glibc: clone with CLONE_VM | CLONE_VFORK), not fork: fork would copy this process's page
// tables (its model, blocks and workspaces, tens of MB), a cost of the benchmark and not of the
// command, which a shell does not pay.
Times run_process(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  const double start = now();
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  rusage u{};
  if (spawned != 0 || wait4(pid, &status, 0, &u) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "ntk_cold_start: '%s' failed (status %d)\n", args[0].c_str(), spawned != 0 ? spawned : status);
    std::exit(1);
  }
  return {now() - start, seconds(u.ru_utime) + seconds(u.ru_stime)};
}

struct Summary {
  double median, lo, hi;
};

Summary summary(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  const double median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  return {median, v.front(), v.back()};
}

// A 95% bootstrap interval of the median (2000 resamples, percentile method, a fixed seed): the
// rounds of a shared VM are far from identically timed, so the median of a few is itself noisy.
std::pair<double, double> median_interval(const std::vector<double>& v) {
  learndyn::Rng rng(20261206);
  std::vector<double> medians, sample(v.size());
  for (int b = 0; b < 2000; ++b) {
    for (double& x : sample) x = v[rng.next() % v.size()];
    medians.push_back(summary(sample).median);
  }
  std::sort(medians.begin(), medians.end());
  return {medians[50], medians[1949]};
}

int usage(const char* message) {
  std::fprintf(stderr, "ntk_cold_start: %s\nusage: ntk_cold_start --learndyn PATH [--rounds N>=1] "
                       "[--probes 2..4096] [--threads 0..256] [--batch B] [--steps T] [--hidden n] [--inputs n_in]\n",
               message);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string learndyn;
  int rounds = 11, probes = 40, threads = 0, batch = 50, steps = 15, hidden = 64, inputs = 10;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage(("option " + a + " needs a value").c_str());
    const std::string v = argv[++i];
    if (a == "--learndyn") learndyn = v;
    else if (a == "--rounds") rounds = std::atoi(v.c_str());
    else if (a == "--probes") probes = std::atoi(v.c_str());
    else if (a == "--threads") threads = std::atoi(v.c_str());
    else if (a == "--batch") batch = std::atoi(v.c_str());
    else if (a == "--steps") steps = std::atoi(v.c_str());
    else if (a == "--hidden") hidden = std::atoi(v.c_str());
    else if (a == "--inputs") inputs = std::atoi(v.c_str());
    else return usage(("unknown option " + a).c_str());
  }
  if (learndyn.empty()) return usage("--learndyn PATH is required");
  if (rounds < 1) return usage("--rounds: N >= 1");
  if (probes < 2 || probes > 4096) return usage("--probes: 2 <= P <= 4096");
  if (threads < 0 || threads > 256) return usage("--threads: 0 <= N <= 256");
  if (batch < 1 || steps < 1 || hidden < 1 || inputs < 1) return usage("sizes: >= 1");

  // The CLI's built-in model: `ntk metrics` draws the model with --seed (0) and the inputs with
  // seed + 1 (cli/ntk_commands.cpp), gain 1, alpha 1, biases.
  const fn::Shape shape{fn::ModelKind::gru, hidden, inputs, true};
  const fn::Model model = fn::random_model(shape, 1.0, 1.0, 0);
  const fn::Inputs in = fn::random_inputs(shape, batch, steps, 1);
  // The forward pass alone (proofs/ntk.md N60), on 1 thread and on `threads`: median of 5.
  const auto time_linearize = [&](unsigned t) {
    std::vector<double> wall, cpu;
    for (int i = 0; i < 5; ++i) {
      const double w0 = now(), c0 = self_cpu();
      const fn::Linearization lin = fn::linearize(model, in, t);
      wall.push_back((now() - w0) * 1e3);
      cpu.push_back((self_cpu() - c0) * 1e3);
      if (lin.c.empty()) std::exit(1);
    }
    return std::pair{summary(wall).median, summary(cpu).median};
  };
  const auto lin1 = time_linearize(1), lin_n = time_linearize(static_cast<unsigned>(threads));
  const fn::Ntk ntk(model, in, {static_cast<unsigned>(threads)});
  const fn::SymmetricOperator a{ntk.dimension(), [&](const double* x, double* y, int m) { ntk.apply_ntk(x, y, m); },
                                static_cast<unsigned>(threads), true};  // as `ntk metrics` builds it
  const std::uint64_t estimator_seed = 1;  // --estimator-seed's default
  double t0 = now(), c0 = self_cpu();
  fn::RankEstimate first = fn::hutchinson(a, probes, estimator_seed);
  const Times first_call{now() - t0, self_cpu() - c0};

  const auto cli = [&](int p) {
    return std::vector<std::string>{learndyn, "ntk", "metrics", "--model", "gru", "--hidden", std::to_string(hidden),
                                    "--inputs", std::to_string(inputs), "--batch", std::to_string(batch), "--steps",
                                    std::to_string(steps), "--estimator", "hutchinson", "--probes", std::to_string(p),
                                    "--threads", std::to_string(threads), "--json"};
  };
  std::printf("# load average before: %s\n", load_average().c_str());
  std::printf("# the forward pass (linearize), median of 5: 1 thread wall %.1f ms cpu %.1f ms; --threads %d wall %.1f ms "
              "cpu %.1f ms\n",
              lin1.first, lin1.second, threads, lin_n.first, lin_n.second);
  std::printf("# the estimator's first call in this process: wall %.1f ms, cpu %.1f ms (trace %.6g)\n",
              first_call.wall * 1e3, first_call.cpu * 1e3, first.trace.value);
  std::printf("# round  process_wall_ms process_cpu_ms  estimator_wall_ms estimator_cpu_ms  probes2_wall_ms probes2_cpu_ms\n");
  std::vector<double> pw, pc, ew, ec, fw, fc;
  for (int r = 0; r < rounds; ++r) {
    const Times p = run_process(cli(probes));
    t0 = now();
    c0 = self_cpu();
    const fn::RankEstimate e = fn::hutchinson(a, probes, estimator_seed);
    const Times est{now() - t0, self_cpu() - c0};
    if (e.trace.value != first.trace.value) {
      std::fprintf(stderr, "ntk_cold_start: the estimate changed between calls\n");
      return 1;
    }
    const Times f = run_process(cli(2));
    std::printf("%7d  %15.1f %14.1f  %17.1f %16.1f  %15.1f %14.1f\n", r, p.wall * 1e3, p.cpu * 1e3, est.wall * 1e3,
                est.cpu * 1e3, f.wall * 1e3, f.cpu * 1e3);
    pw.push_back(p.wall * 1e3);
    pc.push_back(p.cpu * 1e3);
    ew.push_back(est.wall * 1e3);
    ec.push_back(est.cpu * 1e3);
    fw.push_back(f.wall * 1e3);
    fc.push_back(f.cpu * 1e3);
  }
  std::printf("# load average after: %s\n", load_average().c_str());
  const auto line = [](const char* name, const std::vector<double>& v) {
    const Summary s = summary(v);
    std::printf("%-26s median %7.1f ms  range %7.1f - %7.1f\n", name, s.median, s.lo, s.hi);
  };
  line("process wall", pw);
  line("process cpu", pc);
  line("estimator wall", ew);
  line("estimator cpu", ec);
  line("--probes 2 process wall", fw);
  line("--probes 2 process cpu", fc);
  std::vector<double> rw, rc;
  for (int r = 0; r < rounds; ++r) {
    rw.push_back(pw[r] / ew[r]);
    rc.push_back(pc[r] / ec[r]);
  }
  const Summary sw = summary(rw), sc = summary(rc);
  const auto [wlo, whi] = median_interval(rw);
  const auto [clo, chi] = median_interval(rc);
  std::printf("process / estimator, wall: %.2f (median of the rounds' ratios; 95%% CI %.2f - %.2f; range %.2f - %.2f)\n",
              sw.median, wlo, whi, sw.lo, sw.hi);
  std::printf("process / estimator, cpu:  %.2f (median of the rounds' ratios; 95%% CI %.2f - %.2f; range %.2f - %.2f)\n",
              sc.median, clo, chi, sc.lo, sc.hi);
  return 0;
}
