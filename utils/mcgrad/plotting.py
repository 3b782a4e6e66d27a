"""The collection's figure style: one colour per estimator, one ``decorate()``.

Nothing happens on import; notebooks call :func:`set_style` in their setup
cell.  ``set_style("lecture")`` enlarges fonts and lines so that figures read
from the back of a lecture room; ``set_style()`` with no argument takes the
style from the environment variable ``MCGRAD_STYLE`` (``make lecture`` sets it),
so a lecture needs no edited cell.

Colours (used in every notebook, colour-blind safe, Okabe-Ito palette):

* score function      ``COLORS["score_function"]``      orange
* reparameterization  ``COLORS["reparameterization"]``  blue
* exact theory        ``COLORS["exact"]``               black
"""

from __future__ import annotations

import os
from typing import Any

import math

import matplotlib as mpl
import matplotlib.pyplot as plt

from mcgrad import _checks

COLORS: dict[str, str] = {
    "score_function": "#E69F00",
    "reparameterization": "#0072B2",
    "exact": "#000000",
    "baseline": "#009E73",
    "measure_valued": "#D55E00",
    "other": "#CC79A7",
}

LABELS: dict[str, str] = {
    "score_function": "score function",
    "reparameterization": "reparameterization",
    "measure_valued": "measure-valued",
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
    # matplotlib's own defaults, set here so that going back from lecture style restores them
    "xtick.labelsize": "medium",
    "ytick.labelsize": "medium",
    "legend.fontsize": "medium",
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
STYLE_VARIABLE = "MCGRAD_STYLE"


def set_style(style: str | None = None) -> None:
    """Apply the collection's matplotlib style, "notebook" or "lecture" (notebook 00).

    With no argument the style is read from the environment variable
    ``MCGRAD_STYLE`` ("notebook" when it is unset or empty); an explicit argument
    wins over the variable.  ``ValueError`` for any other value of either.
    """
    style = style_from_environment() if style is None else _checks.choice("style", style, STYLES)
    mpl.rcParams.update(_BASE)
    if style == "lecture":
        mpl.rcParams.update(_LECTURE)


def style_from_environment() -> str:
    """The style named by ``MCGRAD_STYLE``: "notebook" (unset or empty) or "lecture"."""
    value = os.environ.get(STYLE_VARIABLE, "").strip()
    if not value:
        return "notebook"
    if value not in STYLES:
        raise ValueError(f"the environment variable {STYLE_VARIABLE} must be one of {STYLES} "
                         f"(or unset), got {value!r}")
    return value


def decorate(ax: Any = None, *, title: str | None = None, xlabel: str | None = None,
             ylabel: str | None = None, xlim: tuple | None = None,
             ylim: tuple | None = None, xscale: str | None = None,
             yscale: str | None = None, legend: bool | None = None) -> Any:
    """Label an Axes, add a legend only if something is labelled, tighten the layout.

    Returns the Axes so calls can be chained.  ``legend=False`` suppresses it.
    ``TypeError``/``ValueError`` naming the argument for anything else.
    """
    ax = _check_decorate(ax, title, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)
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
        ax.set_xlim(_limits("xlim", xlim))
    if ylim is not None:
        ax.set_ylim(_limits("ylim", ylim))
    handles, labels = ax.get_legend_handles_labels()
    if legend is None:
        legend = any(label and not label.startswith("_") for label in labels)
    if legend:
        if not any(label and not label.startswith("_") for label in labels):
            raise ValueError("legend=True needs at least one labelled artist on the Axes; "
                             "pass label=... when plotting, or leave legend=None")
        ax.legend()
    ax.figure.tight_layout()
    return ax


def distance_panels(runs: dict, paths: dict, title: str = "", *,
                    ylim: tuple[float, float] = (1e-3, 1e3)) -> Any:
    """Distance to the optimum per step of SGD, one panel per estimator (notebook 07).

    ``runs`` maps estimator names to :class:`mcgrad.optimize.Run` (theta of shape
    (runs, T + 1)); ``paths`` maps the same names to
    :class:`mcgrad.optimize.ExpectedPath`.  Each panel shows the median and the
    10-90% band of |theta_t - theta*| over runs, the Monte Carlo root-mean-square
    distance sqrt(mean of d_t^2) as points with 1-SE error bars (only at steps where
    no run has diverged and the point is inside ``ylim``), and sqrt(E[theta_t^2]):
    exact (solid) or a lower bound (dashed), drawn only where finite.  One legend,
    below the panels, lists only what is drawn.  Returns the Figure.
    """
    import numpy as np

    from mcgrad.optimize import ExpectedPath, Run

    if not isinstance(runs, dict) or not runs or set(runs) != set(paths if isinstance(
            paths, dict) else ()):
        raise TypeError("runs and paths must be non-empty dicts with the same estimator names, "
                        f"got {type(runs).__name__} and {type(paths).__name__}")
    for name in runs:
        _checks.choice("runs key", name, tuple(COLORS))
        if not isinstance(runs[name], Run):
            raise TypeError(f"runs[{name!r}] must be an mcgrad.optimize.Run (from optimize.sgd), "
                            f"got {type(runs[name]).__name__}")
        if not isinstance(paths[name], ExpectedPath):
            raise TypeError(f"paths[{name!r}] must be an mcgrad.optimize.ExpectedPath (from "
                            f"optimize.expected_path), got {type(paths[name]).__name__}")
        if paths[name].mean.size != runs[name].theta.shape[1]:
            raise ValueError(f"paths[{name!r}] has {paths[name].mean.size} steps but "
                             f"runs[{name!r}] has {runs[name].theta.shape[1]} (steps + 1); "
                             "build both with the same number of steps")
    _mathtext("title", _checks.text("title", title))
    lo_y, hi_y = _limits("ylim", ylim)
    if not 0 < lo_y < hi_y:
        raise ValueError(f"ylim must be increasing and positive (a log axis), got {ylim!r}")
    fig, axes = plt.subplots(1, len(runs), figsize=(5 * len(runs), 4.4), sharey=True,
                             squeeze=False)
    entries: dict[str, Any] = {}
    for i, (ax, (name, run)) in enumerate(zip(axes[0], runs.items())):
        t = np.arange(run.theta.shape[1])
        med, lo, hi = np.minimum(run.band(), 1e6)
        col = color(name)
        entries["10-90% of runs"] = ax.fill_between(t, lo, hi, color=col, alpha=0.25)
        entries["median"] = ax.plot(t, med, color=col)[0]
        d2 = np.where(np.isfinite(run.distance), run.distance, np.nan) ** 2
        alive = ~np.isnan(d2).any(axis=0)
        rms = np.sqrt(np.nanmean(d2, axis=0))
        se = np.nanstd(d2, axis=0, ddof=1) / np.sqrt(d2.shape[0]) / (2 * rms)
        keep = alive & (rms > lo_y) & (rms < hi_y) & (t % 3 == 0)
        if keep.any():
            entries["RMS, Monte Carlo ± 1 SE"] = ax.errorbar(
                t[keep], rms[keep], yerr=se[keep], fmt="o", ms=4, color=col)
        path = paths[name]
        finite = np.isfinite(path.rms)
        label = r"$\sqrt{E[\theta_t^2]}$, exact" if path.exact else \
            r"lower bound on $\sqrt{E[\theta_t^2]}$"
        if finite.any():
            entries[label] = ax.plot(t[finite], path.rms[finite], color=color("exact"),
                                     ls="-" if path.exact else "--")[0]
        note = f"diverged: {run.diverged.sum()} of {run.theta.shape[0]}"
        if run.diverged.any():
            note += f"\nRMS infinite from t = {run.diverged_at[run.diverged].min()}"
        ax.text(0.97, 0.04, note, transform=ax.transAxes, ha="right", va="bottom")
        decorate(ax, title=f"{LABELS.get(name, name)} {title}".strip(),
                 xlabel="iteration $t$",
                 ylabel=r"$|\theta_t - \theta^\star|$" if i == 0 else None,
                 yscale="log", ylim=(lo_y, hi_y), legend=False)
    fig.legend(list(entries.values()), list(entries), loc="lower center",
               ncol=min(len(entries), 3), frameon=False)
    fig.tight_layout(rect=(0, 0.14, 1, 1))
    return fig


def color(name: str) -> str:
    """The colour for an estimator name or "exact"."""
    _checks.choice("name", name, tuple(COLORS))
    return COLORS[name]


_SCALES = ("linear", "log", "symlog", "logit")


def _limits(name: str, value: object) -> tuple[float, float]:
    """``value`` as a pair (low, high) of finite floats with low != high and a finite span."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a pair (low, high) given as a tuple or list, "
                        f"got {value!r}")
    low, high = (_checks.real_scalar(f"{name}[{i}]", v) for i, v in enumerate(value))
    if low == high or not math.isfinite(high - low):
        raise ValueError(f"{name} must have low != high and a finite span, got {value!r}")
    return low, high


def _check_decorate(ax: Any, title: Any, xlabel: Any, ylabel: Any, xlim: Any, ylim: Any,
                    xscale: Any, yscale: Any, legend: Any) -> Any:
    """The arguments of :func:`decorate`, checked before anything is changed; the Axes."""
    if ax is not None and not isinstance(ax, mpl.axes.Axes):
        raise TypeError(f"ax must be a matplotlib Axes (or None for the current one), "
                        f"got {type(ax).__name__}")
    for name, value in (("title", title), ("xlabel", xlabel), ("ylabel", ylabel)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} must be a string or None, got {value!r} "
                            f"of type {type(value).__name__}")
        if value is not None:
            _mathtext(name, value)
    for name, value in (("xscale", xscale), ("yscale", yscale)):
        if value is not None:
            _checks.choice(name, value, _SCALES)
    axes = plt.gca() if ax is None else ax
    for name, value, scale, current in (("xlim", xlim, xscale, "get_xscale"),
                                        ("ylim", ylim, yscale, "get_yscale")):
        if value is None:
            continue
        low, high = _limits(name, value)
        if (scale or getattr(axes, current)()) in ("log", "logit") and min(low, high) <= 0:
            raise ValueError(f"{name} must be positive on a log axis, got {value!r}")
    if legend is not None and not isinstance(legend, bool):
        raise TypeError(f"legend must be True, False or None, got {legend!r}")
    return axes


def _mathtext(name: str, value: str) -> str:
    """``value`` if matplotlib can typeset it; ValueError naming ``name`` if its $...$ is bad."""
    dollars = value.count("$") - value.count(r"\$")
    if dollars >= 2 and dollars % 2 == 0:
        from matplotlib.mathtext import MathTextParser

        try:
            MathTextParser("path").parse(value)
        except ValueError as exc:
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else "parse error"
            raise ValueError(f"{name} is not valid matplotlib mathtext: {value!r} ({reason})"
                             ) from None
    return value


BASE_RC: dict[str, Any] = dict(_BASE)  # the notebook style's settings, for rc_context(...)
