// Arb loaded on demand (arb_library.hpp; proofs/common.md C30).
#define LEARNDYN_ARB_LIBRARY_NO_REDIRECT
#include <learndyn/common/arb_library.hpp>

#include <dlfcn.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#ifndef LEARNDYN_ARB_SONAME
#define LEARNDYN_ARB_SONAME "libflint-arb.so.2"
#endif

namespace learndyn::detail {
namespace {

// One line: dlerror's text names the file and what failed ("libflint-arb.so.2: cannot open shared
// object file: No such file or directory", "...: undefined symbol: arb_add").
[[noreturn]] void fail(const char* file, const char* why) {
  const std::string what = why != nullptr ? why : std::string(file) + ": cannot be loaded";
  throw std::runtime_error("the enclosures need Arb, which could not be loaded (" + what +
                           "): install Arb's runtime library (Debian 12: apt-get install libflint-arb2)");
}

}  // namespace

ArbLibrary load_arb_library(const char* file) {
  // RTLD_LOCAL: Arb's symbols (and FLINT's, MPFR's, GMP's) serve this table only. dlsym on the
  // handle searches the library and then its dependencies (libflint, libmpfr, libgmp), which is
  // where the fmpz_, flint_ and mpfr_ functions are. The library stays loaded for the life of
  // the process (never dlclose'd: the table points into it).
  void* library = dlopen(file, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) fail(file, dlerror());
  ArbLibrary table{};
#define LEARNDYN_ARB_RESOLVE(name)                                   \
  {                                                                  \
    void* address = dlsym(library, #name);                           \
    if (address == nullptr) fail(file, dlerror());                   \
    table.name = reinterpret_cast<decltype(table.name)>(address);    \
  }
  LEARNDYN_ARB_FUNCTIONS(LEARNDYN_ARB_RESOLVE)
#undef LEARNDYN_ARB_RESOLVE
  return table;
}

ArbLibrary load_configured_arb_library() {
  const char* file = std::getenv("LEARNDYN_ARB_LIBRARY");
  return load_arb_library(file != nullptr && *file != '\0' ? file : LEARNDYN_ARB_SONAME);
}

}  // namespace learndyn::detail
