"""learndyn.oracle.check is the C++ checker: the same rows as `learndyn oracle check` on the same
inputs; learndyn.testing.assert_golden and the pytest plugin's fixture on top of it."""
import decimal
import json

import pytest
from hypothesis import given, settings, strategies as st

import learndyn
from learndyn.testing import assert_golden
from conftest import run_cli

CASE = "ghost.critical_rate.T=100.Tr=100.normalise=none"
ETA_C = "9.1321022844377284909162811895661041796619611568142e-10"


def cli_check(tmp_path, values, *flags):
    golden = tmp_path / "golden.json"
    golden.write_text(learndyn.oracle.golden_text())
    candidate = tmp_path / "values.json"
    candidate.write_text(json.dumps(values))
    code, out, _ = run_cli("oracle", "check", str(golden), str(candidate), "--json", *flags, check=False)
    return code, json.loads(out)


def rows_of(result):
    return [(r.case_id, r.quantity, r.expected, r.got, r.relative_error, r.digits_matched, r.certified_digits,
             r.proved_digits, r.status, r.counts_as_failure, r.suggestion) for r in result.rows]


def cli_rows(report):
    return [(r["case"], r["quantity"], r["expected"], r["got"], r["relative_error"], r["digits_matched"],
             r["certified_digits"], r["proved_digits"], r["status"], r["counts_as_failure"], r["did_you_mean"]) for r in report["rows"]]


def test_the_golden_suite_checked_against_itself_passes():
    result = learndyn.oracle.check(learndyn.oracle.golden())
    assert result.passed and not result.failures
    assert "passed" in str(result)


def test_enclosure_and_proved_digits_read_the_golden_values():
    lo, hi = learndyn.oracle.enclosure(CASE, "eta_c")
    assert isinstance(lo, decimal.Decimal) and lo < hi
    value = decimal.Decimal(ETA_C)
    with decimal.localcontext() as ctx:
        ctx.prec = 80  # Decimal's default 28 digits would round the bounds' midpoint
        assert abs((lo + hi) / 2 - value) <= decimal.Decimal("1e-48") * value  # the 50-digit value's rounding
    assert learndyn.oracle.proved_digits(CASE, "eta_c") >= 50
    golden = learndyn.oracle.golden()
    for case in golden["cases"]:
        for quantity, v in case["values"].items():
            assert learndyn.oracle.proved_digits(case["id"], quantity, golden) == v.get("proved_digits")
            assert (learndyn.oracle.enclosure(case["id"], quantity, golden) is None) == (v["enclosure"] is None)
            if v["enclosure"] is None:
                assert v["enclosure_note"]  # the reason, e.g. the flow's adaptive solver
    flow = next(c for c in golden["cases"] if c["id"].startswith("overlaps.flow."))
    assert learndyn.oracle.enclosure(flow["id"], "loss_final") is None
    assert learndyn.oracle.proved_digits(flow["id"], "loss_final") is None
    with pytest.raises(KeyError, match="did you mean"):
        learndyn.oracle.enclosure(CASE.replace("T=100.", "T=10O."), "eta_c")
    with pytest.raises(KeyError, match="eta_c"):
        learndyn.oracle.enclosure(CASE, "eta")


def test_check_rows_carry_the_proved_digits():
    result = learndyn.oracle.check({CASE: {"eta_c": ETA_C}}, allow_missing=True)
    row = next(r for r in result.rows if r.case_id == CASE and r.quantity == "eta_c")
    assert row.proved_digits == learndyn.oracle.proved_digits(CASE, "eta_c")


def test_missing_values_fail_unless_allowed():
    values = {CASE: {"eta_c": ETA_C}}
    assert not learndyn.oracle.check(values).passed
    assert learndyn.oracle.check(values, allow_missing=True).passed


@settings(max_examples=10, deadline=None)
@given(scale=st.floats(1 - 1e-6, 1 + 1e-6), rtol=st.sampled_from([1e-12, 1e-10, 1e-7, 1e-5]))
def test_check_gives_the_cli_rows_on_random_values(tmp_path_factory, scale, rtol):
    golden = learndyn.oracle.golden()
    values = {}
    for case in golden["cases"][:8]:
        values[case["id"]] = {q: float(v["value"]) * scale for q, v in case["values"].items()}
    values["ghost.critical_rate.T=100.Tr=10.normalise=none"] = {"eta_c": 1.0}  # extra, near an id
    result = learndyn.oracle.check(values, rtol=rtol, allow_missing=True)
    code, report = cli_check(tmp_path_factory.mktemp("check"), values, "--rtol", repr(rtol), "--allow-missing")
    assert rows_of(result) == cli_rows(report)
    assert result.passed == report["success"] == (code == 0)


def test_check_refuses_nan_naming_the_value():
    with pytest.raises(ValueError, match="eta_c"):
        learndyn.oracle.check({CASE: {"eta_c": float("nan")}}, allow_missing=True)


def test_negative_rtol_is_a_value_error_naming_rtol():
    with pytest.raises(ValueError, match="rtol"):
        learndyn.oracle.check({CASE: {"eta_c": ETA_C}}, rtol=-1, allow_missing=True)


def test_assert_golden_passes_on_the_double_nearest_the_golden_value():
    assert_golden(CASE, "eta_c", float(ETA_C))


def test_assert_golden_failure_shows_expected_got_digits_matched_and_certified():
    with pytest.raises(AssertionError) as info:
        assert_golden(CASE, "eta_c", 9.1321e-10)
    message = str(info.value)
    assert f"expected {ETA_C}" in message and "got 9.1320999999999999e-10" in message
    assert "digits matched" in message and "50 certified" in message


def test_assert_golden_on_an_unknown_case_names_the_nearest():
    with pytest.raises(AssertionError, match="did you mean .ghost.critical_rate.T=100.Tr=100.normalise=none."):
        assert_golden("ghost.critical_rate.T=100.Tr=100.normalise=nome", "eta_c", 1.0)


def test_the_plugin_fixture_is_the_default_suite(learndyn_golden):
    assert learndyn_golden[CASE]["eta_c"] == ETA_C
    assert len(learndyn_golden) == len(learndyn.oracle.golden()["cases"])
    learndyn_golden.assert_golden(CASE, "eta_c", float(ETA_C))
    with pytest.raises(AssertionError, match="expected"):
        learndyn_golden.assert_golden(CASE, "eta_c", 1e-9)


def test_assert_golden_on_an_unknown_quantity_names_the_nearest():
    with pytest.raises(AssertionError, match="did you mean 'eta_c'"):
        assert_golden(CASE, "eta_d", 1.0)


def test_str_of_a_result_lists_the_failures_and_counts_every_row():
    result = learndyn.oracle.check({CASE: {"eta_c": 9.1321e-10, "eps_star": 2.4674011002723397e-04}},
                                   allow_missing=True)
    text = str(result)
    assert "eta_c" in text and "eps_star" not in text
    assert "1 passed, 1 failed" in text
    assert "eps_star" in result.table()
    assert [(r.quantity, r.status) for r in result.failures] == [("eta_c", "FAIL")]
