"""The collection's figure style: one colour per estimator, one ``decorate()``.

Nothing happens on import; notebooks call :func:`set_style` in their setup
cell.  ``set_style("lecture")`` enlarges fonts and lines so that figures read
from the back of a lecture room.

Colours (used in every notebook, colour-blind safe, Okabe-Ito palette):

* score function      ``COLORS["score_function"]``      orange
* reparameterization  ``COLORS["reparameterization"]``  blue
* exact theory        ``COLORS["exact"]``               black
"""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt

from mcgrad import _checks

COLORS: dict[str, str] = {
    "score_function": "#E69F00",
    "reparameterization": "#0072B2",
    "exact": "#000000",
    "baseline": "#009E73",
    "other": "#CC79A7",
}

LABELS: dict[str, str] = {
    "score_function": "score function",
    "reparameterization": "reparameterization",
    "exact": "exact",
}

_BASE: dict[str, Any] = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "lines.linewidth": 1.8,
    "lines.markersize": 6,
}

_LECTURE: dict[str, Any] = {
    "figure.figsize": (9.0, 5.6),
    "font.size": 17,
    "axes.titlesize": 19,
    "axes.labelsize": 17,
    "xtick.labelsize": 15,
    "ytick.labelsize": 15,
    "legend.fontsize": 15,
    "lines.linewidth": 3.0,
    "lines.markersize": 9,
}

STYLES = ("notebook", "lecture")


def set_style(style: str = "notebook") -> None:
    """Apply the collection's matplotlib style ("notebook" or "lecture")."""
    _checks.choice("style", style, STYLES)
    mpl.rcParams.update(_BASE)
    if style == "lecture":
        mpl.rcParams.update(_LECTURE)


def decorate(ax: Any = None, *, title: str | None = None, xlabel: str | None = None,
             ylabel: str | None = None, xlim: tuple | None = None,
             ylim: tuple | None = None, xscale: str | None = None,
             yscale: str | None = None, legend: bool | None = None) -> Any:
    """Label an Axes, add a legend only if something is labelled, tighten the layout.

    Returns the Axes so calls can be chained.  ``legend=False`` suppresses it.
    """
    ax = plt.gca() if ax is None else ax
    if xscale is not None:
        ax.set_xscale(xscale)
    if yscale is not None:
        ax.set_yscale(yscale)
    if title is not None:
        ax.set_title(title)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if xlim is not None:
        ax.set_xlim(xlim)
    if ylim is not None:
        ax.set_ylim(ylim)
    handles, labels = ax.get_legend_handles_labels()
    if legend is None:
        legend = any(label and not label.startswith("_") for label in labels)
    if legend:
        ax.legend()
    ax.figure.tight_layout()
    return ax


def color(name: str) -> str:
    """The colour for an estimator name or "exact"."""
    _checks.choice("name", name, tuple(COLORS))
    return COLORS[name]
