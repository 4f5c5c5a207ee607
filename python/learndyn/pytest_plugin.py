"""learndyn's pytest plugin (entry point ``pytest11``): the ``learndyn_golden`` fixture.

    def test_eta_c(learndyn_golden):
        learndyn_golden.assert_golden("ghost.critical_rate.T=100.Tr=100.normalise=none",
                                      "eta_c", my_eta_c(100, 100))
"""
import pytest


@pytest.fixture(scope="session")
def learndyn_golden():
    """The default golden suite as a :class:`learndyn.testing.GoldenSuite` (read once per session)."""
    from .testing import GoldenSuite

    return GoldenSuite("default")
