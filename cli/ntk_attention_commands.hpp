// `learndyn ntk attention-rank`: the temporal rank of the self-attention NTK_S against the
// input dimension (the paper's Figs. 6 and 9; proofs/ntk.md N41-N47), as CSV or JSON and a
// PNG figure.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace learndyn::cli {

void add_ntk_attention_commands(CLI::App& ntk_group, std::function<void()>& action);

}  // namespace learndyn::cli
