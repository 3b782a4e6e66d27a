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


def _number(value: float) -> sp.Expr:
    """``value`` as a SymPy number: the simplest rational if it rounds back to ``value``, else a
    Float with the 53 bits of the double (an exact rational of 1e-300 would make SymPy crawl)."""
    simple = sp.nsimplify(value)
    return simple if float(simple) == value else sp.Float(value, precision=53)


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
        return _number(self.c) + 0 * x

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
        return _number(self.a) * _checks.expression("x", x)

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
        return (_checks.expression("x", x) - _number(self.k)) ** 2

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
        z = theta / sigma  # may be +-inf for a subnormal sigma: the density is then 0
        log_value = -0.5 * z * z - math.log(sigma) - 0.5 * math.log(2 * math.pi)
        return _exact(math.exp(log_value) if log_value < 709.7 else math.inf, theta, sigma)

    def gradient_sigma(self, theta: float, sigma: float = 1.0) -> float:
        theta, sigma = _params(theta, sigma)
        z = theta / sigma
        if not math.isfinite(z):  # the Gaussian factor underflows far faster than z grows
            return -0.0 if z > 0 else 0.0
        return _exact(-z * self.gradient(theta, sigma), theta, sigma)

    def symbolic(self, x: sp.Symbol) -> sp.Expr:
        return sp.Heaviside(_checks.expression("x", x), 0)


# The cost families of notebook 11: (x - k)^2 (ShiftedSquare above), exp(-k x^2), cos(kx).

K_LIMIT = 1e4  # |k| allowed for GaussianBump and Cosine
PARAM_LIMIT = 1e6  # |theta| and sigma allowed for their closed forms


def _family_params(theta: object, sigma: object) -> tuple[float, float]:
    theta, sigma = _params(theta, sigma)
    if abs(theta) > PARAM_LIMIT:
        raise ValueError(f"theta must be within [-{PARAM_LIMIT:g}, {PARAM_LIMIT:g}] for this "
                         f"objective's closed forms, got {theta!r}")
    if sigma > PARAM_LIMIT:
        raise ValueError(f"sigma must be <= {PARAM_LIMIT:g} for this objective's closed forms, "
                         f"got {sigma!r}")
    return theta, sigma


def _family_k(k: object, minimum: float) -> float:
    k = _checks.real_scalar("k", k)
    if not minimum <= k <= K_LIMIT:
        raise ValueError(f"k must be within [{minimum:g}, {K_LIMIT:g}], got {k!r}")
    return k


class GaussianBump(Objective):
    """f(x) = exp(-k x^2), k >= 0: a bump of width 1/sqrt(k) (notebook 11).

    With a = 1 + 2 k sigma^2:  E[f] = a^(-1/2) exp(-k theta^2 / a),
    dE/dtheta = -2 k theta / a * E[f],
    dE/dsigma = (4 k^2 theta^2 sigma / a^2 - 2 k sigma / a) * E[f].
    Allowed: 0 <= k <= 1e4, |theta| <= 1e6, 0 < sigma <= 1e6.
    """

    def __init__(self, k: float = 1.0) -> None:
        self.k = _family_k(k, 0.0)
        self.name = f"exp(-{self.k:g} x^2)"
        self.latex = rf"e^{{-{self.k:g} x^2}}"

    def value(self, x: object) -> np.ndarray:
        x = _as_float_array(x)
        if self.k == 0:
            return np.ones_like(x)
        with np.errstate(over="ignore"):
            return np.exp(-self.k * np.square(x))  # underflows to 0 for huge |x|

    def derivative(self, x: object) -> np.ndarray:
        x = _as_float_array(x)
        if self.k == 0:
            return np.zeros_like(x)
        with np.errstate(over="ignore", invalid="ignore"):
            fx = np.exp(-self.k * np.square(x))
            out = -2 * self.k * x * fx
        return np.where(fx == 0, 0.0, out).astype(fx.dtype)

    def _moments(self, theta: object, sigma: object) -> tuple[float, float, float]:
        theta, sigma = _family_params(theta, sigma)
        a = 1 + 2 * self.k * sigma * sigma
        return theta, sigma, a

    def expectation(self, theta: float, sigma: float = 1.0) -> float:
        theta, sigma, a = self._moments(theta, sigma)
        return math.exp(-self.k * theta * theta / a) / math.sqrt(a)

    def gradient(self, theta: float, sigma: float = 1.0) -> float:
        theta, sigma, a = self._moments(theta, sigma)
        return -2 * self.k * theta / a * self.expectation(theta, sigma)

    def gradient_sigma(self, theta: float, sigma: float = 1.0) -> float:
        theta, sigma, a = self._moments(theta, sigma)
        k = self.k
        # (4 k^2 theta^2 sigma / a^2 - 2 k sigma / a) E[f], with 2 k theta^2 - a written as
        # 2 k (theta - sigma)(theta + sigma) - 1 so that it does not cancel for theta ~ sigma
        bracket = 2 * k * (theta - sigma) * (theta + sigma) - 1
        return 2 * k * sigma / a * bracket / a * self.expectation(theta, sigma)

    def symbolic(self, x: sp.Symbol) -> sp.Expr:
        return sp.exp(-_number(self.k) * _checks.expression("x", x)**2)

    def __repr__(self) -> str:
        return f"GaussianBump(k={self.k!r})"


class Cosine(Objective):
    """f(x) = cos(k x), the review's oscillating cost (notebook 11).

    E[f] = cos(k theta) exp(-k^2 sigma^2 / 2),
    dE/dtheta = -k sin(k theta) exp(-k^2 sigma^2 / 2),
    dE/dsigma = -k^2 sigma cos(k theta) exp(-k^2 sigma^2 / 2).
    Allowed: |k| <= 1e4, |theta| <= 1e6, 0 < sigma <= 1e6; ``value`` rejects x with
    |k x| beyond the float range.
    """

    def __init__(self, k: float = 1.0) -> None:
        self.k = _family_k(k, -K_LIMIT)
        self.name = f"cos({self.k:g} x)"
        self.latex = rf"\cos({self.k:g} x)"

    def _phase(self, x: object) -> np.ndarray:
        x = _as_float_array(x)
        with np.errstate(over="ignore"):
            phase = self.k * x
        if not np.isfinite(phase).all():
            raise ValueError(f"x must be finite with |k x| < 1e308 (k = {self.k:g}); "
                             "got values outside that range")
        return phase

    def value(self, x: object) -> np.ndarray:
        return np.cos(self._phase(x))

    def derivative(self, x: object) -> np.ndarray:
        return -self.k * np.sin(self._phase(x))

    def _damping(self, theta: object, sigma: object) -> tuple[float, float, float]:
        theta, sigma = _family_params(theta, sigma)
        ks = self.k * sigma
        return theta, sigma, math.exp(-0.5 * ks * ks)

    def expectation(self, theta: float, sigma: float = 1.0) -> float:
        theta, sigma, d = self._damping(theta, sigma)
        return math.cos(self.k * theta) * d

    def gradient(self, theta: float, sigma: float = 1.0) -> float:
        theta, sigma, d = self._damping(theta, sigma)
        return -self.k * math.sin(self.k * theta) * d

    def gradient_sigma(self, theta: float, sigma: float = 1.0) -> float:
        theta, sigma, d = self._damping(theta, sigma)
        return -self.k * self.k * sigma * math.cos(self.k * theta) * d

    def symbolic(self, x: sp.Symbol) -> sp.Expr:
        return sp.cos(_number(self.k) * _checks.expression("x", x))

    def __repr__(self) -> str:
        return f"Cosine(k={self.k!r})"
