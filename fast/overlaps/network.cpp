#include <learndyn/fast/overlaps/network.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/random.hpp>
#include <learndyn/fast/overlaps/network_layout.hpp>

namespace learndyn::fast::overlaps {

using detail::kBlock;

void validate(const Model& model, const Network& net) {
  validate(model);
  require(model.rank <= kMaxNetworkRank, "rank", model.rank,
          "rank <= " + std::to_string(kMaxNetworkRank) + " (fast network)");
  const auto n = net.m.size();
  require(n >= 1, "neurons", n, "N >= 1");
  const auto shape = [](Eigen::Index rows, Eigen::Index cols) {
    return std::to_string(rows) + " x " + std::to_string(cols);
  };
  require(net.z.size() == n, "z", std::to_string(net.z.size()) + " entries",
          std::to_string(n) + " (the length of m)");
  require(net.U.rows() == n && net.U.cols() == model.rank, "U", shape(net.U.rows(), net.U.cols()),
          shape(n, model.rank));
  require(net.V.rows() == n && net.V.cols() == model.rank, "V", shape(net.V.rows(), net.V.cols()),
          shape(n, model.rank));
  require(net.z.allFinite() && net.m.allFinite() && net.U.allFinite() && net.V.allFinite(),
          "network", "a non-finite entry", "finite entries");
}

Network random_network(int neurons, int rank, std::uint64_t seed) {
  require(neurons >= 1, "neurons", neurons, "N >= 1");
  require(rank >= 1, "rank", rank, "rank >= 1");
  Rng rng(seed);
  const auto draw = [&](double* a) {
    double norm2 = 0;
    for (int i = 0; i < neurons; ++i) {
      a[i] = rng.normal();
      norm2 += a[i] * a[i];
    }
    const double scale = std::sqrt(neurons / norm2);  // |a|^2 = N
    for (int i = 0; i < neurons; ++i) a[i] *= scale;
  };
  Network net{Eigen::VectorXd(neurons), Eigen::VectorXd(neurons), Eigen::MatrixXd(neurons, rank),
              Eigen::MatrixXd(neurons, rank)};
  draw(net.z.data());
  for (int r = 0; r < rank; ++r) draw(net.V.col(r).data());
  draw(net.m.data());
  for (int r = 0; r < rank; ++r) draw(net.U.col(r).data());
  return net;
}

Eigen::MatrixXd gram(const Network& net) {
  const int rank = static_cast<int>(net.U.cols());
  const Eigen::Index n = net.m.size();
  std::vector<const double*> c = {net.z.data()};
  for (int r = 0; r < rank; ++r) c.push_back(net.V.col(r).data());
  c.push_back(net.m.data());
  for (int r = 0; r < rank; ++r) c.push_back(net.U.col(r).data());
  const int count = static_cast<int>(c.size());
  Eigen::MatrixXd sigma(count, count);
  for (int a = 0; a < count; ++a)
    for (int b = a; b < count; ++b) {
      // Blocked: per-block sums (kBlock terms) added in block order.
      double total = 0;
      for (Eigen::Index lo = 0; lo < n; lo += static_cast<Eigen::Index>(kBlock)) {
        const Eigen::Index hi = std::min<Eigen::Index>(n, lo + static_cast<Eigen::Index>(kBlock));
        double part = 0;
        for (Eigen::Index i = lo; i < hi; ++i) part += c[a][i] * c[b][i];
        total += part;
      }
      sigma(a, b) = sigma(b, a) = total / static_cast<double>(n);
    }
  return sigma;
}

Eigen::MatrixXd network_outputs(const Model& model, const Network& net, const Task& task,
                                NetworkOptions options) {
  return NetworkTrainer(model, net, options).outputs(task);
}

double network_loss(const Model& model, const Network& net, const Task& task, NetworkOptions options) {
  return NetworkTrainer(model, net, options).loss(task);
}

double network_gradient(const Model& model, const Network& net, const Task& task,
                        Network& gradient, NetworkOptions options) {
  return NetworkTrainer(model, net, options).gradient(task, gradient);
}

double sgd_epoch(const Model& model, const Task& task, double lr, Network& net, NetworkOptions options) {
  NetworkTrainer trainer(model, net, options);
  const double loss = trainer.epoch(task, lr);
  net = trainer.network();
  return loss;
}

double epoch_bytes(const Model& model, int neurons, int steps) {
  const double vectors = 2.0 * model.rank + 2;
  const double padded = std::ceil(neurons / static_cast<double>(kBlock)) * kBlock;
  const double sweeps = model.readout == Readout::after_update ? steps + 1 : steps;
  // Forward sweeps, the constants sweep, the gradient pass's read and in-place write.
  return 8.0 * vectors * padded * (sweeps + 1 + 2);
}

}  // namespace learndyn::fast::overlaps
