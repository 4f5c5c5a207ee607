// Operations on full N-dimensional networks that the experiments need beyond the fast path:
// the "balanced" initialisation (Figs 4, 8), a random rotation (to test the closure of the
// overlap dynamics), entries of the GL(N) charge K (O31), the functionally equivalent network
// theta2 of Fig. 2, and Adam in parameter space (Fig. 7).
#pragma once

#include <cstdint>

#include <learndyn/fast/overlaps/network.hpp>

namespace learndyn::experiments::overlaps {

namespace fo = learndyn::fast::overlaps;

// The public code's balanced initialisation (proofs/overlaps_experiments.md E17): rank-1 networks
// drawn as fo::random_network (seeds derived from `seed`, attempt by attempt) until |sigma_zu -
// sigma_vm| < tolerance and |sigma_mu - sigma_zv| < tolerance with sigma_zu sigma_vm > 0 and
// sigma_mu sigma_zv > 0. Throws ArgumentError after max_attempts draws.
fo::Network balanced_network(int neurons, std::uint64_t seed, double tolerance = 1e-3,
                             long max_attempts = 10000000);

// Q net (every vector times one orthogonal N x N matrix Q, a product of `reflections` random
// Householder reflections): the same Gram matrix, the same outputs; SGD commutes with Q
// (rotation equivariance), Adam does not.
fo::Network rotated(const fo::Network& net, std::uint64_t seed, int reflections = 8);

// K_ij = z_i z_j + sum_r v_ri v_rj - m_i m_j - sum_r u_ri u_rj (O31), one entry of the N x N charge.
double charge_entry(const fo::Network& net, int i, int j);

// Fig. 2's theta2 from theta1 (rank 1): u replaced by u' with |u'| = u_norm and m.u' = m_dot_u,
// keeping its component in span{v, z} (so z.u and v.u are unchanged) and putting the rest in
// the orthogonal complement S of span{v, z}: u' = P u + r (c e1 + s e2), e1 the direction of
// m's component in S, e2 that of u's component in S orthogonalised against e1 (the public code
// draws e2 at random; this choice is deterministic). z, v, m are unchanged, so z.m, z.u, v.m,
// v.u are preserved exactly (up to rounding) and the public code's second step, re-solving v
// for v.u and v.m, has nothing to do. Throws ArgumentError when the targets are not reachable
// (|u'|^2 < |P u|^2, or |m_dot_u - m.P u| > r |m_S|).
fo::Network equivalent_network(const fo::Network& theta1, double u_norm, double m_dot_u);

// Adam on every vector (PyTorch's update, no weight decay, no AMSGrad):
//   g1 <- b1 g1 + (1 - b1) g,  g2 <- b2 g2 + (1 - b2) g^2,
//   theta <- theta - lr (g1 / (1 - b1^t)) / (sqrt(g2 / (1 - b2^t)) + eps),
// with PyTorch's defaults b1 = 0.9, b2 = 0.999, eps = 1e-8; g = dL/dtheta (not N dL/dtheta).
struct AdamSettings {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
};

class Adam {
 public:
  Adam(const fo::Network& shape, const AdamSettings& settings);
  // One update of `net` from its gradient.
  void step(fo::Network& net, const fo::Network& gradient);
  long steps() const { return t_; }
  // Changes the step size for the next steps (the moments are kept).
  void set_lr(double lr);

 private:
  AdamSettings s_;
  fo::Network first_, second_;
  long t_ = 0;
};

// Throws ArgumentError unless lr > 0, 0 <= b1, b2 < 1 and eps > 0 (all finite).
void validate(const AdamSettings& settings);

}  // namespace learndyn::experiments::overlaps
