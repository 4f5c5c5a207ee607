#include <learndyn/fast/ntk/attention.hpp>

#include <algorithm>
#include <cmath>

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
      kernels_(options.generic_kernels ? &detail::generic_attention_kernels() : &detail::attention_kernels()) {
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
      tanh_prime_.data(), w1_.data(), w2_.data(), x_.data(), a1_.data(), t1_.data(), m.shape.heads});
}

AttentionNtk::~AttentionNtk() = default;

const char* AttentionNtk::kernel_name() const { return kernels_->name; }

void AttentionNtk::by_pairs(bool adjoint, Layers which, const double* in, double* out, int m) const {
  require(m >= 1, "m", m, "m >= 1 probes");
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
  parallel_for(Chunking(static_cast<std::size_t>(m), static_cast<std::size_t>(ntk_chunk(m))), threads_,
               [&](std::size_t p0, std::size_t p1) {
                 for (std::size_t p = p0; p < p1; ++p)
                   kernels_->k_probe(*data_, in + std::ptrdiff_t(p) * dimension_, out + std::ptrdiff_t(p) * dimension_);
               });
}

void AttentionNtk::apply_ntk(const double* in, double* out, int m) const {
  require(m >= 1, "m", m, "m >= 1 probes");
  const std::size_t size = std::size_t(dimension_) * m;
  scratch_a_.resize(size);
  scratch_b_.resize(size);
  apply_p_adjoint(in, scratch_a_.data(), m);            // P* (N46)
  apply_k(scratch_a_.data(), scratch_b_.data(), m);     // K (N43)
  apply_p(scratch_b_.data(), out, m);                   // P (N46)
}

SymmetricOperator AttentionNtk::ntk_operator() const {
  return {dimension_, [this](const double* in, double* out, int m) { apply_ntk(in, out, m); }, threads_};
}

SymmetricOperator AttentionNtk::k_operator() const {
  return {dimension_, [this](const double* in, double* out, int m) { apply_k(in, out, m); }, threads_};
}

}  // namespace learndyn::fast::ntk
