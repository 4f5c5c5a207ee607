// Reading a whole input file, with the errors a user can act on.
#pragma once

#include <cstddef>
#include <string>

namespace learndyn {

// Inputs larger than this are refused: no golden suite or candidate file comes near it, and a
// runaway file must fail with a message, not exhaust memory.
inline constexpr std::size_t kMaxInputBytes = std::size_t{1} << 28;  // 256 MiB

// The bytes of `path`. Throws InputError naming the file when it cannot be opened, is a
// directory, or is larger than `max_bytes`.
std::string read_text_file(const std::string& path, std::size_t max_bytes = kMaxInputBytes);

}  // namespace learndyn
