"""Sliders over k and the cost family (notebook 11): a pure update function, a drawing
function and thin ipywidgets wiring.

:func:`family_view` maps (family, k, wrt) to a :class:`FamilyView` with the exact
per-sample variance curves of the three estimators over ``K_GRID`` (from
:mod:`mcgrad.families`, cached per family) and their values at the chosen k.
:func:`draw` plots a view; :func:`build` wires a dropdown and a slider to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from mcgrad import _checks, estimators, families, plotting

K_GRID = np.linspace(0.05, 5.0, 34)
THETA, SIGMA = 1.0, 1.0
COLOR_KEYS = {"score_function": "score_function", "reparameterization": "reparameterization",
              "measure_valued": "measure_valued"}
LABELS = {"score_function": "score function", "reparameterization": "pathwise",
          "measure_valued": "measure-valued"}


@dataclass(frozen=True)
class FamilyView:
    """One state of the explorer: curves[name] over ``ks``; at_k[name] the variance at ``k``;
    ``lowest`` the estimator with the smallest variance at ``k``."""

    family: str
    k: float
    wrt: str
    ks: np.ndarray
    curves: dict
    at_k: dict
    lowest: str


@lru_cache(maxsize=8)
def _curves(family: str, wrt: str) -> tuple[tuple[str, np.ndarray], ...]:
    out = []
    for name in families.NAMES:
        curve = families.variance(name, family, K_GRID, THETA, SIGMA, wrt=wrt)
        curve.flags.writeable = False
        out.append((name, curve))
    return tuple(out)


def family_view(family: str = "cosine", k: float = 1.0, wrt: str = "theta") -> FamilyView:
    """The exact variances for ``families.cost(family, k)`` at theta = sigma = 1.

    ``k`` must lie in [min(K_GRID), max(K_GRID)].
    """
    _checks.choice("family", family, families.FAMILIES)
    _checks.choice("wrt", wrt, estimators.WRT)
    k = _checks.real_scalar("k", k)
    if not K_GRID[0] <= k <= K_GRID[-1]:
        raise ValueError(f"k must be within [{K_GRID[0]:g}, {K_GRID[-1]:g}], got {k!r}")
    at_k = {name: families.variance(name, family, k, THETA, SIGMA, wrt=wrt)
            for name in families.NAMES}
    return FamilyView(family, k, wrt, K_GRID, dict(_curves(family, wrt)), at_k,
                      min(at_k, key=at_k.get))


def draw(view: FamilyView):
    """Plot a view: three exact curves on a log axis, the chosen k marked.  Returns the Axes."""
    import matplotlib.pyplot as plt

    if not isinstance(view, FamilyView):
        raise TypeError(f"view must be a FamilyView (from family_view), got {type(view).__name__}")
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    for name, curve in view.curves.items():
        colour = plotting.COLORS[COLOR_KEYS[name]]
        ax.plot(view.ks, curve, color=colour, label=LABELS[name])
        ax.plot([view.k], [view.at_k[name]], "o", color=colour)
    ax.axvline(view.k, color=plotting.COLORS["exact"], lw=0.8, ls=":")
    f = families.cost(view.family, view.k)
    title = (f"$f(x) = {f.latex}$, gradient in $\\{view.wrt}$: "
             f"lowest variance {LABELS[view.lowest]}")
    plotting.decorate(ax, xlabel="$k$", ylabel="per-sample variance $V$", yscale="log",
                      title=title)
    return ax


def show(family: str = "cosine", k: float = 1.0, wrt: str = "theta") -> FamilyView:
    """Compute, draw and print one state; the function the sliders call."""
    import matplotlib.pyplot as plt

    view = family_view(family, k, wrt)
    draw(view)
    plt.show()
    print("  ".join(f"V_{n}: {view.at_k[name]:.4g}" for n, name in
                    zip(("SF", "RP", "MV"), families.NAMES)))
    return view


def build(family: str = "cosine", k: float = 1.0, wrt: str = "theta"):
    """The live explorer: a family dropdown, a k slider and a wrt toggle wired to :func:`show`."""
    import ipywidgets as widgets

    family_view(family, k, wrt)  # validates the starting state
    controls = {
        "family": widgets.Dropdown(options=families.FAMILIES, value=family, description="cost"),
        "k": widgets.FloatSlider(value=k, min=float(K_GRID[0]), max=float(K_GRID[-1]),
                                 step=0.05, description="k", continuous_update=False),
        "wrt": widgets.ToggleButtons(options=estimators.WRT, value=wrt, description="wrt"),
    }
    out = widgets.interactive_output(lambda **kw: show(**kw) and None, controls)
    return widgets.VBox([widgets.HBox(list(controls.values())), out])
