#include <learndyn/fast/ntk/operators.hpp>

#include <algorithm>
#include <cmath>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/parallel.hpp>
#include <learndyn/fast/ntk/kernels.hpp>
#include <type_traits>

namespace learndyn::fast::ntk {
namespace {

using detail::Layout;


}  // namespace

const char* precision_name(Precision p) { return p == Precision::float32 ? "float32" : "float64"; }

Precision parse_precision(const std::string& name, const std::string& parameter) {
  if (name == "float64") return Precision::float64;
  if (name == "float32") return Precision::float32;
  throw ArgumentError(parameter, "'" + name + "'", "float32 or float64");
}

// The forward pass runs on the operators' threads (N60: the same bits for any count).
Ntk::Ntk(const Model& model, const Inputs& inputs, NtkOptions options)
    : Ntk(linearize(model, inputs, options.threads), options) {}

Ntk::Ntk(Linearization lin, NtkOptions options)
    : lin_(std::move(lin)),
      precision_(options.precision),
      dimension_(static_cast<std::ptrdiff_t>(lin_.batch) * lin_.steps * lin_.hidden),
      threads_(options.threads),
      kernels_(options.generic_kernels ? &detail::generic_kernels() : &detail::kernels()) {
  // Site s reads V of site v_source_[s]: the first of a run of consecutive sites with equal V
  // (the kernel multiplies by a shared V once, kernels-inl.hpp `core`). The float32 path only:
  // in double the merged GEMM changed last bits of the GRU's results (measured), and the float64
  // outputs keep their bytes.
  for (std::size_t k = 0; k < lin_.sites.size(); ++k)
    v_source_.push_back(k > 0 && lin_.sites[k].d == lin_.sites[k - 1].d && lin_.sites[k].v == lin_.sites[k - 1].v
                            ? v_source_[k - 1]
                            : static_cast<int>(k));
  if (precision_ == Precision::float32) make_float_copy();
}

namespace {
template <class V>
std::vector<float> to_float(const V& v) { return std::vector<float>(v.begin(), v.end()); }
}  // namespace

// Every factor rounded once to float (N53: one rounding per datum on every path).
void Ntk::make_float_copy() {
  f32_.c = to_float(lin_.c);
  f32_.left = to_float(lin_.left);
  f32_.right = to_float(lin_.right);
  f32_.w_stack = to_float(lin_.w_stack);
  for (const Site& s : lin_.sites) {
    f32_.site_v.push_back(to_float(s.v));
    f32_.site_gain.push_back(to_float(s.gain));
  }
  f32_.joint_v = to_float(lin_.joint.v);
  f32_.joint_gain = to_float(lin_.joint.gain);
}

namespace {
// Worker w's workspace is slice w of one arena, grown (on the calling thread, before the chunks
// run) to one slice of `per_chunk` elements, rounded up to 4 KB, per worker, so that slices
// share no page (N61). One slice per worker rather than per chunk: 2 of 8 slices, 1.4 MB instead
// of 5.6 MB of fresh memory on two threads (docs/ntk.md "Cold start, fourth round"). What a
// kernel computes does not depend on where its workspace lies, and a kernel runs no loop of its
// own, so one worker never holds two chunks at once (parallel_for_worker).
template <class T>
struct Slices {
  T* base;
  std::size_t slice;
  T* of(unsigned worker) const { return base + worker * slice; }
};
template <class T>
std::size_t slice_of(std::ptrdiff_t per_chunk) {
  const std::size_t page = 4096 / sizeof(T);
  return (static_cast<std::size_t>(per_chunk) + page - 1) / page * page;
}
template <class T>
Slices<T> slices(LargeBuffer<T>& arena, std::ptrdiff_t per_chunk, std::size_t workers) {
  const std::size_t slice = slice_of<T>(per_chunk);
  return {arena.get(slice * workers), slice};
}
template <class T>
Slices<T> slices(LargeBuffer<T>& arena, std::pair<std::ptrdiff_t, std::size_t> work) {
  return slices(arena, work.first, work.second);
}
}  // namespace

std::pair<std::ptrdiff_t, std::size_t> Ntk::sweep_work(int m) const {
  const SweepSplit split(lin_.batch);
  return {detail::sweep_workspace(static_cast<std::ptrdiff_t>(split.largest()) * m, lin_.hidden, lin_.terms),
          parallel_workers(static_cast<std::size_t>(split.chunks), threads_)};
}

std::pair<std::ptrdiff_t, std::size_t> Ntk::core_work(int total_d, int m) const {
  const Chunking chunks(static_cast<std::size_t>(m), static_cast<std::size_t>(ntk_chunk(m)));
  return {detail::core_workspace(static_cast<std::ptrdiff_t>(chunks.chunk) * lin_.hidden, total_d),
          parallel_workers(chunks.count(), threads_)};
}

const char* Ntk::kernel_name() const { return kernels_->name; }

void Ntk::sweep(Sweep which, const double* in, bool in_compact, double* out, bool out_compact,
                int m) const {
  const std::ptrdiff_t n = lin_.hidden, batch = lin_.batch;
  const Layout external{n, lin_.steps * n, dimension_};
  const Layout compact{batch * m * n, m * n, n};  // [t][b][p][i]
  const detail::SweepData data{lin_.batch, lin_.steps, lin_.hidden, lin_.terms, lin_.c.data(),
                               lin_.left.data(), lin_.right.data(), lin_.w_stack.data()};
  const detail::Kernels& k = *kernels_;
  const SweepSplit split(lin_.batch);
  const Slices<double> work = slices(work_, sweep_work(m));
  parallel_for_worker(Chunking(static_cast<std::size_t>(split.chunks), 1), threads_, [&](std::size_t c, std::size_t, unsigned worker) {
    const int b0 = split.begin(static_cast<int>(c)), b1 = split.begin(static_cast<int>(c) + 1);
    double* w = work.of(worker);
    (which == Sweep::forward ? k.forward_sweep : k.backward_sweep)(
        data, b0, b1, m, in, in_compact ? compact : external, out, out_compact ? compact : external, w);
  });
}

void Ntk::core(const std::vector<detail::CoreSite>& sites, const double* in, double* out, int m) const {
  const int rows = lin_.batch * lin_.steps;
  const detail::Kernels& k = *kernels_;
  const Chunking chunks(static_cast<std::size_t>(m), static_cast<std::size_t>(ntk_chunk(m)));
  int total_d = 0;
  for (const detail::CoreSite& s : sites) total_d += s.d;
  const Slices<double> work = slices(work_, core_work(total_d, m));
  parallel_for_worker(chunks, threads_, [&](std::size_t lo, std::size_t hi, unsigned worker) {
    const int p0 = static_cast<int>(lo), p1 = static_cast<int>(hi);
    double* w = work.of(worker);
    k.core(rows, lin_.hidden, m, p0, p1, sites.data(), static_cast<int>(sites.size()), in, out, w);
  });
}

template <class In, class Out>
void Ntk::sweep32(Sweep which, const In* in, bool in_compact, Out* out, bool out_compact, int m) const {
  const std::ptrdiff_t n = lin_.hidden, batch = lin_.batch;
  const Layout external{n, lin_.steps * n, dimension_};
  const Layout compact{batch * m * n, m * n, n};  // [t][b][p][i]
  const detail::SweepData32 data{lin_.batch, lin_.steps, lin_.hidden, lin_.terms, f32_.c.data(),
                                 f32_.left.data(), f32_.right.data(), f32_.w_stack.data()};
  const detail::Kernels& k = *kernels_;
  detail::Sweep32<In, Out> fn;
  if constexpr (std::is_same_v<In, double> && std::is_same_v<Out, double>) {
    fn = which == Sweep::forward ? k.forward_sweep32 : k.backward_sweep32;
  } else if constexpr (std::is_same_v<Out, float>) {
    fn = k.backward_sweep32_to_compact;
  } else {
    fn = k.forward_sweep32_from_compact;
  }
  const SweepSplit split(lin_.batch);
  const Slices<float> work = slices(
      work32_, detail::sweep_workspace(static_cast<std::ptrdiff_t>(split.largest()) * m, lin_.hidden, lin_.terms),
      parallel_workers(static_cast<std::size_t>(split.chunks), threads_));
  parallel_for_worker(Chunking(static_cast<std::size_t>(split.chunks), 1), threads_, [&](std::size_t c, std::size_t, unsigned worker) {
    const int b0 = split.begin(static_cast<int>(c)), b1 = split.begin(static_cast<int>(c) + 1);
    float* w = work.of(worker);
    fn(data, b0, b1, m, in, in_compact ? compact : external, out, out_compact ? compact : external, w);
  });
}

void Ntk::core32(bool joint, const float* in, float* out, int m) const {
  std::vector<detail::CoreSite32> sites;
  if (joint) {
    sites.push_back({lin_.joint.d, f32_.joint_v.data(), f32_.joint_gain.data()});
  } else {
    for (std::size_t s = 0; s < lin_.sites.size(); ++s)
      sites.push_back({lin_.sites[s].d, f32_.site_v[v_source_[s]].data(), f32_.site_gain[s].data()});
  }
  const int rows = lin_.batch * lin_.steps;
  const detail::Kernels& k = *kernels_;
  int total_d = 0;
  for (const detail::CoreSite32& s : sites) total_d += s.d;
  const Chunking chunks(static_cast<std::size_t>(m), static_cast<std::size_t>(ntk_chunk(m)));
  const Slices<float> work = slices(
      work32_,
      detail::core_workspace(static_cast<std::ptrdiff_t>(chunks.chunk) * lin_.hidden, total_d,
                             detail::core_group(sites.data(), static_cast<int>(sites.size()))),
      parallel_workers(chunks.count(), threads_));
  parallel_for_worker(chunks, threads_, [&](std::size_t lo, std::size_t hi, unsigned worker) {
    const int p0 = static_cast<int>(lo), p1 = static_cast<int>(hi);
    float* w = work.of(worker);
    k.core32(rows, lin_.hidden, m, p0, p1, sites.data(), static_cast<int>(sites.size()), in, out, w);
  });
}

void Ntk::apply_p(const double* in, double* out, int m) const {
  require(m >= 1, "m", m, "m >= 1 probes");
  if (precision_ == Precision::float32) return sweep32<double, double>(Sweep::forward, in, false, out, false, m);
  sweep(Sweep::forward, in, false, out, false, m);
}

void Ntk::apply_p_adjoint(const double* in, double* out, int m) const {
  require(m >= 1, "m", m, "m >= 1 probes");
  if (precision_ == Precision::float32) return sweep32<double, double>(Sweep::backward, in, false, out, false, m);
  sweep(Sweep::backward, in, false, out, false, m);
}

// External -> compact (t, b, p, i) and back: a copy through the identity sweep would be
// wasteful, so this is a plain strided copy.
namespace {
template <class In, class Out>
void to_compact(const In* in, Out* out, int batch, int steps, int n, int m, std::ptrdiff_t dim) {
  for (int t = 0; t < steps; ++t)
    for (int b = 0; b < batch; ++b)
      for (int p = 0; p < m; ++p) {
        const In* src = in + p * dim + (static_cast<std::ptrdiff_t>(b) * steps + t) * n;
        std::copy(src, src + n, out + ((static_cast<std::ptrdiff_t>(t) * batch + b) * m + p) * n);
      }
}
template <class In, class Out>
void from_compact(const In* in, Out* out, int batch, int steps, int n, int m, std::ptrdiff_t dim) {
  for (int t = 0; t < steps; ++t)
    for (int b = 0; b < batch; ++b)
      for (int p = 0; p < m; ++p) {
        const In* src = in + ((static_cast<std::ptrdiff_t>(t) * batch + b) * m + p) * n;
        std::copy(src, src + n, out + p * dim + (static_cast<std::ptrdiff_t>(b) * steps + t) * n);
      }
}
}  // namespace

void Ntk::apply_sites32(bool joint, const double* in, double* out, int m) const {
  const std::size_t size = static_cast<std::size_t>(dimension_) * m;
  float* const a = scratch32_.get(size);
  float* const b = scratch32_b_.get(size);
  to_compact(in, a, lin_.batch, lin_.steps, lin_.hidden, m, dimension_);
  core32(joint, a, b, m);
  from_compact(b, out, lin_.batch, lin_.steps, lin_.hidden, m, dimension_);
}

void Ntk::apply_sites(bool joint, const double* in, double* out, int m) const {
  require(m >= 1, "m", m, "m >= 1 probes");
  if (precision_ == Precision::float32) return apply_sites32(joint, in, out, m);
  const std::size_t size = static_cast<std::size_t>(dimension_) * m;
  double* const a = scratch_a_.get(size);
  double* const b = scratch_b_.get(size);
  to_compact(in, a, lin_.batch, lin_.steps, lin_.hidden, m, dimension_);
  std::vector<detail::CoreSite> refs;
  if (joint) {
    refs.push_back({lin_.joint.d, lin_.joint.v.data(), lin_.joint.gain.data()});
  } else {
    for (const Site& s : lin_.sites) refs.push_back({s.d, s.v.data(), s.gain.data()});
  }
  core(refs, a, b, m);
  from_compact(b, out, lin_.batch, lin_.steps, lin_.hidden, m, dimension_);
}

void Ntk::apply_k(const double* in, double* out, int m) const { apply_sites(false, in, out, m); }
void Ntk::apply_core(const double* in, double* out, int m) const { apply_sites(true, in, out, m); }

void Ntk::apply_ntk(const double* in, double* out, int m) const {
  require(m >= 1, "m", m, "m >= 1 probes");
  const std::size_t size = static_cast<std::size_t>(dimension_) * m;
  if (precision_ == Precision::float32) {  // the same three steps on one float block (N53)
    float* const a = scratch32_.get(size);
    sweep32<double, float>(Sweep::backward, in, false, a, true, m);
    core32(false, a, a, m);
    sweep32<float, double>(Sweep::forward, a, true, out, false, m);
    return;
  }
  // One compact block: the core works in place (each chunk reads all rows of its own probes
  // before it writes any, N48), so a second 12 MB block (m = 32) need not be touched.
  double* const a = scratch_a_.get(size);
  std::vector<detail::CoreSite> refs;
  int total_d = 0;
  for (const Site& s : lin_.sites) {
    refs.push_back({s.d, s.v.data(), s.gain.data()});
    total_d += s.d;
  }
  // The kernels' workspace sized once for the larger of the sweeps' and the core's: grown by the
  // sweep and then again by the core, it was mapped, touched, released and mapped again on a
  // cold call (the 40-probe `ntk metrics` took 1034 page faults before, 947 after: `perf stat -r 20
  // -e page-faults`; docs/ntk.md "Cold start, fifth round").
  const auto [sweep_chunk, sweep_workers] = sweep_work(m);
  const auto [core_chunk, core_workers] = core_work(total_d, m);
  work_.get(std::max(slice_of<double>(sweep_chunk) * sweep_workers, slice_of<double>(core_chunk) * core_workers));
  sweep(Sweep::backward, in, false, a, true, m);  // P* (N7), into compact
  core(refs, a, a, m);                            // K (N12'), in place
  sweep(Sweep::forward, a, true, out, false, m);  // P (N5), back out
}

// The entrywise absolute linearisation (N55): every factor replaced by its absolute value, so
// that its NTK_S applied to |q| is M = |P| |K| |P*| |q|, the sum of the absolute values of every
// product term of (NTK_S q)_i.
namespace {
template <class V>
void absolute(V& v) {
  for (double& x : v) x = std::abs(x);
}
}  // namespace

std::vector<double> absolute_ntk_block(const Ntk& ntk, const double* q, int m) {
  Linearization lin = ntk.linearization();
  absolute(lin.c);
  absolute(lin.left);
  absolute(lin.right);
  absolute(lin.w_stack);
  for (Site& s : lin.sites) {
    absolute(s.v);
    absolute(s.gain);
  }
  absolute(lin.joint.v);
  const Ntk abs_ntk(std::move(lin), {1});
  const std::size_t size = static_cast<std::size_t>(ntk.dimension()) * m;
  std::vector<double> aq(q, q + size), out(size);
  absolute(aq);
  abs_ntk.apply_ntk(aq.data(), out.data(), m);
  return out;
}

// (N54) Roundings on the longest path: P* adds kn + 6 per step (L_j, W, R converted and
// multiplied, the GEMM's kn, the final add) after 3 at entry (the cast and two adds); K adds
// B T + d_max + S + 5 (g converted and multiplied, V^T's B T, V's d, g again, S - 1 adds of the
// sites' terms, two conversions of V); P adds n + k + 6 per step after 2 at entry.
long float32_depth(const Linearization& lin) {
  const long n = lin.hidden, k = lin.terms, steps = lin.steps, bt = static_cast<long>(lin.batch) * lin.steps;
  long d_max = lin.joint.d;
  for (const Site& s : lin.sites) d_max = std::max<long>(d_max, s.d);
  const long sites = static_cast<long>(lin.sites.size());
  const long backward = 3 + (steps - 1) * (k * n + 6);
  const long core = bt + d_max + sites + 5;
  const long forward = 2 + (steps - 1) * (n + k + 6);
  return backward + core + forward;
}

double gamma_of(long depth, double u) {
  const double du = static_cast<double>(depth) * u;
  require(du < 1, "depth", depth, "depth * unit roundoff < 1 (N52)");
  return du / (1 - du);
}

}  // namespace learndyn::fast::ntk
