// `learndyn ntk ...`: metrics of the global empirical NTK NTK_S = P K P* (proofs/ntk.md) of a
// built-in random model or of a user's model given as .npy weights and inputs plus a JSON
// manifest (PyTorch layouts), printed as JSON; and `ntk export`, which writes a built-in model
// in that format.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace learndyn::cli {

void add_ntk_commands(CLI::App& app, std::function<void()>& action);

}  // namespace learndyn::cli
