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
    out = float(value)
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return out


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
            f"{name} must be an integer, got {value!r} of type {type(value).__name__}"
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
    return value
