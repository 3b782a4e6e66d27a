"""Test functions f(x) with exact Gaussian expectations and gradients.

Each objective knows, for x ~ N(theta, sigma^2):

* ``value(x)``             f(x), elementwise
* ``derivative(x)``        f'(x), elementwise (only where ``differentiable``)
* ``expectation(t, s)``    J(theta, sigma) = E[f(x)]            (exact)
* ``gradient(t, s)``       dJ/dtheta                           (exact)
* ``gradient_sigma(t, s)`` dJ/dsigma                           (exact)
* ``symbolic(x)``          f as a SymPy expression, used by :mod:`mcgrad.moments`

``Square`` (f = x^2) is the running example introduced in notebook 01;
the others serve as known-answer tests and as later examples.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from mcgrad import _checks


def _as_float_array(x: object, name: str = "x") -> np.ndarray:
    """``x`` as a float array (ints become float64); only finite real numbers are allowed."""
    return _checks.real_array(name, x)


def _values(result: np.ndarray, x: np.ndarray, what: str = "f(x)") -> np.ndarray:
    """``result`` (computed under ``_checks.quiet()``) if finite, else ValueError naming x."""
    return _checks.finite(result, what, x=x)


def _exact(value: float, theta: float, sigma: float) -> float:
    """An exact expectation or gradient, or ValueError naming theta and sigma if it overflows."""
    return float(_checks.finite(value, "the exact value", theta=theta, sigma=sigma))


def _params(theta: object, sigma: object) -> tuple[float, float]:
    return _checks.real_scalar("theta", theta), _checks.positive_scalar("sigma", sigma)


class Objective:
    """Base class: a scalar function f of one real variable."""

    name: str = "f"
    latex: str = "f(x)"
    differentiable: bool = True

    def value(self, x: object) -> np.ndarray:
        """f(x), elementwise; same shape as ``x``."""
        raise _checks.abstract(self, "value")

    def derivative(self, x: object) -> np.ndarray:
        """f'(x), elementwise; same shape as ``x``."""
        raise TypeError(
            f"objective {self.name} has no derivative f'(x), so the reparameterization "
            "(pathwise) estimator does not apply; use the score-function estimator"
        )

    def expectation(self, theta: float, sigma: float = 1.0) -> float:
        """Exact E[f(x)] for x ~ N(theta, sigma^2)."""
        raise _checks.abstract(self, "expectation")

    def gradient(self, theta: float, sigma: float = 1.0) -> float:
        """Exact d/dtheta E[f(x)] for x ~ N(theta, sigma^2)."""
        raise _checks.abstract(self, "gradient")

    def gradient_sigma(self, theta: float, sigma: float = 1.0) -> float:
        """Exact d/dsigma E[f(x)] for x ~ N(theta, sigma^2)."""
        raise _checks.abstract(self, "gradient_sigma")

    def symbolic(self, x: sp.Symbol) -> sp.Expr:
        """f as a SymPy expression in the symbol ``x``."""
        raise _checks.abstract(self, "symbolic")

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Constant(Objective):
    """f(x) = c.  Its expectation does not depend on theta: every gradient is 0."""

    differentiable = True

    def __init__(self, c: float = 1.0) -> None:
        self.c = _checks.real_scalar("c", c)
        self.name = f"constant {self.c:g}"
        self.latex = f"{self.c:g}"

    def value(self, x: object) -> np.ndarray:
        x = _as_float_array(x)
        return np.full_like(x, self.c)

    def derivative(self, x: object) -> np.ndarray:
        return np.zeros_like(_as_float_array(x))

    def expectation(self, theta: float, sigma: float = 1.0) -> float:
        _params(theta, sigma)
        return self.c

    def gradient(self, theta: float, sigma: float = 1.0) -> float:
        _params(theta, sigma)
        return 0.0

    def gradient_sigma(self, theta: float, sigma: float = 1.0) -> float:
        _params(theta, sigma)
        return 0.0

    def symbolic(self, x: sp.Symbol) -> sp.Expr:
        x = _checks.expression("x", x)
        return sp.nsimplify(self.c) + 0 * x

    def __repr__(self) -> str:
        return f"Constant(c={self.c!r})"


class Linear(Objective):
    """f(x) = a*x.  E[f] = a*theta, so d/dtheta = a and d/dsigma = 0."""

    def __init__(self, a: float = 1.0) -> None:
        self.a = _checks.real_scalar("a", a)
        self.name = f"linear {self.a:g}x"
        self.latex = f"{self.a:g}x"

    def value(self, x: object) -> np.ndarray:
        x = _as_float_array(x)
        with _checks.quiet():
            return _values(self.a * x, x)

    def derivative(self, x: object) -> np.ndarray:
        x = _as_float_array(x)
        return np.full_like(x, self.a)

    def expectation(self, theta: float, sigma: float = 1.0) -> float:
        theta, sigma = _params(theta, sigma)
        return _exact(self.a * theta, theta, sigma)

    def gradient(self, theta: float, sigma: float = 1.0) -> float:
        _params(theta, sigma)
        return self.a

    def gradient_sigma(self, theta: float, sigma: float = 1.0) -> float:
        _params(theta, sigma)
        return 0.0

    def symbolic(self, x: sp.Symbol) -> sp.Expr:
        return sp.nsimplify(self.a) * _checks.expression("x", x)

    def __repr__(self) -> str:
        return f"Linear(a={self.a!r})"


class ShiftedSquare(Objective):
    """f(x) = (x - k)^2.  E[f] = (theta - k)^2 + sigma^2, minimised at theta = k."""

    def __init__(self, k: float = 0.0) -> None:
        self.k = _checks.real_scalar("k", k)
        self.name = f"(x - {self.k:g})^2" if self.k else "x^2"
        self.latex = f"(x - {self.k:g})^2" if self.k else "x^2"

    def value(self, x: object) -> np.ndarray:
        x = _as_float_array(x)
        with _checks.quiet():
            return _values(np.square(x - self.k) if self.k else np.square(x), x)

    def derivative(self, x: object) -> np.ndarray:
        x = _as_float_array(x)
        with _checks.quiet():
            return _values(2 * (x - self.k) if self.k else 2 * x, x, "f'(x)")

    def expectation(self, theta: float, sigma: float = 1.0) -> float:
        theta, sigma = _params(theta, sigma)
        with _checks.quiet():
            d, s = np.float64(theta - self.k), np.float64(sigma)
            return _exact(d * d + s * s, theta, sigma)  # as (theta - k)^2 + sigma^2

    def gradient(self, theta: float, sigma: float = 1.0) -> float:
        theta, sigma = _params(theta, sigma)
        return _exact(2 * (theta - self.k), theta, sigma)

    def gradient_sigma(self, theta: float, sigma: float = 1.0) -> float:
        theta, sigma = _params(theta, sigma)
        return _exact(2 * sigma, theta, sigma)

    def symbolic(self, x: sp.Symbol) -> sp.Expr:
        return (_checks.expression("x", x) - sp.nsimplify(self.k)) ** 2

    def __repr__(self) -> str:
        return f"ShiftedSquare(k={self.k!r})"


class Square(ShiftedSquare):
    """f(x) = x^2, the running example: E[f] = theta^2 + sigma^2, gradient 2*theta.

    Introduced in notebook 01 (``01-gradient-of-an-expectation.ipynb``).
    """

    def __init__(self) -> None:
        super().__init__(0.0)

    def __repr__(self) -> str:
        return "Square()"


class Step(Objective):
    """f(x) = 1[x > 0], a discontinuous objective.

    E[f] = Phi(theta/sigma), so d/dtheta = phi(theta/sigma)/sigma, yet f'(x) = 0
    wherever it exists: the pathwise estimator does not apply.
    """

    name = "1[x > 0]"
    latex = r"\mathbb{1}[x > 0]"
    differentiable = False

    def value(self, x: object) -> np.ndarray:
        x = _as_float_array(x)
        return (x > 0).astype(x.dtype)

    def expectation(self, theta: float, sigma: float = 1.0) -> float:
        theta, sigma = _params(theta, sigma)
        return 0.5 * math.erfc(-theta / (sigma * math.sqrt(2)))

    def gradient(self, theta: float, sigma: float = 1.0) -> float:
        theta, sigma = _params(theta, sigma)
        z = theta / sigma
        return math.exp(-0.5 * z * z) / (sigma * math.sqrt(2 * math.pi))

    def gradient_sigma(self, theta: float, sigma: float = 1.0) -> float:
        theta, sigma = _params(theta, sigma)
        return _exact(-(theta / sigma) * self.gradient(theta, sigma), theta, sigma)

    def symbolic(self, x: sp.Symbol) -> sp.Expr:
        return sp.Heaviside(_checks.expression("x", x), 0)
