"""learndyn.ghost against the CLI: the same values, digit for digit, on fixed and random inputs."""
import csv
import decimal
import fractions
import io

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import learndyn
from conftest import cli_json, run_cli

# Keys the bindings share with the CLI's --json report (the CLI adds command/inputs).
CRITICAL_KEYS = ["eta_c", "eps_star", "eps_nr", "slope_at_optimum", "exponent_Tr_proportional",
                 "exponent_Tr_fixed", "certified_digits", "certified_digits_by_quantity",
                 "exponent_limit_Tr_proportional", "exponent_limit_Tr_fixed", "digits",
                 "working_precision_digits", "certifying_precision_digits",
                 "enclosure_by_quantity", "proved_digits", "proved_digits_by_quantity"]
LOSS_KEYS = ["loss", "grad", "certified_digits", "certified_digits_by_quantity", "model", "digits",
             "enclosure_by_quantity", "proved_digits", "proved_digits_by_quantity"]

# Decimal literals as a user types them: 1..6 significant digits, exponent -3..6.
decimals = st.builds(lambda m, e: f"{m}e{e}", st.integers(1, 999999), st.integers(-3, 6))
# The readout's beta and x_th near the paper's (its 100-digit quadrature is slow far from them).
readout_values = st.builds(lambda m, e: f"{m}e{e}", st.integers(1, 99), st.integers(-1, 0))


def shared(result, report, keys):
    return {k: result[k] for k in keys}, {k: report[k] for k in keys}


def test_critical_rate_at_100_100_equals_the_cli():
    got, want = shared(learndyn.ghost.critical_rate(100, 100),
                       cli_json("ghost", "critical-rate", "--T", "100", "--Tr", "100"), CRITICAL_KEYS)
    assert got == want


@settings(max_examples=15, deadline=None)
@given(T=decimals, Tr=decimals, normalise=st.sampled_from(["none", "T", "total"]), digits=st.integers(1, 50))
def test_critical_rate_equals_the_cli_digit_for_digit_on_random_inputs(T, Tr, normalise, digits):
    report = cli_json("ghost", "critical-rate", "--T", T, "--Tr", Tr, "--normalise", normalise,
                      "--digits", str(digits))
    got, want = shared(learndyn.ghost.critical_rate(T, Tr, normalise=normalise, digits=digits), report,
                       CRITICAL_KEYS)
    assert got == want


eps_values = st.builds(lambda m, e: f"{m}e{e}", st.integers(-99999, 99999), st.integers(-8, -2))


def check_loss_against_cli(T, Tr, eps, readout, digits):
    args = ["ghost", "loss", "--T", T, "--Tr", Tr, "--eps", eps, "--digits", str(digits)]
    kwargs = {}
    if readout:
        args += ["--beta", readout[0], "--xth", readout[1]]
        kwargs = {"beta": readout[0], "xth": readout[1]}
    got, want = shared(learndyn.ghost.loss(T, Tr, eps, digits=digits, **kwargs), cli_json(*args), LOSS_KEYS)
    assert got == want


@settings(max_examples=15, deadline=None)
@given(T=decimals, Tr=decimals, eps=eps_values, digits=st.integers(1, 50))
def test_loss_equals_the_cli_digit_for_digit_on_random_inputs(T, Tr, eps, digits):
    check_loss_against_cli(T, Tr, eps, None, digits)


# The finite-confidence loss integrates at 50 and 100 digits (~1-4 s a call): few examples.
@settings(max_examples=3, deadline=None)
@given(T=decimals, Tr=decimals, eps=eps_values, readout=st.tuples(readout_values, readout_values),
       digits=st.integers(1, 50))
def test_readout_loss_equals_the_cli_digit_for_digit_on_random_inputs(T, Tr, eps, readout, digits):
    check_loss_against_cli(T, Tr, eps, readout, digits)


def test_int_decimal_and_terminating_fraction_are_the_same_number():
    want = learndyn.ghost.critical_rate("100", "2.5")
    assert learndyn.ghost.critical_rate(100, decimal.Decimal("2.5")) == want
    assert learndyn.ghost.critical_rate(fractions.Fraction(200, 2), fractions.Fraction(5, 2)) == want


def test_float_is_taken_as_the_exact_double_it_is():
    exact = str(decimal.Decimal(0.1))  # 0.1000000000000000055511151231257827021181583404541015625
    assert learndyn.ghost.loss(100, 100, 0.1) == learndyn.ghost.loss(100, 100, exact)
    assert learndyn.ghost.loss(100, 100, 0.1)["loss"] != learndyn.ghost.loss(100, 100, "0.1")["loss"]


def test_fraction_one_third_is_the_rational_not_a_rounded_decimal():
    third = learndyn.ghost.critical_rate(fractions.Fraction(1, 3), 100)
    assert third == learndyn.ghost.critical_rate("1/3", 100)
    # eps* = pi^2 / (4 T^2) (G12) = 9 pi^2 / 4 at T = 1/3, to every certified digit.
    with decimal.localcontext() as context:
        context.prec = 60
        pi = decimal.Decimal("3.14159265358979323846264338327950288419716939937510582097494")
        want = format(9 * pi * pi / 4, ".49e").replace("e+1", "e+01")
    digits = third["certified_digits_by_quantity"]["eps_star"]
    assert digits >= 45
    assert third["eps_star"][:digits + 1] == want[:digits + 1]
    # The double nearest 1/3 is another number.
    assert third["eps_star"] != learndyn.ghost.critical_rate(1 / 3, 100)["eps_star"]


def test_readout_needs_beta_and_xth_together():
    with pytest.raises(ValueError, match="xth"):
        learndyn.ghost.loss(100, 100, 0, beta=1)
    with pytest.raises(ValueError, match="beta"):
        learndyn.ghost.loss_fast(100, 100, [0.0], xth=1)


def test_non_numbers_are_type_errors():
    with pytest.raises(TypeError, match="T"):
        learndyn.ghost.critical_rate(True, 100)
    with pytest.raises(TypeError, match="Tr"):
        learndyn.ghost.critical_rate(100, [100])


def scan(*extra):
    text = run_cli("ghost", "scan", "--T", "100", "--Tr", "50", "--points", "41", *extra)[1]
    rows = list(csv.DictReader(io.StringIO(text)))
    return tuple(np.array([float(r[k]) for r in rows]) for k in ("eps", "loss", "grad"))


@pytest.mark.parametrize("readout", [None, ("2", "0.5")])
def test_loss_fast_equals_the_cli_scan_exactly(readout):
    extra = ["--beta", readout[0], "--xth", readout[1]] if readout else []
    eps, want_loss, want_grad = scan(*extra)
    kwargs = {"beta": float(readout[0]), "xth": float(readout[1])} if readout else {}
    loss, grad = learndyn.ghost.loss_fast(100, 50, eps, **kwargs)
    np.testing.assert_array_equal(loss, want_loss)  # the CLI prints 17 digits: the doubles exactly
    np.testing.assert_array_equal(grad, want_grad)


def test_loss_fast_keeps_the_shape_and_reads_any_layout():
    eps = np.linspace(-1e-4, 1e-3, 12)
    loss, grad = learndyn.ghost.loss_fast(100, 100, eps)
    loss2, grad2 = learndyn.ghost.loss_fast(100, 100, eps.reshape(3, 4).T)  # not C-contiguous
    assert loss2.shape == (4, 3)
    np.testing.assert_array_equal(loss2, loss.reshape(3, 4).T)
    np.testing.assert_array_equal(grad2, grad.reshape(3, 4).T)


def test_loss_fast_refuses_non_finite_eps_and_out_of_range_T():
    with pytest.raises(ValueError, match="eps"):
        learndyn.ghost.loss_fast(100, 100, [0.0, float("nan")])
    with pytest.raises(ValueError, match="T"):
        learndyn.ghost.loss_fast(1e-300, 100, [0.0])
    with pytest.raises(ValueError, match="Tr"):
        learndyn.ghost.loss_fast(100, -1, [0.0])


def test_a_quotient_with_a_zero_denominator_is_a_value_error_naming_the_parameter():
    with pytest.raises(ValueError, match="invalid Tr = '1/0'"):
        learndyn.ghost.critical_rate(100, "1/0")
    with pytest.raises(ValueError, match="eps"):
        learndyn.ghost.loss(100, 100, "1/x")
