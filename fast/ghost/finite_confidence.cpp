// STUB: to be implemented (helper A). Keeps the tree building meanwhile.
#include "fast/ghost/finite_confidence.hpp"
