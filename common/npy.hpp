// Reading NumPy .npy arrays: the format PyTorch and JAX users write in one line
// (np.save("W.npy", tensor.detach().numpy())), for the bring-your-own-model commands.
//
// Accepted: format versions 1.0, 2.0 and 3.0; little-endian float64 ('<f8') or float32 ('<f4');
// C or Fortran order (returned in C order); any rank. Everything else, and any NaN or
// infinity in the data, is an InputError naming the file and the byte or element at fault:
// an oracle must not compute on a half-read or poisoned array.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace learndyn {

struct NpyArray {
  std::vector<std::size_t> shape;  // () for a scalar
  std::vector<double> data;        // row-major (C order), product(shape) values
};

// Arrays with more elements are refused (8 GiB of doubles): a corrupt header must not make
// us allocate without bound.
inline constexpr std::size_t kMaxNpyElements = std::size_t{1} << 30;

NpyArray parse_npy(std::string_view bytes, const std::string& file);

// read_text_file + parse_npy.
NpyArray read_npy(const std::string& path);

}  // namespace learndyn
