// The shared shape of a fuzz target: run `body` on the input, letting through only the
// library's errors for bad input. Anything else escaping is a finding (abort).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include <learndyn/common/argument_error.hpp>
#include <learndyn/common/input_error.hpp>

namespace learndyn::fuzz {

template <class Body>
int run_guarded(const unsigned char* data, std::size_t size, Body&& body) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    body(text);
  } catch (const InputError&) {
  } catch (const ArgumentError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    std::abort();
  }
  return 0;
}

// A finding that is not a crash: a broken property.
inline void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
  }
}

}  // namespace learndyn::fuzz
