"""Input validation shared by the public helpers.

Every check raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right
kind, bad value) with a message naming the argument, the value received and
what is allowed, so that a mistake surfaces at the call and not deep in numpy.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def real_scalar(name: str, value: object) -> float:
    """Return ``value`` as a finite float; reject bools, strings, arrays, NaN and inf."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a real number, got the bool {value!r}")
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number (int or float), got {value!r} "
            f"of type {type(value).__name__}"
        )
    try:
        out = float(value)
    except OverflowError:  # an int beyond the float range, e.g. 10**400
        out = math.inf
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite (within the float64 range, |.| < 1.8e308), "
                         f"got {_short(value)}")
    return out


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}...{text[-8:]} ({len(text)} characters)"


def positive_scalar(name: str, value: object) -> float:
    """Return ``value`` as a finite float > 0."""
    out = real_scalar(name, value)
    if out <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return out


def integer(name: str, value: object, minimum: int | None = None,
            maximum: int | None = None) -> int:
    """Return ``value`` as an int within [minimum, maximum]; reject bools and floats."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer, got {_short(value)} of type {type(value).__name__}"
        )
    out = int(value)
    if minimum is not None and out < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {out}")
    if maximum is not None and out > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {out}")
    return out


def float_array(name: str, value: object) -> np.ndarray:
    """Return ``value`` if it is a numpy array of real floats with finite entries."""
    if not isinstance(value, np.ndarray):
        raise TypeError(
            f"{name} must be a numpy array of floats (e.g. rng.standard_normal(n)), "
            f"got {type(value).__name__}"
        )
    if value.dtype.kind != "f":
        raise TypeError(
            f"{name} must have a real floating dtype (float32 or float64), got dtype {value.dtype}"
        )
    if not np.isfinite(value).all():
        raise ValueError(f"{name} must contain only finite values; it contains NaN or inf")
    return value


def generator(name: str, value: object) -> np.random.Generator:
    """Return ``value`` if it is a ``numpy.random.Generator``."""
    if not isinstance(value, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator (np.random.default_rng(seed)), "
            f"got {type(value).__name__}"
        )
    return value


def choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of the strings in ``allowed``."""
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


def objective(name: str, value: object):
    """Return ``value`` if it is an :class:`mcgrad.objectives.Objective` instance."""
    from mcgrad.objectives import Objective  # deferred: objectives imports this module

    if not isinstance(value, Objective):
        raise TypeError(
            f"{name} must be an mcgrad.objectives.Objective such as Square(), "
            f"got {type(value).__name__}"
        )
    if type(value) is Objective:
        raise TypeError(f"{name} must be a concrete objective such as Square() or Step(); the "
                        "base class Objective() defines no function f")
    return value


def real_array(name: str, value: object) -> np.ndarray:
    """Return ``value`` (a real number, list, tuple or array) as a float array.

    Float arrays keep their dtype; ints become float64.  Rejects bools, strings,
    complex numbers, objects and any NaN or inf entry.
    """
    if isinstance(value, (bool, np.bool_, str, bytes)) or callable(value):
        raise TypeError(f"{name} must be real numbers (a number, list or array), got "
                        f"{value!r} of type {type(value).__name__}")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError, OverflowError):
        raise TypeError(f"{name} must be real numbers (a number, list or array), got "
                        f"{type(value).__name__}") from None
    if arr.dtype.kind == "O" and all(isinstance(v, numbers.Integral) and not isinstance(
            v, (bool, np.bool_)) for v in arr.ravel()) and arr.size:
        raise ValueError(f"{name} must be within the float64 range (|.| < 1.8e308), got "
                         f"integers beyond it")
    if arr.dtype.kind in "iu":
        arr = arr.astype(np.float64)
    if arr.dtype.kind != "f":
        raise TypeError(f"{name} must be real numbers (a number, list or array), got "
                        f"{type(value).__name__} of dtype {arr.dtype}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must contain only finite values; it contains NaN or inf")
    return arr


def _describe(value: object) -> str:
    if isinstance(value, np.ndarray) and value.size > 1:
        return f"an array of shape {value.shape} with max |.| {float(np.max(np.abs(value))):.3g}"
    return repr(value)


def finite(result, what: str, **inputs: object):
    """Return ``result`` if every entry is finite, else a ValueError naming ``inputs``.

    Compute ``result`` under ``np.errstate(all="ignore")`` (see :func:`quiet`); an
    overflow then surfaces here, as a clear error that names the arguments responsible.
    """
    if not np.isfinite(result).all():
        args = ", ".join(f"{k}={_describe(v)}" for k, v in inputs.items())
        raise ValueError(f"{what} overflows float64 (is not finite) for {args}; "
                         f"use arguments of smaller magnitude")
    return result


def quiet():
    """Context in which numpy overflow is silent, to be followed by :func:`finite`."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")


class NamedError:
    """Context that adds the caller's arguments to a ValueError raised inside it."""

    def __init__(self, **inputs: object) -> None:
        self.inputs = inputs

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if kind is not None and issubclass(kind, ValueError) and not isinstance(exc, _Named):
            args = ", ".join(f"{k}={_describe(v)}" for k, v in self.inputs.items())
            raise _Named(f"{exc} (with {args})") from None
        return False


class _Named(ValueError):
    """A ValueError that already names the caller's arguments."""


def expression(name: str, value: object):
    """Return ``value`` if it is a SymPy expression (or a finite real number) without nan/oo."""
    import sympy as sp

    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a SymPy expression or symbol, got the bool {value!r}")
    if isinstance(value, numbers.Real) and not isinstance(value, sp.Basic):
        real_scalar(name, value)
        return sp.sympify(value)
    if not isinstance(value, sp.Basic):
        raise TypeError(f"{name} must be a SymPy expression or symbol such as "
                        f"sympy.Symbol('x'), got {type(value).__name__}")
    if value.has(sp.nan, sp.oo, -sp.oo, sp.zoo):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def estimator(name: str, value: object):
    """Return ``value`` if it is one of the per-sample estimator functions of mcgrad.estimators."""
    from mcgrad import estimators

    allowed = {getattr(estimators, n) for n in estimators.ESTIMATORS}
    extra = getattr(value, "__module__", None) == "mcgrad.estimators" and callable(value) \
        and getattr(value, "__name__", "") not in ("get",) \
        and not getattr(value, "__name__", "_").startswith("_")
    if not any(value is f for f in allowed) and not extra:
        raise TypeError(f"{name} must be an estimator function of mcgrad.estimators, such as "
                        f"estimators.score_function, got {value!r}")
    return value


def abstract(obj: object, method: str) -> NotImplementedError:
    """The error an abstract method of a base class raises, naming the class and method."""
    cls = type(obj).__name__
    return NotImplementedError(
        f"{cls}.{method} is not defined: {cls} must define {method}() "
        f"(the base class Objective only declares it)")


def text(name: str, value: object) -> str:
    """Return ``value`` if it is a string."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {value!r} of type {type(value).__name__}")
    return value


def flag(name: str, value: object) -> bool:
    """Return ``value`` if it is True or False."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)
