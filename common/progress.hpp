// Progress of long runs, on one stream the program chooses (the CLI: stderr; a library user:
// none, the default). A run announces its work up front when it is large, then reports how
// far it is at most every few seconds once it has run for a few seconds: a short run prints
// nothing, a run of hours is not silent.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <ostream>
#include <sstream>
#include <string>

namespace learndyn {

namespace detail {
inline std::ostream*& progress_stream() {
  static std::ostream* stream = nullptr;
  return stream;
}
inline std::mutex& progress_lock() {
  static std::mutex lock;
  return lock;
}
}  // namespace detail

// Where progress goes; nullptr (the default) silences it.
inline void set_progress_stream(std::ostream* stream) { detail::progress_stream() = stream; }

// "2.5e+14": a work count as the estimate shows it.
inline std::string render_count(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, x < 1e6 ? "%.0f" : "%.2g", x);
  return buffer;
}

// "3 s", "12 min", "5.1 h", "2.3 days".
inline std::string render_duration(double seconds) {
  char buffer[32];
  if (seconds < 120)
    std::snprintf(buffer, sizeof buffer, "%.0f s", seconds);
  else if (seconds < 7200)
    std::snprintf(buffer, sizeof buffer, "%.0f min", seconds / 60);
  else if (seconds < 172800)
    std::snprintf(buffer, sizeof buffer, "%.1f h", seconds / 3600);
  else
    std::snprintf(buffer, sizeof buffer, "%.3g days", seconds / 86400);
  return buffer;
}

class Progress {
 public:
  using Clock = std::chrono::steady_clock;

  // `task` names the run ("overlaps filter"), `unit` what is counted ("epoch"), `total` how
  // many. `work` describes the size ("N T epochs = 2.0e+16 neuron-steps") and
  // `estimated_seconds` what it should take on one core; both are printed up front when the
  // estimate exceeds `announce_after` seconds.
  Progress(std::string task, std::string unit, double total, const std::string& work = "",
           double estimated_seconds = 0, double announce_after = 10)
      : task_(std::move(task)), unit_(std::move(unit)), total_(total), start_(Clock::now()),
        next_report_(start_ + std::chrono::seconds(3)) {
    if (!work.empty() && estimated_seconds > announce_after)
      print(task_ + ": " + work + ", estimated " + render_duration(estimated_seconds) +
            " (progress follows on stderr)");
  }

  // `done` units of `total` are done. Cheap when no report is due: one clock read. Safe to call
  // from any thread, as is advance: a report due while another thread prints is skipped.
  void update(double done) {
    if (detail::progress_stream() == nullptr) return;
    const Clock::time_point now = Clock::now();
    std::unique_lock<std::mutex> guard(lock_, std::try_to_lock);
    if (!guard.owns_lock() || now < next_report_) return;
    next_report_ = now + std::chrono::seconds(10);
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    std::ostringstream line;
    line << task_ << ": " << unit_ << " " << render_count(done) << " of " << render_count(total_);
    if (done > 0 && total_ > done) line << ", about " << render_duration(elapsed * (total_ - done) / done) << " left";
    print(line.str());
    reported_ = true;
  }

  // `units` more are done: the workers of a parallel loop (common/parallel.hpp) each advance
  // the one Progress of the run as their items finish.
  void advance(double units = 1) { update(done_.fetch_add(units) + units); }

  ~Progress() {
    if (reported_)
      print(task_ + ": done in " +
            render_duration(std::chrono::duration<double>(Clock::now() - start_).count()));
  }

 private:
  static void print(const std::string& line) {
    std::lock_guard<std::mutex> guard(detail::progress_lock());
    if (std::ostream* out = detail::progress_stream()) *out << "learndyn: " << line << "\n" << std::flush;
  }

  std::string task_, unit_;
  double total_;
  Clock::time_point start_, next_report_;
  bool reported_ = false;
  std::atomic<double> done_{0};  // what advance has counted
  std::mutex lock_;              // next_report_ and reported_
};

}  // namespace learndyn
