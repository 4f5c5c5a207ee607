#include <learndyn/fast/ntk/operators.hpp>

#include <algorithm>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/parallel.hpp>
#include <learndyn/fast/ntk/kernels.hpp>

namespace learndyn::fast::ntk {
namespace {

using detail::Layout;


}  // namespace

Ntk::Ntk(const Model& model, const Inputs& inputs, NtkOptions options)
    : lin_(linearize(model, inputs)),
      dimension_(static_cast<std::ptrdiff_t>(inputs.batch) * inputs.steps * model.shape.hidden),
      threads_(options.threads),
      kernels_(options.generic_kernels ? &detail::generic_kernels() : &detail::kernels()) {}

double* Ntk::work(int chunk, std::ptrdiff_t size) const {
  return work_[chunk].get(static_cast<std::size_t>(size));
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
  const Chunking chunks(static_cast<std::size_t>(lin_.batch), static_cast<std::size_t>(ntk_chunk(lin_.batch)));
  parallel_for(chunks, threads_, [&](std::size_t lo, std::size_t hi) {
    const int b0 = static_cast<int>(lo), b1 = static_cast<int>(hi);
    double* w = work(static_cast<int>(lo / chunks.chunk),
                     detail::sweep_workspace(std::ptrdiff_t(b1 - b0) * m, lin_.hidden, lin_.terms));
    (which == Sweep::forward ? k.forward_sweep : k.backward_sweep)(
        data, b0, b1, m, in, in_compact ? compact : external, out, out_compact ? compact : external, w);
  });
}

void Ntk::core(const std::vector<detail::CoreSite>& sites, const double* in, double* out, int m) const {
  const int rows = lin_.batch * lin_.steps;
  const detail::Kernels& k = *kernels_;
  const Chunking chunks(static_cast<std::size_t>(m), static_cast<std::size_t>(ntk_chunk(m)));
  parallel_for(chunks, threads_, [&](std::size_t lo, std::size_t hi) {
    const int p0 = static_cast<int>(lo), p1 = static_cast<int>(hi);
    int total_d = 0;
    for (const detail::CoreSite& s : sites) total_d += s.d;
    double* w = work(static_cast<int>(lo / chunks.chunk),
                     detail::core_workspace(std::ptrdiff_t(p1 - p0) * lin_.hidden, total_d));
    k.core(rows, lin_.hidden, m, p0, p1, sites.data(), static_cast<int>(sites.size()), in, out, w);
  });
}

void Ntk::apply_p(const double* in, double* out, int m) const {
  require(m >= 1, "m", m, "m >= 1 probes");
  sweep(Sweep::forward, in, false, out, false, m);
}

void Ntk::apply_p_adjoint(const double* in, double* out, int m) const {
  require(m >= 1, "m", m, "m >= 1 probes");
  sweep(Sweep::backward, in, false, out, false, m);
}

// External -> compact (t, b, p, i) and back: a copy through the identity sweep would be
// wasteful, so this is a plain strided copy.
namespace {
void to_compact(const double* in, double* out, int batch, int steps, int n, int m, std::ptrdiff_t dim) {
  for (int t = 0; t < steps; ++t)
    for (int b = 0; b < batch; ++b)
      for (int p = 0; p < m; ++p) {
        const double* src = in + p * dim + (static_cast<std::ptrdiff_t>(b) * steps + t) * n;
        std::copy(src, src + n, out + ((static_cast<std::ptrdiff_t>(t) * batch + b) * m + p) * n);
      }
}
void from_compact(const double* in, double* out, int batch, int steps, int n, int m, std::ptrdiff_t dim) {
  for (int t = 0; t < steps; ++t)
    for (int b = 0; b < batch; ++b)
      for (int p = 0; p < m; ++p) {
        const double* src = in + ((static_cast<std::ptrdiff_t>(t) * batch + b) * m + p) * n;
        std::copy(src, src + n, out + p * dim + (static_cast<std::ptrdiff_t>(b) * steps + t) * n);
      }
}
}  // namespace

void Ntk::apply_sites(bool joint, const double* in, double* out, int m) const {
  require(m >= 1, "m", m, "m >= 1 probes");
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
  // One compact block: the core works in place (each chunk reads all rows of its own probes
  // before it writes any, N48), so a second 12 MB block (m = 32) need not be touched.
  double* const a = scratch_a_.get(size);
  std::vector<detail::CoreSite> refs;
  for (const Site& s : lin_.sites) refs.push_back({s.d, s.v.data(), s.gain.data()});
  sweep(Sweep::backward, in, false, a, true, m);  // P* (N7), into compact
  core(refs, a, a, m);                            // K (N12'), in place
  sweep(Sweep::forward, a, true, out, false, m);  // P (N5), back out
}

}  // namespace learndyn::fast::ntk
