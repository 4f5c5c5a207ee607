// The fixed two-way split every fast NTK operator uses (batch halves, probe halves): the
// chunks are the same whatever the thread count, so results are bit-identical on 1 or 2
// threads (proofs/ntk.md N40).
#pragma once

#include <thread>

namespace learndyn::fast::ntk::detail {

// Runs chunk(0) and chunk(1), on two threads when threads >= 2.
template <class Chunk>
void run_chunks(unsigned threads, Chunk&& chunk) {
  if (threads >= 2) {
    std::thread other([&] { chunk(1); });
    chunk(0);
    other.join();
  } else {
    chunk(0);
    chunk(1);
  }
}

}  // namespace learndyn::fast::ntk::detail
