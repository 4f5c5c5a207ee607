// A user's own starting point for the overlap experiments (proofs/overlaps.md O5, O45-O46):
// the initial connectivity z, m (N), u, v (N x R) from an array file (`--vectors`), the initial
// Gram matrix Sigma_0 of the theory alone from a JSON or .npy file (`--sigma0`), and the
// initial and final vectors written back (`--save-vectors`).
//
// The parsers take bytes or an ArraySet (the fuzz targets call them directly); every fault is
// an InputError naming the file and the array or JSON path, or an ArgumentError naming the
// option whose value contradicts the file.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include <learndyn/common/arrays.hpp>
#include <learndyn/fast/overlaps/network.hpp>

namespace learndyn::experiments::overlaps {

namespace fo = learndyn::fast::overlaps;

// The vectors of a set of arrays named z, m (shape (N,)), u, v (shape (N, R), or (N,) for
// R = 1), N >= 1, 1 <= R <= 8 (fo::kMaxNetworkRank), under `prefix` ("" or e.g. "initial/").
// Values are finite (read_arrays refuses others). Arrays with other names are ignored.
fo::Network network_from_arrays(const ArraySet& set, const std::string& prefix = "");

// read_arrays(path) (an .npz or a folder of .npy files) + network_from_arrays.
fo::Network read_vectors(const std::string& path);

// Refuses options that contradict the vectors' file: `neurons` (when > 0) must be their N
// and `rank` (when > 0) their R; an ArgumentError names "N" or "rank", the file's value and
// the path.
void require_vectors_agree(const fo::Network& net, const std::string& path, int neurons, int rank);

// Throws ArgumentError unless the vectors have `neurons` neurons ("N") and rank `rank`
// ("rank"; `rank_rule` says why when it is fixed) with finite entries: an experiment's check of
// its settings' vectors against its other settings.
void validate_vectors(const fo::Network& net, int neurons, int rank, const std::string& rank_rule = "");

// The arrays z, m, u (N x R), v (N x R) of `net`, named `prefix` + name.
std::map<std::string, NpyArray> vector_arrays(const fo::Network& net, const std::string& prefix);

// A (rows x cols) matrix as an array (C order) and back.
NpyArray matrix_array(const Eigen::MatrixXd& m);

// The theory's initial Gram matrix (O46): `bytes` are an .npy array (recognised by its magic
// "\x93NUMPY") of shape (n, n), or JSON: an array of n rows of n numbers, or an object whose
// keys are exactly the unique overlaps' names of one rank (O6: "zm", "zu", ..., "zz"; for
// R >= 2 "zu1", "v1m", "uu1", ...) with number values. n = 2R + 2, R from the file, in the
// canonical order [z, v_1..v_R, m, u_1..u_R] (O5). It must be finite, symmetric to within
// 64 eps max|Sigma| and positive semidefinite to within 64 n eps max|Sigma| (O46); it is
// returned symmetrised, (S + S^T)/2. `file` names the source in errors.
Eigen::MatrixXd parse_sigma0(std::string_view bytes, const std::string& file);

// read_text_file(path) + parse_sigma0.
Eigen::MatrixXd read_sigma0(const std::string& path);

// The rank of a (2R+2) x (2R+2) Gram matrix.
inline int sigma_rank(const Eigen::MatrixXd& sigma) { return static_cast<int>(sigma.rows() / 2 - 1); }

// Refuses a `rank` option (when > 0) other than the Gram matrix's R, naming "rank".
void require_sigma0_agrees(const Eigen::MatrixXd& sigma, const std::string& path, int rank);

// --save-vectors of a network run: initial/ and final/ vectors and initial/sigma, the theory's
// start Sigma_0 (O45).
void write_run_vectors(const std::string& path, const fo::Network& initial, const fo::Network& final,
                       const Eigen::MatrixXd& sigma0);

// Writes `groups` (prefix, network) and `extra` arrays to `path` with write_arrays (an .npz
// when the path ends in ".npz", else a folder of .npy files; atomically).
void write_vectors(const std::string& path, const std::vector<std::pair<std::string, const fo::Network*>>& groups,
                   const std::map<std::string, NpyArray>& extra = {});

}  // namespace learndyn::experiments::overlaps
