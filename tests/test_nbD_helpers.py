"""Known answers and bad inputs for the root finder and maximiser of mcgrad.relaxations."""

import math

import pytest

from mcgrad import relaxations as rx


def test_bisect_finds_known_roots():
    assert rx.bisect(lambda x: x * x - 2, 0, 2) == pytest.approx(math.sqrt(2), abs=1e-11)
    assert rx.bisect(math.cos, 0, 3, xtol=1e-6) == pytest.approx(math.pi / 2, abs=1e-6)
    assert rx.bisect(lambda x: x, 0, 1) == 0  # a root at an end of the bracket


def test_golden_max_finds_known_maxima():
    assert rx.golden_max(lambda x: -(x - 0.3) ** 2, -1, 2) == pytest.approx(0.3, abs=1e-8)
    assert rx.golden_max(math.sin, 0, 3) == pytest.approx(math.pi / 2, abs=1e-6)
    assert rx.golden_max(lambda x: x, 0, 1) == pytest.approx(1, abs=1e-8)  # at the end


@pytest.mark.parametrize("helper", [rx.bisect, rx.golden_max])
@pytest.mark.parametrize("fun,lo,hi,xtol,error,match", [
    ("cos", 0, 1, 1e-9, TypeError, "fun must be a function"),
    (math.cos, 1, 0, 1e-9, ValueError, "lo must be < hi"),
    (math.cos, 0, float("nan"), 1e-9, ValueError, "hi must be finite"),
    (math.cos, True, 1, 1e-9, TypeError, "lo must be a real number"),
    (math.cos, 0, 1, 0.0, ValueError, "xtol must be > 0"),
    (lambda x: float("nan"), 0, 1, 1e-9, ValueError, "must be finite"),
    (lambda x: "one", 0, 1, 1e-9, TypeError, "must return a real number"),
])
def test_bad_input_is_refused_with_a_message(helper, fun, lo, hi, xtol, error, match):
    with pytest.raises(error, match=match):
        helper(fun, lo, hi, xtol=xtol)


def test_bisect_needs_a_sign_change():
    with pytest.raises(ValueError, match="fun must change sign"):
        rx.bisect(lambda x: x * x + 1, -1, 1)
