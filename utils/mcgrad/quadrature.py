"""Deterministic quadrature rules for expectations with a sharp feature.

Gauss-Hermite quadrature is excellent for smooth integrands but converges slowly
when the integrand has a kink, a jump or a transition much narrower than the
distribution (a step 1[x > 0], a sigmoid of small temperature tau).  The rules
here split the real line at breakpoints placed on two scales, the width of the
distribution and the width of the feature, and use Gauss-Legendre nodes on each
piece, so "exact" curves in notebooks 09 and 10 are accurate to about 1e-10.

Each rule returns ``(nodes, weights)`` with ``sum(weights * g(nodes))``
approximating the expectation of ``g``; the density is folded into the weights.
"""

from __future__ import annotations

import math

import numpy as np

from mcgrad import _checks

ORDER = 16  # Gauss-Legendre nodes per piece
MAX_NODES = 1_000_000  # nodes of one rule: 16 MB for nodes and weights


def composite_legendre(breakpoints: np.ndarray, order: int = ORDER) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights for the integral of g over [min, max] of ``breakpoints``.

    Gauss-Legendre with ``order`` nodes on every interval between consecutive
    (sorted, de-duplicated) breakpoints; returns 1-D arrays of equal length.
    """
    b = np.unique(_checks.real_array("breakpoints", breakpoints))
    if b.size < 2:
        raise ValueError(f"breakpoints must contain at least two distinct values, got {b.size}")
    order = _checks.integer("order", order, minimum=1, maximum=200)
    if (b.size - 1) * order > MAX_NODES:
        raise ValueError(f"(len(breakpoints) - 1) * order = {(b.size - 1) * order} nodes exceeds "
                         f"the memory budget of {MAX_NODES}; pass fewer breakpoints or a lower order")
    x, w = np.polynomial.legendre.leggauss(order)
    with _checks.quiet():
        half = np.diff(b)[:, None] / 2
        mid = b[:-1, None] / 2 + b[1:, None] / 2 if np.abs(b).max() > 1e307 else \
            (b[:-1] + b[1:])[:, None] / 2
        half = _checks.finite(half, "the interval widths", breakpoints=b)
    return (mid + half * x).ravel(), (half * w).ravel()


def _feature_breaks(centre: float, width: float, lo: float, hi: float,
                    reach: float) -> np.ndarray:
    pts = centre + width * np.linspace(-reach, reach, int(2 * reach) + 1)
    return pts[(pts > lo) & (pts < hi)]


def normal_rule(theta: float, sigma: float, *, kink: float = 0.0,
                width: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Rule in base-noise space: sum(w * g(eps)) ~ E[g(eps)], eps ~ N(0, 1).

    The sample is x = theta + sigma*eps; extra breakpoints resolve a feature of
    the integrand at x = ``kink`` of width ``width`` (e.g. a sigmoid's
    temperature tau; ``None`` puts a single breakpoint at the kink, which makes a
    jump there exact).  The range |eps| <= 12 misses a mass below 1e-32.
    Used by notebooks 09 and 10.
    """
    theta = _checks.real_scalar("theta", theta)
    sigma = _checks.positive_scalar("sigma", sigma)
    kink = _checks.real_scalar("kink", kink)
    lo, hi = -12.0, 12.0
    breaks = [np.linspace(lo, hi, 49)]
    with _checks.quiet():
        centre = (kink - theta) / sigma  # +-inf (far outside the range) is harmless
    if width is None:
        breaks.append(np.array([centre]) if lo < centre < hi else np.array([]))
    else:
        width = _checks.positive_scalar("width", width)
        with _checks.quiet():  # a huge width puts every extra point outside the range
            breaks.append(_feature_breaks(centre, width / sigma, lo, hi, 40.0))
    nodes, weights = composite_legendre(np.concatenate(breaks))
    return nodes, weights * np.exp(-0.5 * nodes**2) / math.sqrt(2 * math.pi)


def logistic_rule(centre: float, width: float) -> tuple[np.ndarray, np.ndarray]:
    """Rule for L ~ Logistic(0, 1): sum(w * g(L)) ~ E[g(L)].

    Breakpoints on the logistic's own scale over |L| <= 50 (missing mass about
    4e-22) plus a fine set around L = ``centre`` on the scale ``width``; used for
    the binary concrete relaxation of notebook 09 (centre = -logit p, width = tau).
    """
    centre = _checks.real_scalar("centre", centre)
    width = _checks.positive_scalar("width", width)
    lo, hi = -50.0, 50.0
    with _checks.quiet():  # a huge width puts every extra point outside the range
        breaks = np.concatenate([np.linspace(lo, hi, 101),
                                 _feature_breaks(centre, width, lo, hi, 40.0)])
    nodes, weights = composite_legendre(breaks)
    e = np.exp(-np.abs(nodes))
    return nodes, weights * e / (1 + e) ** 2  # logistic density s(L)(1 - s(L))
