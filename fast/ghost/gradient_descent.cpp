// STUB: implemented next.
#include "fast/ghost/gradient_descent.hpp"
