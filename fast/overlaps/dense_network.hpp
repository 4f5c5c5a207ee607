// The straightforward full network, for the benchmarks and as an independent check of
// network.hpp at small N: W = U V^T / N formed densely, every state h_k stored, phi by
// std::erf, BPTT through W^T with dL/dW accumulated densely and then projected on U and V.
// O(N^2 T) time, O(N^2 + N T) memory: only for N up to a few thousand.
#pragma once

#include <Eigen/Core>

#include <learndyn/fast/overlaps/model.hpp>
#include <learndyn/fast/overlaps/network.hpp>

namespace learndyn::fast::overlaps::dense {

// y (B x T).
Eigen::MatrixXd outputs(const Model& model, const Network& net, const Task& task);

// The loss, and dL/d(vector) in `gradient`.
double loss_and_gradient(const Model& model, const Network& net, const Task& task,
                         Network& gradient);

// theta <- theta - N lr dL/dtheta; returns the loss before the step.
double sgd_epoch(const Model& model, const Task& task, double lr, Network& net);

}  // namespace learndyn::fast::overlaps::dense
