// An independent route to the enclosed ghost-RNN gradient (issue 18; proofs/ghost_rnn.md R56):
// the golden suite's four default networks, the gradient of the loss (R9) by forward-mode
// differentiation on balls (common/forward_dual.hpp, C28) through the forward pass alone
// (rnn_loss: rnn_states and the readout), against the BPTT adjoint on balls (R13-R16, R55).
// Every component, the gradient norm and the loss must intersect; a dropped term is caught.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include <learndyn/common/forward_dual.hpp>
#include <learndyn/common/interval.hpp>
#include <learndyn/fast/ghost/rnn.hpp>
#include <learndyn/oracle/to_reference.hpp>
#include <learndyn/reference/ghost/enclosures.hpp>
#include <learndyn/reference/ghost/rnn_network_impl.hpp>

namespace rnn_routes {  // named: the test target is a unity build

using learndyn::interval;
namespace fg = learndyn::fast::ghost;
namespace rg = learndyn::reference::ghost;
using learndyn::oracle::to_reference;

constexpr int kDirections = 16;
using D = learndyn::dual<interval, kDirections>;

bool meet(const interval& a, const interval& b) { return !(a.hi() < b.lo() || b.hi() < a.lo()); }

// The network, inputs, targets and initial states of a golden case, built as
// oracle/ghost_rnn_cases.cpp builds them (the trainer's epoch-0 network, no noise, r0 = 0).
struct GoldenRun {
  fg::RunSpec spec;
  fg::RnnNet net;
  fg::RnnBatch batch;
};

GoldenRun golden_run(fg::RnnTask task, int neurons, int rank, unsigned long long seed) {
  fg::RunSpec spec = fg::default_run(task, rank);
  spec.neurons = neurons;
  spec.seed = seed;
  spec.noise = 0;
  spec.initial_sigma = 0;
  fg::validate(spec);
  fg::RnnNet net = fg::random_net(spec.neurons, spec.rank, task == fg::RnnTask::da ? 0 : 1, spec.init, spec.seed);
  fg::RnnBatch batch = fg::make_batch(spec, 0);
  return {spec, std::move(net), std::move(batch)};
}

// Every parameter entry, in gradient_norm's block order (W, M, Nm, b, W_in, w_out, b_out).
template <class T>
std::vector<T*> entries(rg::RnnParams<T>& p) {
  std::vector<T*> out;
  const auto add = [&](auto& block) {
    for (Eigen::Index i = 0; i < block.size(); ++i) out.push_back(block.data() + i);
  };
  add(p.W);
  add(p.M);
  add(p.Nm);
  add(p.b);
  add(p.W_in);
  add(p.w_out);
  out.push_back(&p.b_out);
  return out;
}

struct ForwardGradient {
  interval loss;
  std::vector<interval> gradient;  // entries() order
};

// dL/dtheta by forward mode, kDirections parameters per pass of the forward simulation.
ForwardGradient forward_gradient(const GoldenRun& run) {
  const rg::RnnConfig<D> config = to_reference<D>(run.spec.config);
  const rg::RnnBatch<D> batch = to_reference<D>(run.batch);
  rg::RnnParams<D> shape = to_reference<D>(run.net);
  const std::size_t count = entries(shape).size();
  ForwardGradient out;
  out.gradient.resize(count);
  for (std::size_t start = 0; start < count; start += kDirections) {
    rg::RnnParams<D> params = to_reference<D>(run.net);
    std::vector<D*> e = entries(params);
    for (std::size_t k = 0; k < kDirections && start + k < count; ++k) e[start + k]->d[k] = interval(1);
    const D loss = rg::rnn_loss(config, params, batch);
    for (std::size_t k = 0; k < kDirections && start + k < count; ++k) out.gradient[start + k] = loss.d[k];
    out.loss = loss.v;
  }
  return out;
}

TEST(GhostRnnRoutes, GradientByForwardModeMeetsBackpropagation) {
  struct Case {
    fg::RnnTask task;
    int neurons, rank;
    unsigned long long seed;
  };
  // The default suite's four ghost_rnn.gradient cases (oracle/ghost_rnn_cases.cpp).
  for (const Case& c : {Case{fg::RnnTask::da, 8, 1, 1}, Case{fg::RnnTask::da, 8, 0, 1},
                        Case{fg::RnnTask::dcd, 8, 2, 1}, Case{fg::RnnTask::dmts, 6, 0, 1}}) {
    const std::string name = std::string(fg::rnn_task_name(c.task)) + " N=" + std::to_string(c.neurons) +
                             " rank=" + std::to_string(c.rank);
    const GoldenRun run = golden_run(c.task, c.neurons, c.rank, c.seed);
    const rg::RnnGradient<interval> adjoint = rg::rnn_gradient(
        to_reference<interval>(run.spec.config), to_reference<interval>(run.net), to_reference<interval>(run.batch));
    const ForwardGradient forward = forward_gradient(run);

    EXPECT_TRUE(meet(forward.loss, adjoint.loss)) << name << ": loss " << forward.loss << " vs " << adjoint.loss;
    rg::RnnParams<interval> g = adjoint.gradient;
    const std::vector<interval*> ge = entries(g);
    ASSERT_EQ(ge.size(), forward.gradient.size()) << name;
    interval square = 0, square_without_b = 0;
    int weakest = interval::precision_digits;
    for (std::size_t i = 0; i < ge.size(); ++i) {
      EXPECT_TRUE(meet(*ge[i], forward.gradient[i])) << name << " entry " << i << ": " << *ge[i] << " vs "
                                                     << forward.gradient[i];
      square += forward.gradient[i] * forward.gradient[i];
      if (!forward.gradient[i].contains(learndyn::real_hi(0)))
        weakest = std::min(weakest, forward.gradient[i].proved_digits());
    }
    for (Eigen::Index i = 0; i < g.b.size(); ++i) square_without_b -= g.b(i) * g.b(i);
    const interval norm = rg::gradient_norm(g);
    const interval forward_norm = sqrt(square);
    EXPECT_TRUE(meet(norm, forward_norm)) << name << ": norm " << norm << " vs " << forward_norm;
    // The forward route widens like the adjoint (the same recursion's wrapping, R56).
    EXPECT_GE(forward_norm.proved_digits(), 35) << name << " " << forward_norm;
    EXPECT_GE(forward.loss.proved_digits(), 35) << name << " " << forward.loss;
    std::cout << name << ": forward-mode norm proved to " << forward_norm.proved_digits() << " digits, loss to "
              << forward.loss.proved_digits() << ", weakest nonzero component " << weakest << "\n";

    // A dropped term is caught: the norm without the bias block misses the forward-mode norm.
    const interval dropped = sqrt(norm * norm + square_without_b);
    EXPECT_FALSE(meet(dropped, forward_norm)) << name << ": " << dropped << " vs " << forward_norm;
  }
}

}  // namespace rnn_routes
