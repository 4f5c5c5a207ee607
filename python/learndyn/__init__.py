"""learndyn: the learning dynamics of recurrent networks, certified.

The Python face of learndyn's C++ libraries (the same code the ``learndyn`` command runs):

- :mod:`learndyn.ghost` -- the ghost mechanism: the critical learning rate and the loss,
  certified to 50 digits, and the fast loss on numpy arrays;
- :mod:`learndyn.ntk` -- the K·P NTK of a torch GRU/RNN or a dict of arrays: its metrics
  (trace, Frobenius norm, participation ratio) and its matrix-free operators;
- :mod:`learndyn.overlaps` -- the overlap ODE of low-rank RNNs: the exact map and the flow
  from your vectors or Gram matrix, as numpy trajectories;
- :mod:`learndyn.oracle` -- the golden suite (certified values of every area) and the checker
  of your values against it;
- :mod:`learndyn.testing` -- ``assert_golden`` for your tests; the pytest plugin adds the
  ``learndyn_golden`` fixture.

Bad input raises ``ValueError`` with the library's one-line message naming the parameter and
the allowed range; any other failure of the C++ code raises ``RuntimeError``.
"""
from . import _core
from . import ghost, ntk, oracle, overlaps, testing

__version__: str = _core.version
"""The project version; equal to ``learndyn --version``."""

__all__ = ["__version__", "ghost", "ntk", "oracle", "overlaps", "testing"]
