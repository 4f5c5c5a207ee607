// NumPy .npz archives: the ZIP files np.savez (members stored) and np.savez_compressed
// (members deflated) write, one "<name>.npy" member per array.
//
// Reading parses the ZIP structure strictly, from the end: the end-of-central-directory
// record (and its ZIP64 form, which NumPy's zipfile writes when an offset, a size or the count
// passes the 32-bit/16-bit fields), the central directory, then each member's local header,
// which must agree with its central entry. Accepted: one disk, no encryption, methods stored
// (0) and deflate (8), members that lie before the central directory without overlapping,
// names ending in ".npy" (the array's name is the rest; see common/arrays.hpp for the rules
// on names). Every member's CRC-32 is checked, and the sizes are bounded before anything is
// allocated: a stored member holds exactly the bytes it declares, a deflated one declares at
// most what deflate can expand its compressed bytes to, and all of them together at most
// kMaxArrayBytes. Every fault is an InputError naming the file and the member or byte offset.
//
// Writing produces a stored (uncompressed) archive as np.savez does, with ZIP64 fields where
// a size or offset needs them; np.load reads it.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include <learndyn/common/npy.hpp>

namespace learndyn {

// The uncompressed bytes an array file may hold in all (the .npy cap: 8 GiB of doubles plus
// headers): a corrupt size field must not make us allocate without bound.
inline constexpr std::size_t kMaxArrayBytes = kMaxNpyElements * 8 + (std::size_t{1} << 20);

// A valid array name: non-empty '/'-separated parts, none empty, "." or "..", and no '\\' or
// NUL byte (so that every name is also a relative path inside a folder; see common/arrays.hpp).
bool valid_array_name(std::string_view name);

// The arrays of an .npz archive by name (member name without ".npy"). `file` names the archive
// in errors.
std::map<std::string, NpyArray> parse_npz(std::string_view bytes, const std::string& file);

// A stored .npz archive of `arrays` (member "<name>.npy", serialize_npy's bytes), in name
// order, every member dated 1980-01-01 00:00 as NumPy does: the same arrays give the same
// bytes. `force_zip64` writes the ZIP64 records even where the sizes do not need them (the
// tests use it to exercise the reader's ZIP64 path on small files).
std::string serialize_npz(const std::map<std::string, NpyArray>& arrays, bool force_zip64 = false);

}  // namespace learndyn
