// The panels of Dinc et al. (arXiv 2501.02378) that follow a training run over its epochs, for
// `learndyn reproduce` (experiments/reproduce.hpp): Figs. 2B-D (gradient descent on the canonical
// loss, proofs/ghost.md G34-G37) and Figs. 4A, 4C-H (a rank-two network learning DCD or DMTS: loss,
// gradient norm, outputs and latent geometry at the analysed epochs, proofs/ghost_rnn.md R54,
// R59-R64). experiments/ghost/figures.cpp places them in the catalogue.
#pragma once

#include <learndyn/experiments/reproduce.hpp>

namespace learndyn::experiments::ghost {

// ghost/fig2b, fig2c, fig2d ('b', 'c' or 'd').
reproduce::Entry canonical_training_entry(char panel);

// ghost/fig4a, fig4c, fig4d (DCD) and fig4e-h (DMTS).
reproduce::Entry latent_training_entry(char panel);

}  // namespace learndyn::experiments::ghost
