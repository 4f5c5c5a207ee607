// Training and measuring on top of the fast NTK operators (proofs/ntk_experiments.md X1-X4):
// the parameter gradient dL/dtheta = G^T P* dL/dh from the adjoint sweep and the Kronecker
// core's site factors (proofs/ntk.md N8, N11), the recurrent-weight-only NTK used by the
// student-teacher sweep, and a snapshot of the NTK ranks and core cosine.
#pragma once

#include <cstdint>
#include <vector>

#include <learndyn/fast/ntk/estimators.hpp>
#include <learndyn/fast/ntk/operators.hpp>
#include <learndyn/fast/ntk/parameters.hpp>

namespace learndyn::experiments::ntk {

namespace fn = learndyn::fast::ntk;

// (X1) dL/dtheta = G^T P* q for a state-shaped q = dL/dh (index (b*T + t)*n + i), in the
// layout of Model::theta ([weight_ih, weight_hh, bias_ih, bias_hh], PyTorch rows).
std::vector<double> parameter_gradient(const fn::Ntk& ntk, const fn::Model& model, const std::vector<double>& dl_dh);

// A linear readout y_{b,t} = W_out h_{b,t} + b_out (W_out row-major outputs x n).
struct Readout {
  int outputs = 1, hidden = 1;
  std::vector<double> weight, bias;
};
std::vector<double> read_out(const Readout& r, const std::vector<double>& states);  // (b*T+t)*o + k

// Mean squared error over all (b, t, k) entries (torch.nn.MSELoss) and its gradients.
struct LossGradient {
  double loss = 0;
  std::vector<double> dl_dy;  // output-shaped
};
LossGradient mse(const std::vector<double>& y, const std::vector<double>& target,
                 const std::vector<double>* mask = nullptr);
// dL/dh = W_out^T dL/dy, and dL/dW_out, dL/db_out.
std::vector<double> state_gradient(const Readout& r, const std::vector<double>& dl_dy);
void readout_gradient(const Readout& r, const std::vector<double>& states, const std::vector<double>& dl_dy,
                      std::vector<double>& d_weight, std::vector<double>& d_bias);

// Refuses, up front, batch and eval-batch sizes whose memory cannot be had: training keeps
// `training_bytes` per state (B T n of them; measured: ~150 for memory-pro's full-parameter SGD,
// ~80 for gain-sweep's recurrent weights alone) and the NTK measurement about 4.7 kB per state of
// the evaluation batch (blocks of 64 probes). Hard caps B T n <= 2.5e7 and eval-batch T n <= 1e6
// (at the allowed maxima, B 10000, T 2000, n 1024, eval 512, that was 3 TB and 4 TB), then the
// estimate against the budget (common/memory_budget.hpp; tests/cli/test_audit_cli.sh checks it
// within 2x of the measured peak).
void require_state_budget(int batch, int eval_batch, int steps, int hidden, double training_bytes);

// (X2) NTK of the recurrent weights alone, P K_W P*, K_W = D (H_prev H_prev^T (x) I_n) D for
// rnn_vanilla (site variable h_{t-1}, gain alpha tanh'(u), proofs/ntk.md N14).
void apply_recurrent_ntk(const fn::Ntk& ntk, const double* in, double* out, int m);
// (X2) K_W alone (no P): the recurrent-weight core.
void apply_recurrent_core(const fn::Ntk& ntk, const double* in, double* out, int m);
// (X2) the input-weight part of the core alone, D (X X^T (x) I_n) D (its temporal reduction
// has rank <= the input rank, X3).
void apply_input_core(const fn::Ntk& ntk, int inputs, const double* in, double* out, int m);

// (X4) ranks of a state-space operator: participation ratios of the temporal, spatial and
// batch reductions (exact, N22-N25), overall PR by Hutch++, and cos(A, core) (N26).
struct RankOptions {
  int sketch = 12, residual = 12, cosine_probes = 16;
  std::uint64_t seed = 1;
  bool overall = true, cosine = true;
};
struct RankSnapshot {
  double temporal = 0, spatial = 0, batch = 0, overall = 0, overall_se = 0, core_cosine = 0, core_cosine_se = 0;
};
RankSnapshot measure_ranks(const fn::SymmetricOperator& a, const fn::SymmetricOperator* core, int batch,
                           int steps, int hidden, const RankOptions& options);

}  // namespace learndyn::experiments::ntk
