"""Test helpers: compare your implementation's values with learndyn's golden suite.

    from learndyn.testing import assert_golden

    def test_my_critical_rate():
        assert_golden("ghost.critical_rate.T=100.Tr=100.normalise=none", "eta_c", my_eta_c(100, 100))
"""
import functools
import json
import os

from . import _core, oracle

__all__ = ["assert_golden", "GoldenSuite"]


@functools.lru_cache(maxsize=None)
def _default_values():
    return {case["id"]: case["values"] for case in oracle.golden()["cases"]}


def _values_by_case(golden):
    if golden is None:
        return _default_values()
    if isinstance(golden, (str, os.PathLike)):
        with open(golden, encoding="utf-8") as f:
            golden = json.load(f)
    return {case["id"]: case["values"] for case in golden["cases"]}


def _unknown(case_id, quantity, golden):
    """Why (case_id, quantity) is not in the suite, with the nearest known name; None if it is."""
    values = _values_by_case(golden)
    if case_id not in values:
        near = _core.nearest_id(case_id, list(values))
        return f"{case_id}: no such golden case" + (f"; did you mean {near!r}?" if near else "")
    if quantity not in values[case_id]:
        near = _core.nearest_id(quantity, list(values[case_id]))
        return (f"{case_id} {quantity}: the case has no such quantity (it has {', '.join(values[case_id])})"
                + (f"; did you mean {near!r}?" if near else ""))
    return None


def _message(row, rtol, atol):
    return (f"{row.case_id} {row.quantity}: expected {row.expected}, got {row.got} "
            f"(relative error {row.relative_error}; {row.digits_matched} digits matched, "
            f"{row.certified_digits} certified"
            + (f", {row.proved_digits} proved" if row.proved_digits is not None else "")
            + f"; rtol={rtol:g}, atol={atol:g})")


def assert_golden(case_id, quantity, value, rtol=1e-10, atol=0, golden=None):
    """Asserts that `value` matches the golden value of (`case_id`, `quantity`).

    The pass rule is ``learndyn oracle check``'s (proofs/common.md C11). On failure raises
    AssertionError showing expected, got, the relative error, the digits matched and the
    digits certified; an unknown case id or quantity fails with the nearest known one.

    Args:
        case_id: a golden case id, e.g. ``"ghost.critical_rate.T=100.Tr=100.normalise=none"``.
        quantity: the quantity name, e.g. ``"eta_c"``.
        value: your value (float, int, Decimal or decimal string).
        rtol, atol: the tolerances.
        golden: None (the shipped default suite), a golden dict or a golden file path.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this helper's
    unknown = _unknown(case_id, quantity, golden)
    if unknown:
        raise AssertionError(unknown)
    result = oracle.check({case_id: {quantity: value}}, golden=golden, rtol=rtol, atol=atol, allow_missing=True)
    if not result.passed:
        raise AssertionError(_message(result.failures[0], rtol, atol))


class GoldenSuite:
    """A golden suite for tests (the ``learndyn_golden`` fixture).

    ``suite[case_id]`` is ``{quantity: decimal string}``; ``suite.document`` the whole dict;
    ``suite.cases`` the case dicts by id; ``suite.assert_golden(...)`` and ``suite.check(...)``
    compare against this suite.
    """

    def __init__(self, suite="default"):
        self.document = oracle.golden(suite)
        self.cases = {case["id"]: case for case in self.document["cases"]}

    def __getitem__(self, case_id):
        return {q: v["value"] for q, v in self.cases[case_id]["values"].items()}

    def __contains__(self, case_id):
        return case_id in self.cases

    def __iter__(self):
        return iter(self.cases)

    def __len__(self):
        return len(self.cases)

    def check(self, values, rtol=1e-10, atol=0, allow_missing=False):
        """:func:`learndyn.oracle.check` against this suite."""
        return oracle.check(values, golden=self.document, rtol=rtol, atol=atol, allow_missing=allow_missing)

    def assert_golden(self, case_id, quantity, value, rtol=1e-10, atol=0):
        """:func:`assert_golden` against this suite."""
        __tracebackhide__ = True
        assert_golden(case_id, quantity, value, rtol=rtol, atol=atol, golden=self.document)
