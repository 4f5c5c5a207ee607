"""Exact conversion of Python numbers to the decimal text the C++ libraries parse.

The reference parses every input separately at each precision it computes at, so an input
must reach it as text that denotes the number exactly: 0.1 given as a float is the double
0.1000000000000000055511151231257827021181583404541015625, not one tenth. Also the checks
the modules share on arguments bound for the fast paths (ints, doubles, float64 arrays).
"""
import decimal
import fractions
import numbers

import numpy as np


def _terminating_decimal(fraction):
    """p/q as an exact decimal literal when q = 2^a 5^b, else None."""
    q = fraction.denominator
    twos = fives = 0
    while q % 2 == 0:
        q //= 2
        twos += 1
    while q % 5 == 0:
        q //= 5
        fives += 1
    if q != 1:
        return None
    k = max(twos, fives)
    digits = fraction.numerator * 10**k // fraction.denominator  # exact: the denominator divides 10^k
    return f"{digits}e-{k}" if k else str(digits)


def exact_text(value, parameter):
    """The exact decimal text of `value` for the C++ parameter `parameter`.

    int, str (passed as written), decimal.Decimal and fractions.Fraction are taken exactly; a
    Fraction without a terminating decimal expansion becomes "p/q", which the library rounds
    once at each working precision (as it rounds a decimal); a float is the exact double it is.
    """
    if isinstance(value, bool):
        raise TypeError(f"{parameter}: a number (int, str, Decimal, Fraction or float), not bool")
    if isinstance(value, str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Rational):
        fraction = fractions.Fraction(int(value.numerator), int(value.denominator))
        return _terminating_decimal(fraction) or f"{fraction.numerator}/{fraction.denominator}"
    if isinstance(value, numbers.Real):
        x = float(value)
        # repr of nan/inf reaches the library, whose message names the parameter.
        return str(decimal.Decimal(x)) if x == x and abs(x) != float("inf") else repr(x)
    raise TypeError(f"{parameter}: a number (int, str, Decimal, Fraction or float), not {type(value).__name__}")


def candidate_value(value, parameter):
    """A value to check against the golden suite, as a JSON candidate holds it.

    A float (or numpy float) stays a JSON number and an int a JSON integer, so checking a dict
    here and checking the file ``json.dump`` writes of it with ``learndyn oracle check`` give
    the same rows; a Decimal, a terminating Fraction or a str becomes a decimal string (digits
    beyond double kept).
    """
    if isinstance(value, bool):
        raise TypeError(f"{parameter}: a number, not bool")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, (numbers.Rational, decimal.Decimal)):
        x = float(value)
        if x != x or abs(x) == float("inf"):
            raise ValueError(f"invalid {parameter} = {x!r}: allowed a finite number")
        return x
    if isinstance(value, numbers.Rational):
        text = _terminating_decimal(fractions.Fraction(int(value.numerator), int(value.denominator)))
        if text is None:
            raise ValueError(f"invalid {parameter} = {value}: allowed a Fraction with a terminating decimal "
                             "expansion (or a float, Decimal or decimal string)")
        return text
    return exact_text(value, parameter)


def digits_value(digits, working_digits):
    """`digits` as an int in 1..working_digits (the CLI's --digits message otherwise)."""
    if isinstance(digits, bool) or not isinstance(digits, numbers.Integral):
        raise TypeError(f"digits: an int, not {type(digits).__name__}")
    if not 1 <= int(digits) <= working_digits:
        raise ValueError(f"invalid digits = {int(digits)}: allowed an integer with 1 <= digits <= {working_digits}")
    return int(digits)


_INT64_MAX = 2**63 - 1


def integer_value(value, parameter):
    """`value` as an int for a C++ integer parameter (TypeError unless an integer; a value beyond
    the 64-bit range is clamped to it, so that the library's range check names it)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{parameter}: an int, not {type(value).__name__}")
    return max(-_INT64_MAX, min(_INT64_MAX, int(value)))


def real_value(value, parameter):
    """`value` as a float for a C++ double parameter (TypeError unless a real number)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{parameter}: a number, not {type(value).__name__}")
    return float(value)


def float64_array(value, parameter):
    """`value` (numpy, a torch tensor, anything np.asarray takes) as a C-contiguous float64
    array: in place when it is one already."""
    if hasattr(value, "detach"):  # a torch tensor: to float64 on the CPU
        value = value.detach().cpu().double().numpy()
    try:
        return np.ascontiguousarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{parameter}: an array of numbers, not {type(value).__name__}") from None
