#include <learndyn/experiments/overlaps/user_inputs.hpp>

#include <cmath>
#include <limits>

#include <Eigen/Eigenvalues>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/input_error.hpp>
#include <learndyn/common/npy.hpp>
#include <learndyn/common/text_file.hpp>
#include <learndyn/fast/overlaps/overlap_ode.hpp>
#include <learndyn/oracle/json_input.hpp>

namespace learndyn::experiments::overlaps {

namespace {

std::string at(const ArraySet& set, const std::string& name) {
  return set.file + ":array '" + name + "'";
}

}  // namespace

fo::Network network_from_arrays(const ArraySet& set, const std::string& prefix) {
  // N from z; every other array is then checked against it (require_array names the array).
  const NpyArray& z = require_array(set, prefix + "z", {kAnyDimension});
  const std::size_t n = z.shape[0];
  if (n < 1) throw InputError(at(set, prefix + "z"), "", "has no entries; N >= 1 neurons");
  const NpyArray& m = require_array(set, prefix + "m", {n});
  const auto matrix = [&](const std::string& name) -> const NpyArray& {
    const auto it = set.arrays.find(prefix + name);
    if (it != set.arrays.end() && it->second.shape.size() == 1) return require_array(set, prefix + name, {n});
    return require_array(set, prefix + name, {n, kAnyDimension});
  };
  const NpyArray& u = matrix("u");
  const NpyArray& v = matrix("v");
  const std::size_t ru = u.shape.size() == 1 ? 1 : u.shape[1];
  const std::size_t rv = v.shape.size() == 1 ? 1 : v.shape[1];
  if (ru < 1 || ru > static_cast<std::size_t>(fo::kMaxNetworkRank))
    throw InputError(at(set, prefix + "u"), "", "has " + std::to_string(ru) + " columns; the rank R is 1.." +
                                                    std::to_string(fo::kMaxNetworkRank));
  if (rv != ru)
    throw InputError(at(set, prefix + "v"), "", "has shape " + shape_text(v.shape) + "; expected (" +
                                                    std::to_string(n) + ", " + std::to_string(ru) + ") like u");
  const Eigen::Index N = static_cast<Eigen::Index>(n), R = static_cast<Eigen::Index>(ru);
  fo::Network net{Eigen::Map<const Eigen::VectorXd>(z.data.data(), N),
                  Eigen::Map<const Eigen::VectorXd>(m.data.data(), N), Eigen::MatrixXd(N, R), Eigen::MatrixXd(N, R)};
  // The arrays are in C order (row i holds neuron i's R loadings); the network's are columns.
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  net.U = Eigen::Map<const RowMajor>(u.data.data(), N, R);
  net.V = Eigen::Map<const RowMajor>(v.data.data(), N, R);
  return net;
}

fo::Network read_vectors(const std::string& path) { return network_from_arrays(read_arrays(path)); }

void require_vectors_agree(const fo::Network& net, const std::string& path, int neurons, int rank) {
  const long n = static_cast<long>(net.z.size()), r = static_cast<long>(net.U.cols());
  require(neurons <= 0 || neurons == n, "N", neurons, std::to_string(n) + ", the N of --vectors " + path + " (or omit --N)");
  require(rank <= 0 || rank == r, "rank", rank, std::to_string(r) + ", the R of --vectors " + path + " (or omit --rank)");
}

void validate_vectors(const fo::Network& net, int neurons, int rank, const std::string& rank_rule) {
  const long n = static_cast<long>(net.z.size()), r = static_cast<long>(net.U.cols());
  require(n == neurons, "N", neurons, "the N of the vectors (" + std::to_string(n) + ")");
  require(r == rank, "rank", rank_rule.empty() ? render_value(rank) : render_value(r),
          rank_rule.empty() ? "the R of the vectors (" + std::to_string(r) + ")" : rank_rule);
  require(net.m.size() == n && net.U.rows() == n && net.V.rows() == n && net.V.cols() == r, "vectors",
          "of different shapes", "z, m of N entries, u, v of N x R");
  require(net.z.allFinite() && net.m.allFinite() && net.U.allFinite() && net.V.allFinite(), "vectors",
          "a non-finite entry", "finite entries");
}

std::map<std::string, NpyArray> vector_arrays(const fo::Network& net, const std::string& prefix) {
  const std::size_t n = static_cast<std::size_t>(net.z.size());
  std::map<std::string, NpyArray> out;
  out[prefix + "z"] = NpyArray{{n}, std::vector<double>(net.z.data(), net.z.data() + n)};
  out[prefix + "m"] = NpyArray{{n}, std::vector<double>(net.m.data(), net.m.data() + n)};
  out[prefix + "u"] = matrix_array(net.U);
  out[prefix + "v"] = matrix_array(net.V);
  return out;
}

NpyArray matrix_array(const Eigen::MatrixXd& m) {
  NpyArray a{{static_cast<std::size_t>(m.rows()), static_cast<std::size_t>(m.cols())}, {}};
  a.data.reserve(static_cast<std::size_t>(m.size()));
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) a.data.push_back(m(i, j));
  return a;
}

namespace {

// The admissible sizes n = 2R + 2, 1 <= R <= kMaxOverlapRank.
bool valid_gram_size(std::size_t n) {
  return n >= 4 && n % 2 == 0 && n <= static_cast<std::size_t>(2 * fo::kMaxOverlapRank + 2);
}

std::string size_rule() {
  return "a square (2R+2) x (2R+2) Gram matrix, 1 <= R <= " + std::to_string(fo::kMaxOverlapRank) +
         ", in the order [z, v_1..v_R, m, u_1..u_R]";
}

Eigen::MatrixXd sigma_from_json(std::string_view text, const std::string& file) {
  const oracle::Json doc = oracle::parse_json_strictly(text, file);
  const oracle::JsonCursor root(doc, file);
  const oracle::Json& rows = root.array();
  if (!valid_gram_size(rows.size()))
    root.fail("has " + std::to_string(rows.size()) + " rows; expected " + size_rule());
  const Eigen::Index n = static_cast<Eigen::Index>(rows.size());
  Eigen::MatrixXd sigma(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const oracle::JsonCursor row = root.element(static_cast<std::size_t>(i));
    if (row.array().size() != rows.size())
      row.fail("has " + std::to_string(row.array().size()) + " entries; expected " + std::to_string(n) +
               " (a square matrix)");
    for (Eigen::Index j = 0; j < n; ++j) {
      const oracle::JsonCursor cell = row.element(static_cast<std::size_t>(j));
      if (!cell.value().is_number()) cell.fail("expected a number, found " + oracle::describe_type(cell.value()));
      sigma(i, j) = cell.value().get<double>();
      if (!std::isfinite(sigma(i, j))) cell.fail("is not finite");
    }
  }
  return sigma;
}

Eigen::MatrixXd sigma_from_npy(std::string_view bytes, const std::string& file) {
  const NpyArray a = parse_npy(bytes, file);  // refuses non-finite values
  if (a.shape.size() != 2 || a.shape[0] != a.shape[1] || !valid_gram_size(a.shape[0]))
    throw InputError(file, "", "has shape " + shape_text(a.shape) + "; expected " + size_rule());
  const Eigen::Index n = static_cast<Eigen::Index>(a.shape[0]);
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  return Eigen::Map<const RowMajor>(a.data.data(), n, n);
}

}  // namespace

Eigen::MatrixXd parse_sigma0(std::string_view bytes, const std::string& file) {
  constexpr std::string_view npy_magic("\x93NUMPY", 6);
  Eigen::MatrixXd sigma = bytes.substr(0, npy_magic.size()) == npy_magic ? sigma_from_npy(bytes, file)
                                                                       : sigma_from_json(bytes, file);
  // (O46) Symmetry and positive semidefiniteness within the rounding of a Gram matrix computed
  // in double: 64 eps max|Sigma| per entry, 64 n eps max|Sigma| on the smallest eigenvalue.
  const double eps = std::numeric_limits<double>::epsilon();
  const double scale = sigma.cwiseAbs().maxCoeff();
  const double n = static_cast<double>(sigma.rows());
  const double asymmetry = (sigma - sigma.transpose()).cwiseAbs().maxCoeff();
  if (asymmetry > 64 * eps * scale)
    throw InputError(file, "", "is not symmetric: max |S_ij - S_ji| = " + render_value(asymmetry) +
                                   " > 64 eps max|S| = " + render_value(64 * eps * scale) + " (O46)");
  sigma = (0.5 * sigma + 0.5 * sigma.transpose()).eval();  // halves first: no overflow near the largest double
  const double smallest = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(sigma, Eigen::EigenvaluesOnly).eigenvalues()(0);
  if (smallest < -64 * n * eps * scale)
    throw InputError(file, "", "is not positive semidefinite: smallest eigenvalue " + render_value(smallest) +
                                   " < -64 n eps max|S| = " + render_value(-64 * n * eps * scale) +
                                   " (a Gram matrix C^T C / N has none below 0; O46)");
  return sigma;
}

Eigen::MatrixXd read_sigma0(const std::string& path) { return parse_sigma0(read_text_file(path), path); }

void require_sigma0_agrees(const Eigen::MatrixXd& sigma, const std::string& path, int rank) {
  const int r = sigma_rank(sigma);
  require(rank <= 0 || rank == r, "rank", rank, std::to_string(r) + ", the R of --sigma0 " + path + " (or omit --rank)");
}

void write_run_vectors(const std::string& path, const fo::Network& initial, const fo::Network& final,
                       const Eigen::MatrixXd& sigma0) {
  write_vectors(path, {{"initial/", &initial}, {"final/", &final}}, {{"initial/sigma", matrix_array(sigma0)}});
}

void write_vectors(const std::string& path, const std::vector<std::pair<std::string, const fo::Network*>>& groups,
                   const std::map<std::string, NpyArray>& extra) {
  std::map<std::string, NpyArray> arrays = extra;
  for (const auto& [prefix, net] : groups) arrays.merge(vector_arrays(*net, prefix));
  write_arrays(path, arrays);
}

}  // namespace learndyn::experiments::overlaps
