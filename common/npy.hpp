// Reading and writing NumPy .npy arrays: the format PyTorch and JAX users write in one line
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

// The .npy bytes of `a`: format 1.0, '<f8', C order, laid out byte for byte as NumPy >= 1.24's
// np.save writes them (the dict, 21 spaces less the digits of the first dimension left for
// in-place growth, then spaces and '\n' up to a multiple of 64 bytes). Throws
// std::invalid_argument if the shape does not match the data; values are written as they are
// (write_arrays refuses non-finite ones, naming the array).
std::string serialize_npy(const NpyArray& a);

}  // namespace learndyn
