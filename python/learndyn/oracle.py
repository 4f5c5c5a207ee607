"""The golden suite and the checker of your values against it.

The golden suite holds learndyn's certified values of every area (ghost, ghost_rnn, overlaps,
ntk), each case with its inputs, the command that prints it and each value's certified digits.
The package ships both suites, written at build time by the same code as
``learndyn oracle generate --suite default|full`` (byte for byte). :func:`check` is the C++ checker
of ``learndyn oracle check``: a value passes when
``|got - expected| <= atol + max(rtol |expected|, phi)`` (proofs/common.md C11), phi the floor
that the golden value's rounding and certified digits impose.
"""
import dataclasses
import decimal
import functools
import json
import os
from importlib import resources

from . import _core
from ._numbers import candidate_value

__all__ = ["golden", "golden_text", "enclosure", "proved_digits", "check", "CheckResult", "CheckRow"]

_SHIPPED = {"default": "golden_default.json", "full": "golden_full.json"}


@functools.lru_cache(maxsize=None)
def golden_text(suite="default"):
    """The golden suite as the exact JSON text ``learndyn oracle generate --suite SUITE`` writes.

    Both suites are read from the package, written at install time by the same code as
    ``learndyn oracle generate`` (the tests check the bytes).
    """
    if not isinstance(suite, str):
        raise TypeError(f"suite: a str ('default' or 'full'), not {type(suite).__name__}")
    if suite in _SHIPPED:
        return resources.files(__package__).joinpath("data", _SHIPPED[suite]).read_text(encoding="utf-8")
    return _core.golden_text(suite, _core.working_digits)


def golden(suite="default"):
    """The golden suite as a dict: ``json.loads`` of the file ``learndyn oracle generate`` writes.

    Keys: ``schema``, ``learndyn_version``, ``suite``, ``digits``, ``command``, ``cases`` (a
    list; each case has ``id``, ``area``, ``description``, ``inputs``, ``command`` and
    ``values``: quantity -> {``value`` (decimal string), ``certified_digits``, ``enclosure``,
    ``proved_digits``}) and the precision fields. ``enclosure`` (schema 2) is ``[lo, hi]``, two
    decimal strings rounded outward between which the exact value provably lies, and
    ``proved_digits`` the digits it determines; where no enclosure is in reach ``enclosure`` is
    None and ``enclosure_note`` says why (the value keeps its two-precision certificate).
    :func:`enclosure` and :func:`proved_digits` read them for one value.

    Example:
        >>> cases = {c["id"]: c for c in learndyn.oracle.golden()["cases"]}
        >>> cases["ghost.critical_rate.T=100.Tr=100.normalise=none"]["values"]["eta_c"]["value"][:12]
        '9.1321022844'
    """
    return json.loads(golden_text(suite))


def _golden_value(case_id, quantity, suite):
    doc = suite if isinstance(suite, dict) else golden(suite)
    for case in doc["cases"]:
        if case["id"] == case_id:
            if quantity not in case["values"]:
                raise KeyError(f"quantity {quantity!r} not in case {case_id!r} "
                               f"(it has {', '.join(sorted(case['values']))})")
            return case["values"][quantity]
    ids = [case["id"] for case in doc["cases"]]
    hint = _core.nearest_id(case_id, ids)
    raise KeyError(f"case {case_id!r} not in the golden suite" + (f" (did you mean {hint!r}?)" if hint else ""))


def enclosure(case_id, quantity, suite="default"):
    """The proved enclosure of one golden value: ``(lo, hi)`` as ``decimal.Decimal``, the exact
    value provably in [lo, hi] (interval arithmetic on Arb, rounded outward), or None where the
    value has no enclosure (``golden()``'s ``enclosure_note`` says why).

    Args:
        case_id, quantity: the golden value, e.g. ``"ghost.critical_rate.T=100.Tr=100.normalise=none"``,
            ``"eta_c"``.
        suite: ``"default"``, ``"full"`` or a golden dict (:func:`golden`, or ``json.load`` of a file).

    Raises:
        KeyError: an unknown case id (with the nearest id) or quantity.

    Example:
        >>> lo, hi = learndyn.oracle.enclosure("ghost.critical_rate.T=100.Tr=100.normalise=none", "eta_c")
        >>> lo <= decimal.Decimal("9.1321022844377284909162811895661041796619611568142e-10") <= hi
        True
    """
    value = _golden_value(case_id, quantity, suite)
    bounds = value.get("enclosure")
    if bounds is None:
        return None
    return decimal.Decimal(bounds[0]), decimal.Decimal(bounds[1])


def proved_digits(case_id, quantity, suite="default"):
    """The significant digits the enclosure of one golden value proves (an int), or None where
    the value has no enclosure. Arguments as :func:`enclosure`."""
    return _golden_value(case_id, quantity, suite).get("proved_digits")


@dataclasses.dataclass(frozen=True)
class CheckRow:
    """One compared value: golden ``expected`` and your ``got`` (decimal strings, "" if absent)."""

    case_id: str
    quantity: str
    expected: str
    got: str
    relative_error: str
    digits_matched: int
    certified_digits: int
    proved_digits: "int | None"  # the golden value's enclosure's (C25), None without one
    status: str  # "pass", "FAIL", "missing" (the golden value has no candidate), "extra" (unknown to the suite)
    counts_as_failure: bool
    suggestion: str  # for an extra row: the nearest golden case id or quantity, if close


class CheckResult:
    """The outcome of :func:`check`: ``passed`` (bool), ``failures`` (the failing
    :class:`CheckRow` s), ``rows`` (every row), ``counts``; ``str()`` is the table of
    ``learndyn oracle check --failures-only`` (the summary line counts every row) and
    :meth:`table` the full table ``learndyn oracle check`` prints."""

    def __init__(self, raw):
        self.rows = [CheckRow(**row) for row in raw["rows"]]
        self.passed = bool(raw["success"])
        self.failures = [row for row in self.rows if row.counts_as_failure]
        self.counts = {k: raw[k] for k in ("passed", "failed", "missing", "extra")}
        self._table = raw["table"]
        self._failures_table = raw["failures_table"]

    def table(self):
        """Every row as ``learndyn oracle check`` prints it, with the summary line."""
        return self._table

    def __bool__(self):
        return self.passed

    def __str__(self):
        return self._failures_table

    def __repr__(self):
        c = self.counts
        return (f"CheckResult(passed={self.passed}, {c['passed']} passed, {c['failed']} failed, "
                f"{c['missing']} missing, {c['extra']} extra)")


def _golden_source(golden):
    if golden is None:
        return golden_text("default"), _SHIPPED["default"]
    if isinstance(golden, dict):
        return json.dumps(golden, indent=2), "golden"
    if isinstance(golden, (str, os.PathLike)):
        with open(golden, encoding="utf-8") as f:
            return f.read(), os.fspath(golden)
    raise TypeError(f"golden: None, a golden dict or a file path, not {type(golden).__name__}")


def _candidate_json(values):
    if not hasattr(values, "items"):
        raise TypeError(f"values: a dict {{case_id: {{quantity: value}}}}, not {type(values).__name__}")
    if values.get("schema") is not None and "cases" in values:
        return json.dumps(values)  # a golden document: its values are the candidate's
    out = {}
    for case_id, quantities in values.items():
        if not hasattr(quantities, "items"):
            raise TypeError(f"values[{case_id!r}]: a dict {{quantity: value}}, not {type(quantities).__name__}")
        out[str(case_id)] = {str(q): candidate_value(v, f"values[{case_id!r}][{q!r}]") for q, v in quantities.items()}
    return json.dumps(out)


def check(values, golden=None, rtol=1e-10, atol=0, allow_missing=False):
    """Checks your values against the golden suite with the C++ checker of ``learndyn oracle check``.

    Args:
        values: ``{case_id: {quantity: value}}``; a value is a float or int (read as from the
            file ``json.dump`` writes), a ``decimal.Decimal`` or a decimal string (keeps digits
            beyond double). A golden dict is also accepted (its values are checked).
        golden: None (the shipped default suite), a golden dict (:func:`golden`) or the path of
            a golden JSON file.
        rtol, atol: the tolerances of (C11); rtol >= 0, atol >= 0.
        allow_missing: golden values you do not give do not fail (at least one must be compared).

    Returns:
        A :class:`CheckResult`; ``str(result)`` is the table, ``result.failures`` the failing rows.

    Raises:
        ValueError: a malformed value, golden document or tolerance (the message names it).

    Example:
        >>> r = learndyn.oracle.check({"ghost.critical_rate.T=100.Tr=100.normalise=none":
        ...                            {"eta_c": 9.132102284437728e-10}}, allow_missing=True)
        >>> r.passed
        True
    """
    golden_json, golden_name = _golden_source(golden)
    raw = _core.check(golden_json, golden_name, _candidate_json(values), "values", float(rtol), float(atol),
                      bool(allow_missing), False)
    return CheckResult(raw)
