#include <learndyn/fast/ntk/attention.hpp>

#include <algorithm>
#include <cmath>
#include <iterator>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/parallel.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/fast/ntk/attention_kernels.hpp>

namespace learndyn::fast::ntk {
namespace {

using RowMatrix = AttentionNtk::RowMatrix;
using MutableBlock = Eigen::Map<RowMatrix, 0, Eigen::OuterStride<>>;

// Offsets of the layers inside one token's state (N41): [q k v a u y].
struct Offsets {
  int q, k, v, a, u, y, size;
  explicit Offsets(const AttentionShape& s)
      : q(0), k(s.attention), v(2 * s.attention), a(3 * s.attention), u(4 * s.attention),
        y(4 * s.attention + s.mlp), size(s.state_size()) {}
};


// The weight W (rows x cols) stored row-major at theta[offset].
RowMatrix weight(const std::vector<double>& theta, std::size_t offset, int rows, int cols) {
  return Eigen::Map<const RowMatrix>(theta.data() + offset, rows, cols);
}

struct Parameters {
  RowMatrix wq, wk, wv, w1, w2;
  Eigen::RowVectorXd b1, b2;
};

Parameters parameters(const AttentionModel& m) {
  const AttentionShape& s = m.shape;
  const std::size_t proj = std::size_t(s.attention) * s.inputs, w1 = 3 * proj,
                    b1 = w1 + std::size_t(s.mlp) * s.attention, w2 = b1 + s.mlp,
                    b2 = w2 + std::size_t(s.outputs) * s.mlp;
  Parameters p{weight(m.theta, 0, s.attention, s.inputs), weight(m.theta, proj, s.attention, s.inputs),
               weight(m.theta, 2 * proj, s.attention, s.inputs), weight(m.theta, w1, s.mlp, s.attention),
               weight(m.theta, w2, s.outputs, s.mlp), {}, {}};
  p.b1 = Eigen::Map<const Eigen::RowVectorXd>(m.theta.data() + b1, s.mlp);
  p.b2 = Eigen::Map<const Eigen::RowVectorXd>(m.theta.data() + b2, s.outputs);
  return p;
}

// The forward pass (N41) at double, layer by layer over all (b, t) rows.
struct Forward {
  RowMatrix q, k, v, a, u, tanh_u, y;
  std::vector<RowMatrix> probs;  // per (sequence, head), T x T
};

// p_ts = softmax_s(e_ts), e = Q K^T / sqrt(d_a); shifted by the row maximum (same values as the
// reference's unshifted form, without overflow).
RowMatrix softmax_rows(const RowMatrix& e) {
  RowMatrix p(e.rows(), e.cols());
  for (Eigen::Index t = 0; t < e.rows(); ++t) {
    const double top = e.row(t).maxCoeff();
    double total = 0;
    for (Eigen::Index s = 0; s < e.cols(); ++s) total += (p(t, s) = std::exp(e(t, s) - top));
    p.row(t) /= total;
  }
  return p;
}

Forward run_forward(const AttentionModel& m, const AttentionInputs& in) {
  validate(m, in);
  const AttentionShape& s = m.shape;
  const Parameters w = parameters(m);
  const int rows = in.batch * in.steps, steps = in.steps;
  const Eigen::Map<const RowMatrix> x(in.x.data(), rows, s.inputs);
  Forward f;
  f.q = x * w.wq.transpose();
  f.k = x * w.wk.transpose();
  f.v = x * w.wv.transpose();
  f.a.resize(rows, s.attention);
  const int dk = s.head_width();
  const double scale = 1 / std::sqrt(double(dk));
  for (int b = 0; b < in.batch; ++b) {
    if (s.heads == 1) {
      const RowMatrix e = scale * (f.q.middleRows(b * steps, steps) * f.k.middleRows(b * steps, steps).transpose());
      f.probs.push_back(softmax_rows(e));
      f.a.middleRows(b * steps, steps) = f.probs.back() * f.v.middleRows(b * steps, steps);
      continue;
    }
    for (int j = 0; j < s.heads; ++j) {  // (N65) head j on columns [j d_k, (j+1) d_k)
      const RowMatrix e = scale * (f.q.block(b * steps, j * dk, steps, dk) * f.k.block(b * steps, j * dk, steps, dk).transpose());
      f.probs.push_back(softmax_rows(e));
      f.a.block(b * steps, j * dk, steps, dk) = f.probs.back() * f.v.block(b * steps, j * dk, steps, dk);
    }
  }
  f.u = (f.a * w.w1.transpose()).rowwise() + w.b1;
  f.tanh_u = f.u.array().tanh().matrix();
  f.y = (f.tanh_u * w.w2.transpose()).rowwise() + w.b2;
  return f;
}

// Runs item(j) for every pair j < pairs (probe, sequence) or probe j < m, in the chunks of N46
// (fixed by the count alone, so the bits do not depend on the thread count).
template <class Item>
void for_items(int count, unsigned threads, Item item) {
  parallel_for(Chunking(static_cast<std::size_t>(count), static_cast<std::size_t>(ntk_chunk(count))), threads,
               [&](std::size_t j0, std::size_t j1) {
                 for (std::size_t j = j0; j < j1; ++j) item(static_cast<int>(j));
               });
}
template <class Item>
void for_pairs(int pairs, unsigned threads, Item item) { for_items(pairs, threads, item); }
template <class Item>
void for_probes(int m, unsigned threads, Item item) { for_items(m, threads, item); }

}  // namespace

void validate(const AttentionModel& m, const AttentionInputs& in) {
  const AttentionShape& s = m.shape;
  require(s.inputs >= 1, "inputs", s.inputs, "d_in >= 1");
  require(s.attention >= 1, "attention", s.attention, "d_a >= 1");
  require(s.heads >= 1 && s.attention % s.heads == 0, "heads", s.heads, "H >= 1 dividing d_a (N65)");
  require(s.mlp >= 1, "mlp", s.mlp, "d_h >= 1");
  require(s.outputs >= 1, "outputs", s.outputs, "d_out >= 1");
  require(m.theta.size() == std::size_t(s.parameter_count()), "theta", m.theta.size(),
          "parameter_count() = " + std::to_string(s.parameter_count()) + " values");
  require(in.batch >= 1, "batch", in.batch, "B >= 1");
  require(in.steps >= 1, "steps", in.steps, "T >= 1");
  require(in.x.size() == std::size_t(in.batch) * in.steps * s.inputs, "x", in.x.size(), "B T d_in values");
  for (double v : m.theta) require(std::isfinite(v), "theta", v, "finite values");
  for (double v : in.x) require(std::isfinite(v), "x", v, "finite values");
}

AttentionModel random_attention(const AttentionShape& shape, std::uint64_t seed) {
  AttentionModel m{shape, {}};
  m.theta.reserve(shape.parameter_count());
  Rng rng(seed);
  const auto fill = [&](int count, int fan_in) {
    for (int i = 0; i < count; ++i) m.theta.push_back(rng.normal() / std::sqrt(double(fan_in)));
  };
  fill(3 * shape.attention * shape.inputs, shape.inputs);
  fill(shape.mlp * shape.attention, shape.attention);
  fill(shape.mlp, 10);
  fill(shape.outputs * shape.mlp, shape.mlp);
  fill(shape.outputs, 10);
  return m;
}

AttentionInputs random_attention_inputs(const AttentionShape& shape, int batch, int steps, std::uint64_t seed) {
  AttentionInputs in{batch, steps, std::vector<double>(std::size_t(batch) * steps * shape.inputs)};
  Rng rng(seed ^ 0xA77E17ull);
  for (double& v : in.x) v = rng.normal();
  return in;
}

namespace {

// The global state vector of one forward pass (N41), index (b*T + t)*D + offset.
std::vector<double> state_of(const Forward& f, const AttentionShape& shape) {
  const Offsets o(shape);
  const Eigen::Index rows = f.q.rows();
  std::vector<double> h(std::size_t(rows) * o.size);
  MutableBlock all(h.data(), rows, o.size, Eigen::OuterStride<>(o.size));
  all.middleCols(o.q, shape.attention) = f.q;
  all.middleCols(o.k, shape.attention) = f.k;
  all.middleCols(o.v, shape.attention) = f.v;
  all.middleCols(o.a, shape.attention) = f.a;
  all.middleCols(o.u, shape.mlp) = f.u;
  all.middleCols(o.y, shape.outputs) = f.y;
  return h;
}

}  // namespace

std::vector<double> attention_forward(const AttentionModel& m, const AttentionInputs& in) {
  return state_of(run_forward(m, in), m.shape);
}

AttentionNtk::AttentionNtk(const AttentionModel& m, const AttentionInputs& in, NtkOptions options)
    : shape_(m.shape),
      batch_(in.batch),
      steps_(in.steps),
      dimension_(std::ptrdiff_t(in.batch) * in.steps * m.shape.state_size()),
      threads_(options.threads),
      kernels_(options.generic_kernels ? &detail::generic_attention_kernels() : &detail::attention_kernels()),
      precision_(options.precision) {
  Forward f = run_forward(m, in);
  state_ = state_of(f, m.shape);
  const Parameters w = parameters(m);
  w1_ = w.w1;
  w2_ = w.w2;
  const int rows = in.batch * in.steps;
  tanh_prime_ = (1 - f.tanh_u.array().square()).matrix();
  q_ = std::move(f.q);
  k_ = std::move(f.k);
  v_ = std::move(f.v);
  for (const RowMatrix& p : f.probs) probs_.insert(probs_.end(), p.data(), p.data() + p.size());
  x_ = Eigen::Map<const RowMatrix>(in.x.data(), rows, m.shape.inputs);
  a1_.resize(rows, m.shape.attention + 1);
  a1_ << f.a, Eigen::VectorXd::Ones(rows);
  t1_.resize(rows, m.shape.mlp + 1);
  t1_ << f.tanh_u, Eigen::VectorXd::Ones(rows);
  data_ = std::make_unique<detail::AttentionData>(detail::AttentionData{
      in.batch, in.steps, m.shape.inputs, m.shape.attention, m.shape.mlp, m.shape.outputs,
      1 / std::sqrt(double(m.shape.head_width())), q_.data(), k_.data(), v_.data(), probs_.data(),
      tanh_prime_.data(), w1_.data(), w2_.data(), x_.data(), a1_.data(), t1_.data(), m.shape.heads, false});
  if (precision_ == Precision::float32) make_float_copy();
}

// (N68) Every datum of the linearisation rounded once to float, in one array; the scale too.
void AttentionNtk::make_float_copy() {
  const detail::AttentionData& d = *data_;
  const std::ptrdiff_t rows = std::ptrdiff_t(batch_) * steps_;
  const struct { const double* data; std::ptrdiff_t size; } parts[] = {
      {d.q, rows * shape_.attention},
      {d.k, rows * shape_.attention},
      {d.v, rows * shape_.attention},
      {d.probs, std::ptrdiff_t(probs_.size())},
      {d.tanh_prime, rows * shape_.mlp},
      {d.w1, std::ptrdiff_t(w1_.size())},
      {d.w2, std::ptrdiff_t(w2_.size())},
      {d.x, rows * shape_.inputs},
      {d.a1, rows * (shape_.attention + 1)},
      {d.t1, rows * (shape_.mlp + 1)}};
  std::ptrdiff_t total = 0;
  for (const auto& part : parts) total += part.size;
  f32_.resize(std::size_t(total));
  const float* at[std::size(parts)];
  float* next = f32_.data();
  for (std::size_t i = 0; i < std::size(parts); ++i) {
    at[i] = next;
    next = std::copy(parts[i].data, parts[i].data + parts[i].size, next);
  }
  data32_ = std::make_unique<detail::AttentionData32>(detail::AttentionData32{
      d.batch, d.steps, d.inputs, d.attention, d.mlp, d.outputs, static_cast<float>(d.scale), at[0], at[1], at[2],
      at[3], at[4], at[5], at[6], at[7], at[8], at[9], d.heads, false});
}

AttentionNtk::~AttentionNtk() = default;

const char* AttentionNtk::kernel_name() const { return kernels_->name; }

void AttentionNtk::by_pairs(bool adjoint, Layers which, const double* in, double* out, int m) const {
  require(m >= 1, "m", m, "m >= 1 probes");
  if (precision_ == Precision::float32) {
    const auto pair = adjoint ? kernels_->backward_pair32 : kernels_->forward_pair32;
    for_pairs(m * batch_, threads_, [&](int j) { pair(*data32_, which == Layers::p, in, out, j); });
    return;
  }
  const int pairs = m * batch_;
  parallel_for(Chunking(static_cast<std::size_t>(pairs), static_cast<std::size_t>(ntk_chunk(pairs))), threads_,
               [&](std::size_t j0, std::size_t j1) {
                 for (std::size_t j = j0; j < j1; ++j)
                   (adjoint ? kernels_->backward_pair : kernels_->forward_pair)(*data_, which == Layers::p, in, out,
                                                                                static_cast<int>(j));
               });
}

void AttentionNtk::apply_s(const double* in, double* out, int m) const { by_pairs(false, Layers::s, in, out, m); }
void AttentionNtk::apply_s_adjoint(const double* in, double* out, int m) const { by_pairs(true, Layers::s, in, out, m); }
void AttentionNtk::apply_p(const double* in, double* out, int m) const { by_pairs(false, Layers::p, in, out, m); }
void AttentionNtk::apply_p_adjoint(const double* in, double* out, int m) const { by_pairs(true, Layers::p, in, out, m); }

void AttentionNtk::apply_k(const double* in, double* out, int m) const {
  require(m >= 1, "m", m, "m >= 1 probes");
  if (precision_ == Precision::float32) {  // each probe rounded into the float block, K in place, widened
    scratch32_.resize(std::size_t(dimension_) * m);
    for_probes(m, threads_, [&](int p) {
      const std::ptrdiff_t at = std::ptrdiff_t(p) * dimension_;
      float* probe = scratch32_.data() + at;
      std::copy(in + at, in + at + dimension_, probe);
      kernels_->k_probe32_in_block(*data32_, probe);
      std::copy(probe, probe + dimension_, out + at);
    });
    return;
  }
  parallel_for(Chunking(static_cast<std::size_t>(m), static_cast<std::size_t>(ntk_chunk(m))), threads_,
               [&](std::size_t p0, std::size_t p1) {
                 for (std::size_t p = p0; p < p1; ++p)
                   kernels_->k_probe(*data_, in + std::ptrdiff_t(p) * dimension_, out + std::ptrdiff_t(p) * dimension_);
               });
}

void AttentionNtk::apply_ntk(const double* in, double* out, int m) const {
  require(m >= 1, "m", m, "m >= 1 probes");
  const std::size_t size = std::size_t(dimension_) * m;
  if (precision_ == Precision::float32) {  // (N68) one float block: P* into it, K in place, P out of it
    scratch32_.resize(size);
    float* const block = scratch32_.data();
    for_pairs(m * batch_, threads_, [&](int j) { kernels_->backward_pair32_to_block(*data32_, in, block, j); });
    for_probes(m, threads_,
               [&](int p) { kernels_->k_probe32_in_block(*data32_, block + std::ptrdiff_t(p) * dimension_); });
    for_pairs(m * batch_, threads_, [&](int j) { kernels_->forward_pair32_from_block(*data32_, block, out, j); });
    return;
  }
  scratch_a_.resize(size);
  scratch_b_.resize(size);
  apply_p_adjoint(in, scratch_a_.data(), m);            // P* (N46)
  apply_k(scratch_a_.data(), scratch_b_.data(), m);     // K (N43)
  apply_p(scratch_b_.data(), out, m);                   // P (N46)
}

std::vector<double> AttentionNtk::absolute_ntk_block(const double* q, int m) const {
  require(m >= 1, "m", m, "m >= 1 probes");
  const auto copy = [](const auto& matrix) {
    return std::vector<double>(matrix.data(), matrix.data() + matrix.size());
  };
  std::vector<double> parts[] = {copy(q_), copy(k_), copy(v_), copy(w1_), copy(w2_), copy(x_), copy(a1_), copy(t1_)};
  for (std::vector<double>& part : parts)
    for (double& value : part) value = std::abs(value);
  // p > 0 and tanh' = 1 - tanh^2 >= 0 already; the scale is positive.
  detail::AttentionData d = *data_;
  d.q = parts[0].data();
  d.k = parts[1].data();
  d.v = parts[2].data();
  d.w1 = parts[3].data();
  d.w2 = parts[4].data();
  d.x = parts[5].data();
  d.a1 = parts[6].data();
  d.t1 = parts[7].data();
  d.absolute = true;
  const std::size_t size = std::size_t(dimension_) * m;
  std::vector<double> aq(q, q + size), mid(size), out(size);
  for (double& value : aq) value = std::abs(value);
  for_pairs(m * batch_, threads_, [&](int j) { kernels_->backward_pair(d, true, aq.data(), mid.data(), j); });
  for_probes(m, threads_, [&](int p) {
    kernels_->k_probe(d, mid.data() + std::ptrdiff_t(p) * dimension_, aq.data() + std::ptrdiff_t(p) * dimension_);
  });
  for_pairs(m * batch_, threads_, [&](int j) { kernels_->forward_pair(d, true, aq.data(), out.data(), j); });
  return out;
}

// (N70) D = D_{P*} + D_K + D_P, each the most roundings on a path through that stage.
long attention_float32_depth(const AttentionShape& s, int batch, int steps) {
  const long T = steps, bt = long(batch) * steps, dk = s.head_width(), da = s.attention, dh = s.mlp,
             dout = s.outputs, din = s.inputs;
  const long backward = 16 + dout + dh + dk + 2 * T;
  const long core = bt + std::max({din, da + 1, dh + 1}) + 2;
  const long forward = 15 + 2 * dk + 3 * T + da + dh;
  return backward + core + forward;
}

SymmetricOperator AttentionNtk::ntk_operator() const {
  return {dimension_, [this](const double* in, double* out, int m) { apply_ntk(in, out, m); }, threads_};
}

SymmetricOperator AttentionNtk::k_operator() const {
  return {dimension_, [this](const double* in, double* out, int m) { apply_k(in, out, m); }, threads_};
}

}  // namespace learndyn::fast::ntk
