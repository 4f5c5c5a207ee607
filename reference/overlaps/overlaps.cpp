#include <learndyn/reference/overlaps/overlaps.hpp>

#include <learndyn/reference/overlaps/overlaps_impl.hpp>

namespace learndyn::reference::overlaps {

// The non-template functions (overlaps_impl.hpp holds the templates).
std::string vector_name(int rank, int a) {
  validate_rank(rank);
  require(a >= 0 && a < vector_count(rank), "vector index", a, "0 <= a < 2R + 2");
  if (a == index_z()) return "z";
  if (a == index_m(rank)) return "m";
  const int r = is_left(rank, a) ? a - index_v(0) : a - index_u(rank, 0);  // 0-based rank index
  const std::string suffix = rank == 1 ? std::string() : std::to_string(r + 1);
  return (is_left(rank, a) ? "v" : "u") + suffix;
}

std::vector<std::pair<int, int>> overlap_pairs(int rank, OverlapOrdering ordering) {
  validate_rank(rank);
  Pairs out;
  append_visible(out, rank);
  append_mu(out, rank);
  if (ordering == OverlapOrdering::linear) {
    append_zv(out, rank);
    append_uu_cross(out, rank);
    append_vv_cross(out, rank);
    append_diagonal(out, index_m(rank));
    append_uu_diagonal(out, rank);
    append_vv_diagonal(out, rank);
  } else {  // nonlinear: Sigma_BB (visible there) first, then Sigma_AA
    append_uu_cross(out, rank);
    append_diagonal(out, index_m(rank));
    append_uu_diagonal(out, rank);
    append_zv(out, rank);
    append_vv_cross(out, rank);
    append_vv_diagonal(out, rank);
  }
  append_diagonal(out, index_z());
  return out;
}

std::vector<std::string> overlap_names(int rank, OverlapOrdering ordering) {
  std::vector<std::string> names;
  for (const auto& [a, b] : overlap_pairs(rank, ordering)) {
    if (a != b) {
      names.push_back(vector_name(rank, a) + vector_name(rank, b));
    } else {
      // The public code's names of the diagonal: mm, zz, uu1 (= u1.u1), vv2, ...
      const std::string base = vector_name(rank, a).substr(0, 1);
      names.push_back(base + base + vector_name(rank, a).substr(1));
    }
  }
  return names;
}

bool is_visible(Activation phi, int rank, int a, int b) {
  validate_rank(rank);
  require(a >= 0 && a < vector_count(rank) && b >= 0 && b < vector_count(rank), "vector index",
          a, "0 <= a, b < 2R + 2");
  const bool left_a = is_left(rank, a), left_b = is_left(rank, b);
  if (left_a != left_b) return true;             // V: read by the projections V kappa
  if (!left_a) return phi != Activation::linear;  // Sigma_BB: only through g(Delta)
  return false;                                   // Sigma_AA: never read (O12)
}

std::vector<bool> visibility(Activation phi, int rank, OverlapOrdering ordering) {
  std::vector<bool> out;
  for (const auto& [a, b] : overlap_pairs(rank, ordering)) out.push_back(is_visible(phi, rank, a, b));
  return out;
}

#define LEARNDYN_INSTANTIATE(Real)                                                               \
  template void validate_overlaps<Real>(const Matrix<Real>&, int, bool);                         \
  template Matrix<Real> gram<Real>(const Network<Real>&);                                        \
  template Vector<Real> flatten<Real>(const Matrix<Real>&, int, OverlapOrdering);                \
  template Matrix<Real> unflatten<Real>(const Vector<Real>&, int, OverlapOrdering);              \
  template Matrix<Real> left_block<Real>(const Matrix<Real>&);                                   \
  template Matrix<Real> visible_block<Real>(const Matrix<Real>&);                                \
  template Matrix<Real> right_block<Real>(const Matrix<Real>&);                                  \
  template Matrix<Real> sign_matrix<Real>(int);                                                  \
  template Matrix<Real> latent_trajectory<Real>(const Model<Real>&, const Network<Real>&,        \
                                                const Task<Real>&, int);                         \
  template EffectiveNetwork<Real> effective_network<Real>(const Matrix<Real>&, int);
LEARNDYN_INSTANTIATE(double)
LEARNDYN_INSTANTIATE(real)
LEARNDYN_INSTANTIATE(real_hi)
#undef LEARNDYN_INSTANTIATE

}  // namespace learndyn::reference::overlaps
