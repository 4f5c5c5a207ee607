// Bit-for-bit equality of two ghost-paper RNN parameter sets, block by block (W, M, Nm, b, W_in
// and, with `readout`, w_out, b_out): fast::ghost::RnnNet and reference::ghost::RnnParams<double>
// share the member names, so either may stand on either side.
#pragma once

#include <gtest/gtest.h>

namespace learndyn::testing {

template <class A, class B>
void expect_same_rnn_parameters(const A& a, const B& b, bool readout = true) {
  EXPECT_EQ(a.W, b.W);
  EXPECT_EQ(a.M, b.M);
  EXPECT_EQ(a.Nm, b.Nm);
  EXPECT_EQ(a.b, b.b);
  EXPECT_EQ(a.W_in, b.W_in);
  if (readout) {
    EXPECT_EQ(a.w_out, b.w_out);
    EXPECT_EQ(a.b_out, b.b_out);
  }
}

}  // namespace learndyn::testing
