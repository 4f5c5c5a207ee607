// The fixed two-way split every fast NTK operator uses (batch halves, probe halves): the
// chunks are the same whatever the thread count, so results are bit-identical on 1 or 2
// threads (proofs/ntk.md N40).
#pragma once

#include <exception>
#include <thread>

namespace learndyn::fast::ntk::detail {

// Runs chunk(0) and chunk(1), on two threads when threads >= 2. An exception of either chunk
// (std::bad_alloc of a huge model) is rethrown after the join: escaping a thread, or leaving
// it joinable, called std::terminate (an abort instead of an error message).
template <class Chunk>
void run_chunks(unsigned threads, Chunk&& chunk) {
  if (threads >= 2) {
    std::exception_ptr failure;
    std::thread other([&] {
      try {
        chunk(1);
      } catch (...) {
        failure = std::current_exception();
      }
    });
    try {
      chunk(0);
    } catch (...) {
      other.join();
      throw;
    }
    other.join();
    if (failure) std::rethrow_exception(failure);
  } else {
    chunk(0);
    chunk(1);
  }
}

}  // namespace learndyn::fast::ntk::detail
