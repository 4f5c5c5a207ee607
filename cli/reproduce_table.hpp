// `learndyn reproduce --table DIR`: the "How close to the papers" tables of the README, rendered
// from the summary.json files that `learndyn reproduce ID -o ...` wrote (one per panel, kept in
// DIR as <paper>_<figure>.json), so that every number in them is one a command printed
// (docs/reproduce.md, proofs/common.md C37).
#pragma once

#include <string>

namespace learndyn::cli {

// Markdown: per paper, one row per stated claim of each panel that has a summary in `dir`, in
// catalogue order, then the panels that do not run (missing, not applicable) by id. Refuses
// (ArgumentError / InputError, one line) a summary that is not one of `reproduce`'s, names a panel
// the catalogue does not have, or whose status, reason or description differ from the
// catalogue's (the summary is stale: rerun the panel).
// `summary`: instead, one row per paper (panels by status, claims by verdict) and the panels with
// a failing claim, from the same validated summaries (the README's front page).
std::string how_close_tables(const std::string& dir, bool summary = false);

}  // namespace learndyn::cli
