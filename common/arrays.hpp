// Array files: the one way every area reads and writes a user's weights and vectors.
//
// A set of named float arrays is one .npz archive (np.savez or np.savez_compressed; see
// common/npz.hpp) or a folder of .npy files (np.save; see common/npy.hpp); float32 and float64,
// C or Fortran order, any rank. Every array is read in full and checked (finite values, sizes
// bounded before allocation), and every fault is an InputError naming the file and the array.
//
// Names. An array's name is a '/'-separated path, e.g. "initial/m" (common/npz.hpp's
// valid_array_name: no empty, "." or ".." part, no '\' or NUL). In an .npz it is the member
// name without ".npy", slashes kept: np.savez("w.npz", **{"initial/m": m}) writes the member
// "initial/m.npy" and np.load("w.npz")["initial/m"] reads it back. In a folder it is the path
// of the file below the folder without ".npy": "initial/m" is <folder>/initial/m.npy. Reading
// a folder takes every *.npy file below it (subfolders too) and ignores other files, so that
// an array folder may carry a manifest or a README.
//
// Writing. write_arrays writes float64 in C order (serialize_npy): an .npz when the path ends
// in ".npz" (stored, as np.savez), else a folder. Both are atomic: the archive is written to
// "<path>.partial" and renamed; a folder is written whole into the sibling "<path>.partial"
// and then renamed into place. An existing folder is replaced only if it holds nothing but
// .npy files (in subfolders too): writing weights never deletes anything else.
#pragma once

#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <learndyn/common/npy.hpp>
#include <learndyn/common/npz.hpp>

namespace learndyn {

struct ArraySet {
  std::string file;                         // the .npz or folder read, named in errors
  std::map<std::string, NpyArray> arrays;  // by name
};

// The arrays of an .npz file or of a folder of .npy files (an InputError names the path when
// it is neither, or when it holds no array).
ArraySet read_arrays(const std::string& path);

// Writes `arrays` to `path` (.npz if it ends in ".npz", else a folder), atomically. Invalid
// names, a shape that does not match its data and non-finite values are refused with an
// InputError naming the path and the array, before anything is written; so is an existing
// path that is not an array folder or .npz file. A failed write throws std::runtime_error
// naming the path.
void write_arrays(const std::string& path, const std::map<std::string, NpyArray>& arrays);

// Refuses, with the InputError write_arrays would throw, a destination write_arrays would not
// replace: an .npz path that is a folder, or a folder path (or its "<path>.partial" siblings)
// that exists and is not a folder of .npy files. A command calls it before its work, so that a
// long run does not end in that refusal.
void check_array_destination(const std::string& path);

// A dimension that require_array accepts at any size.
inline constexpr std::size_t kAnyDimension = std::numeric_limits<std::size_t>::max();

// The array `name` of `set`, which must have exactly `shape` (kAnyDimension matches any size
// of that axis). Otherwise an InputError naming the file and the array, e.g.
//   w.npz:array 'initial/m': has shape (3, 4); expected (4, 3)
//   w.npz:array 'b': is missing (the file holds: m, n)
const NpyArray& require_array(const ArraySet& set, const std::string& name, const std::vector<std::size_t>& shape);

// "(3, 4)", "(3,)", "()"; kAnyDimension as "any".
std::string shape_text(const std::vector<std::size_t>& shape);

}  // namespace learndyn
