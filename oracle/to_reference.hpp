// Exact conversions of the fast path's double-valued models to the reference's scalar types:
// each double becomes the same number at 50 or 100 digits, so the reference computes the very
// model the fast path (and the CLI) built. The golden suite certifies such models
// (oracle/ghost_rnn_cases.cpp, oracle/ntk_cases.cpp); the fast-vs-reference tests compare on
// them. Header-only: it joins the two libraries, which do not know each other.
#pragma once

#include <cstddef>

#include <Eigen/Core>

#include <learndyn/common/eigen_scalar.hpp>
#include <learndyn/fast/ghost/rnn.hpp>
#include <learndyn/fast/ntk/model.hpp>
#include <learndyn/reference/ghost/rnn_model.hpp>
#include <learndyn/reference/ntk/model.hpp>

namespace learndyn::oracle {

// ---- ghost-paper RNNs (fast/ghost/rnn.hpp -> reference/ghost/rnn_model.hpp) ----

template <class Real>
reference::ghost::RnnConfig<Real> to_reference(const fast::ghost::RnnConfig& c) {
  reference::ghost::RnnConfig<Real> r;
  r.alpha = Real(c.alpha);
  r.readout = static_cast<reference::ghost::RnnReadout>(static_cast<int>(c.readout));
  r.timing = static_cast<reference::ghost::ReadoutTiming>(static_cast<int>(c.timing));
  r.beta = Real(c.beta);
  r.kappa_th = Real(c.kappa_th);
  r.confidence = Real(c.confidence);
  r.confidence_readout =
      static_cast<reference::ghost::ConfidenceReadout>(static_cast<int>(c.confidence_readout));
  return r;
}

template <class Real>
reference::ghost::RnnParams<Real> to_reference(const fast::ghost::RnnNet& n) {
  reference::ghost::RnnParams<Real> p;
  p.rank = n.rank;
  p.W = n.W.cast<Real>();
  p.M = n.M.cast<Real>();
  p.Nm = n.Nm.cast<Real>();
  p.b = n.b.cast<Real>();
  p.W_in = n.W_in.cast<Real>();
  p.w_out = n.w_out.cast<Real>();
  p.b_out = Real(n.b_out);
  return p;
}

template <class Real>
reference::ghost::RnnBatch<Real> to_reference(const fast::ghost::RnnBatch& b) {
  reference::ghost::RnnBatch<Real> r;
  for (const Eigen::MatrixXd& x : b.input) r.input.push_back(x.cast<Real>());
  r.target = b.target.cast<Real>();
  r.initial = b.initial.cast<Real>();
  for (const Eigen::MatrixXd& x : b.noise) r.noise.push_back(x.cast<Real>());
  r.scale = Real(b.scale);
  return r;
}

// ---- NTK models (fast/ntk/model.hpp -> reference/ntk/model.hpp) ----

template <class Real>
reference::ntk::Model<Real> to_reference(const fast::ntk::Model& m) {
  reference::ntk::Model<Real> r;
  r.shape = {static_cast<reference::ntk::ModelKind>(m.shape.kind), m.shape.hidden, m.shape.inputs, m.shape.bias};
  r.alpha = Real(m.alpha);
  r.theta.resize(static_cast<Eigen::Index>(m.theta.size()));
  for (std::size_t k = 0; k < m.theta.size(); ++k) r.theta(static_cast<Eigen::Index>(k)) = Real(m.theta[k]);
  return r;
}

// The inputs x ((B T) x n_in, row b T + t) and h0 (B x n, zeros when the fast one is empty).
template <class Real>
reference::ntk::Inputs<Real> to_reference(const fast::ntk::Inputs& in, int n_in) {
  reference::ntk::Inputs<Real> r;
  r.batch = in.batch;
  r.steps = in.steps;
  r.x.resize(Eigen::Index(in.batch) * in.steps, n_in);
  for (Eigen::Index row = 0; row < r.x.rows(); ++row)
    for (int k = 0; k < n_in; ++k) r.x(row, k) = Real(in.x[static_cast<std::size_t>(row * n_in + k)]);
  if (!in.h0.empty()) {
    const Eigen::Index n = static_cast<Eigen::Index>(in.h0.size()) / in.batch;
    r.h0.resize(in.batch, n);
    for (Eigen::Index b = 0; b < in.batch; ++b)
      for (Eigen::Index i = 0; i < n; ++i) r.h0(b, i) = Real(in.h0[static_cast<std::size_t>(b * n + i)]);
  }
  return r;
}

}  // namespace learndyn::oracle
