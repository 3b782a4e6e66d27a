"""The live explorer of notebook 06: a pure update function plus thin ipywidgets wiring.

:func:`explore` maps slider settings to an :class:`ExplorerResult` holding every number the
figure and readout show.  Its noise eps ~ N(0, 1), shape (runs, N), comes from :func:`draws`,
cached per (N, runs, seed): moving theta or sigma reuses the draws (common random numbers).
Run j averages N per-sample terms t::

    g_j = (1/N) sum_i t(theta, sigma, eps_ji)   (1),    Var[g_j] = Var[t] / N   (2)

with exact mean and Var[t] from :mod:`mcgrad.moments`.  :class:`ExplorerFigure` draws a
result and updates it in place; :func:`build_explorer` wires the sliders.
"""

from __future__ import annotations

import functools
import html
import io
import math
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from mcgrad import _checks, estimators, moments, objectives, plotting

NAMES = estimators.ESTIMATORS
N_CHOICES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
RUNS_CHOICES = (100, 200, 500, 1000)
MAX_DRAWS = 10_000_000  # runs * N: 40 MB of float32 draws, safe on a 1 GB Binder
DEFAULTS = {"theta": 2.0, "sigma": 1.0, "n": 100, "runs": 1000, "seed": 2026}
THETA_GRID = np.linspace(-3.0, 3.0, 121)
BINS = 30
CHUNK = 2**19  # per-sample terms per block (2 MB of float32, stays in the CPU cache)
_PER_ESTIMATOR = "estimates mean var var_se exact_mean exact_var hist normal curve".split()


def draws(n: int, runs: int, seed: int) -> np.ndarray:
    """Standard-normal noise eps, shape (runs, n), float32, read-only; the same array object
    for the same (n, runs, seed).  ``ValueError`` when runs * n exceeds ``MAX_DRAWS``."""
    n = _checks.integer("n", n, minimum=1)
    runs = _checks.integer("runs", runs, minimum=2)
    seed = _checks.integer("seed", seed, minimum=0)
    if runs * n > MAX_DRAWS:
        raise ValueError(f"runs * n = {runs} * {n} = {runs * n:,} draws exceeds the explorer's "
                         f"memory budget of {MAX_DRAWS:,} draws (40 MB); lower runs or n")
    return _draws(n, runs, seed)  # validated first, so the cache only ever sees ints


@functools.lru_cache(maxsize=2)
def _draws(n: int, runs: int, seed: int) -> np.ndarray:
    eps = np.random.default_rng(seed).standard_normal((runs, n), dtype=np.float32)
    eps.flags.writeable = False  # shared by every caller: nobody may change it
    return eps


draws.cache_info = _draws.cache_info  # type: ignore[attr-defined]  # what notebook 06 shows
draws.cache_clear = _draws.cache_clear  # type: ignore[attr-defined]


def _ratio(var: dict) -> float:
    a, b = var["score_function"], var["reparameterization"]
    return a / b if b else math.inf


@dataclass(frozen=True)
class ExplorerResult:
    """Everything one update shows; dicts keyed by estimator name.  estimates: (runs,), eq. (1)
    per run; mean, var, var_se: their Monte Carlo mean, variance and its standard error;
    exact_mean, exact_var: eq. (2); hist: (edges, densities); normal: (x, pdf); curve: exact_var
    on THETA_GRID."""

    theta: float
    sigma: float
    n: int
    runs: int
    seed: int
    gradient: float
    estimates: dict
    mean: dict
    var: dict
    var_se: dict
    exact_mean: dict
    exact_var: dict
    hist: dict
    normal: dict
    curve: dict
    ratio: float  # Monte Carlo variance ratio, score function / reparameterization
    exact_ratio: float  # exact variance ratio, the same for every N


def explore(objective: objectives.Objective | None = None, *, theta: float, sigma: float,
            n: int, runs: int, seed: int) -> ExplorerResult:
    """Both estimators on the cached draws for one slider setting; ``objective`` defaults to
    x^2.  ``TypeError``/``ValueError`` for bad input (sigma <= 0, n < 1, runs < 2, too big)."""
    objective = objectives.Square() if objective is None else objective
    theta = _checks.real_scalar("theta", theta)
    sigma = _checks.positive_scalar("sigma", sigma)
    eps = draws(n, runs, seed)
    out: dict[str, dict] = {key: {} for key in _PER_ESTIMATOR}
    rows = max(1, CHUNK // eps.shape[1])  # blocks of rows small enough for the CPU cache
    for name in NAMES:
        estimator = estimators.get(name)
        g = np.concatenate([estimator(objective, theta, sigma, eps[i:i + rows]).mean(axis=1)
                            for i in range(0, eps.shape[0], rows)]).astype(float)  # eq. (1)
        mean, var = float(g.mean()), float(g.var(ddof=1))
        exact_mean, per_sample = moments.estimator_moments(name, objective, theta, sigma)
        exact_var = per_sample / n  # eq. (2)
        sd = math.sqrt(exact_var) or 1e-3 * max(abs(exact_mean), 1.0)  # sd 0: a narrow spike
        edges = np.linspace(exact_mean - 4 * sd, exact_mean + 4 * sd, BINS + 1)
        x = np.linspace(edges[0], edges[-1], 161)
        out["estimates"][name], out["mean"][name], out["var"][name] = g, mean, var
        out["var_se"][name] = math.sqrt(max(float(np.mean((g - mean) ** 4)) - var**2, 0) / runs)
        out["exact_mean"][name], out["exact_var"][name] = exact_mean, exact_var
        out["hist"][name] = (edges, np.histogram(g, edges)[0] / (runs * (edges[1] - edges[0])))
        out["normal"][name] = (x, np.exp(-((x - exact_mean) / sd) ** 2 / 2)
                               / (sd * math.sqrt(2 * math.pi)))
        out["curve"][name] = moments.variance_function(name, objective)(THETA_GRID, sigma) / n
    return ExplorerResult(theta=theta, sigma=sigma, n=int(n), runs=int(runs), seed=int(seed),
                          gradient=float(objective.gradient(theta, sigma)), **out,
                          ratio=_ratio(out["var"]), exact_ratio=_ratio(out["exact_var"]))


def _rows(result: ExplorerResult) -> list[tuple]:
    """(key, label, MC mean, exact mean, MC variance, exact variance) per row of the readout."""
    rows = [(name, plotting.LABELS[name], result.mean[name], result.exact_mean[name],
             result.var[name], result.exact_var[name]) for name in NAMES]
    return rows + [("ratio", "ratio score / reparam", math.nan, math.nan, result.ratio,
                    result.exact_ratio)]


def _fmt(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.4g}"


def readout_text(result: ExplorerResult) -> str:
    """The readout as a plain-text table (printed in the notebook's static cell)."""
    _check_result(result)
    lines = [f"theta = {result.theta:g}, sigma = {result.sigma:g}, N = {result.n}, "
             f"runs = {result.runs}, true gradient = {result.gradient:.4g}",
             f"{'':22} {'mean':>10} {'exact':>10} {'variance':>10} {'exact':>10}"]
    lines += [f"{label:22} " + " ".join(f"{_fmt(v):>10}" for v in values)
              for _, label, *values in _rows(result)]
    return "\n".join(lines)


def readout_html(result: ExplorerResult) -> str:
    """The readout as HTML; each number sits in a cell with a stable ``data-key``, and each
    estimator's row starts with its colour (the figure's legend)."""
    _check_result(result)
    style = ("<style>.mcgrad-readout td, .mcgrad-readout th {padding: 0 0 0 0.6em; "
             "line-height: 1.3; text-align: right; font-variant-numeric: tabular-nums}"
             ".mcgrad-readout table {margin: 0.2em 0 0 0}"
             ".mcgrad-readout tr > th:first-child {text-align: left}</style>")
    cols = ("mean", "exact-mean", "var", "exact-var")
    swatch = {name: f'<span class="mcgrad-swatch" style="background:{plotting.color(name)}">'
              f"</span>" for name in NAMES}
    body = "".join(f"<tr><th>{swatch.get(key, '')}{html.escape(label)}</th>" + "".join(
        f'<td data-key="{col}-{key}">{_fmt(v)}</td>' for col, v in zip(cols, values)) + "</tr>"
        for key, label, *values in _rows(result))
    return (f'{style}<div data-key="settings">theta = {result.theta:g}, sigma = '
            f"{result.sigma:g}, N = {result.n}, runs = {result.runs}, seed = {result.seed}; "
            f"true gradient {result.gradient:.4g}</div><table><tr><th></th><th>mean</th>"
            f"<th>exact</th><th>variance</th><th>exact</th></tr>{body}</table>")


def _check_result(result: object) -> ExplorerResult:
    if not isinstance(result, ExplorerResult):
        raise TypeError(f"result must be an ExplorerResult from widgets.explore(...), "
                        f"got {type(result).__name__}")
    return result


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_of_ten(value: float, _pos: object = None) -> str:
    """Log-axis tick label as plain text (10⁻³), so no mathtext is parsed per draw."""
    if value <= 0:
        return ""
    k = round(math.log10(value))
    return {0: "1", 1: "10"}.get(k, "10" + str(k).translate(_SUPERSCRIPT))


class ExplorerFigure:
    """Two panels drawn once, then updated in place: sampling distributions, variance vs theta.

    Drawing is kept cheap for the live explorer: one ``stairs`` artist per histogram, artists
    moved in place, plain-text labels (no mathtext per draw), no minor ticks on the log axis,
    and the layout computed once here, never per update.  ``fig``: a matplotlib Figure;
    ``titles=False`` leaves the panel titles out (the live readout shows the settings).
    """

    def __init__(self, fig: Figure, result: ExplorerResult, *, titles: bool = True,
                 legends: bool = True) -> None:
        if not isinstance(fig, Figure):
            raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
        for name, value in (("titles", titles), ("legends", legends)):
            if not isinstance(value, bool):
                raise TypeError(f"{name} must be True or False, got {value!r}")
        _check_result(result)
        from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator

        self.fig, (self.ax_hist, self.ax_var) = fig, fig.subplots(1, 2)
        self.titles = titles
        black, self.artists = plotting.color("exact"), {}
        for name in NAMES:
            c, label = plotting.color(name), plotting.LABELS[name]
            self.artists[name] = {
                "stairs": self.ax_hist.stairs([0], [0, 1], fill=True, alpha=0.45, color=c,
                                              label=label),
                "normal": self.ax_hist.plot([], [], color=black, lw=1.2)[0],
                "curve": self.ax_var.plot(THETA_GRID, THETA_GRID, color=c,
                                          label=f"{label}, exact")[0],
                "point": self.ax_var.errorbar([0], [1], [0], fmt="o", color=c, mec=black,
                                              label="Monte Carlo")}
        self.artists[NAMES[0]]["normal"].set_label("normal approximation")
        self.truth = self.ax_hist.axvline(0, color=black, ls="--", label="true gradient")
        self.marker = self.ax_var.axvline(0, color="grey", ls=":")
        self.ax_var.set_yscale("log")
        self.ax_var.yaxis.set_minor_locator(NullLocator())
        self.ax_var.yaxis.set_major_formatter(FuncFormatter(_power_of_ten))
        self.ax_hist.xaxis.set_major_locator(MaxNLocator(5))
        self.ax_hist.yaxis.set_major_locator(MaxNLocator(4))
        self.update(result)
        plotting.decorate(self.ax_hist, xlabel="N-sample gradient estimate", ylabel="density",
                          legend=False)
        plotting.decorate(self.ax_var, xlabel="θ", ylabel="variance of the N-sample estimate",
                          legend=False)
        if legends:
            self.ax_hist.legend(loc="upper left", fontsize="small")
            self.ax_var.legend(loc="upper center", fontsize="small", ncols=2)
        else:  # the live explorer: the readout carries the legend; fewer lines to draw
            self.ax_hist.grid(False)
            self.ax_var.grid(False, axis="x")
        fig.tight_layout()
        fig.set_layout_engine(None)  # the layout is fixed now: no layout pass when drawing

    def update(self, result: ExplorerResult) -> None:
        """Move every artist to ``result``; no axes or artists are added."""
        _check_result(result)
        for name in NAMES:
            a, v, se = self.artists[name], result.var[name], result.var_se[name]
            a["stairs"].set_data(*result.hist[name][::-1])
            a["normal"].set_data(*result.normal[name])
            a["curve"].set_ydata(result.curve[name])
            line, _, (bars,) = a["point"].lines
            line.set_data([result.theta], [v])
            bars.set_segments([[(result.theta, max(v - se, v / 1e3)), (result.theta, v + se)]])
        self.truth.set_xdata([result.gradient] * 2)
        self.marker.set_xdata([result.theta] * 2)
        top = max(max(result.hist[k][1].max(), result.normal[k][1].max()) for k in NAMES)
        self.ax_hist.set(xlim=(min(result.hist[k][0][0] for k in NAMES),
                               max(result.hist[k][0][-1] for k in NAMES)), ylim=(0, 1.4 * top))
        curves = np.concatenate([result.curve[k] for k in NAMES])
        self.ax_var.set(xlim=(THETA_GRID[0], THETA_GRID[-1]),
                        ylim=(max(curves.min(), 1e-12) / 2, max(curves.max(), 1e-12) * 30))
        if self.titles:
            self.ax_hist.set_title(f"{result.runs} runs of N = {result.n}")
            self.ax_var.set_title(f"σ = {result.sigma:g}, θ = {result.theta:g}")

    def png(self) -> bytes:
        """The figure rendered to PNG bytes at the figure's own size and dpi."""
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png")
        return buf.getvalue()

    def svg(self) -> bytes:
        """The figure as SVG bytes: crisp at any displayed size; text stays text (smaller,
        faster) and the output is the same for the same figure (no date, fixed ids)."""
        buf = io.BytesIO()
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "mcgrad"}):
            self.fig.savefig(buf, format="svg", metadata={"Date": None})
        return buf.getvalue()


STATIC_WIDTH = 11.2  # inches: two panels at 100 dpi shown about 1:1 in a notebook cell


def _figsize() -> tuple[float, float]:
    """The static figure's size: a fixed width, so that lecture style's larger fonts show
    larger on screen (a wider figure would only be scaled down to the cell), and the height
    of the current style (read at call time: set_style("lecture") makes it taller)."""
    return STATIC_WIDTH, matplotlib.rcParams["figure.figsize"][1]


def plot(result: ExplorerResult) -> ExplorerFigure:
    """Draw ``result`` on a new pyplot figure (shown by ``plt.show()``); notebook 06."""
    _check_result(result)
    import matplotlib.pyplot as plt

    return ExplorerFigure(plt.figure(figsize=_figsize()), result)


SIZES = ("lecture", "notebook")
# Per size: the live figure's matplotlib settings and the controls' CSS font size.  The
# figure is drawn as SVG and scaled to the page width, so a 11.2 inch figure at 1280 px
# shows its 11 pt text at about 17 px and its 14 pt lecture text at about 21 px.
_FIGURE_RC = {
    "notebook": {"font.size": 11, "axes.labelsize": 11, "xtick.labelsize": 10,
                 "ytick.labelsize": 10, "legend.fontsize": 11, "lines.linewidth": 1.8,
                 "lines.markersize": 6},
    "lecture": {"font.size": 14, "axes.labelsize": 14, "xtick.labelsize": 13,
                "ytick.labelsize": 13, "legend.fontsize": 14, "lines.linewidth": 2.6,
                "lines.markersize": 8},
}
_LIVE_FIGSIZE = {"notebook": (11.2, 3.8), "lecture": (11.2, 4.0)}
_FONT_PX = {"notebook": 16, "lecture": 18}
# In the app (served by Voila, <body data-voila>) text grows with the screen: 1.25% of the
# viewport width, so 24 px at 1920 px wide, and never below the sizes above.
_APP_FONT_VW = 1.25
# Height of everything on the page except the figure (the title and prompt above the
# explorer, the controls and readout, margins), in em of the explorer's font: the figure
# shrinks to leave it free, at any font size.
_RESERVED_EM = {"notebook": 19.4, "lecture": 17.8}


def _css(size: str) -> str:
    """Scoped CSS for the live explorer (font sizes, control widths, figure size).

    Every number stays whole: slider readouts are wide enough for five digits and never
    clip, the readout table never shrinks below its content (the row of controls wraps
    instead), and sliders keep their length when the notebook is narrow."""
    rules = []
    for key in SIZES:
        font = _FONT_PX[key]
        rules.append(
            f".mcgrad-explorer.mcgrad-{key} {{--mcgrad-font: {font}px}}"
            f"body[data-voila] .mcgrad-explorer.mcgrad-{key} {{--mcgrad-font: "
            f"max({font}px, {_APP_FONT_VW}vw)}}"
            f".mcgrad-{key} .mcgrad-figure {{max-height: max(220px, calc(100vh - "
            f"{_RESERVED_EM[key]}em))}}")
    return ("<style>" + "".join(rules) +
            ".mcgrad-explorer {--jp-widgets-font-size: var(--mcgrad-font); "
            "--jp-widgets-inline-height: calc(1.75 * var(--mcgrad-font)); "
            "--jp-widgets-inline-label-width: calc(3.4 * var(--mcgrad-font)); "
            "font-size: var(--mcgrad-font)}"
            f"body[data-voila]:has(.mcgrad-explorer) .jp-RenderedMarkdown p {{font-size: "
            f"max(14px, {_APP_FONT_VW}vw)}}"
            ".mcgrad-explorer .widget-label, .mcgrad-explorer .widget-readout, "
            ".mcgrad-explorer .widget-toggle-button, .mcgrad-explorer .mcgrad-readout "
            "{font-size: var(--jp-widgets-font-size)}"
            ".mcgrad-explorer .widget-readout {min-width: 3.4em; width: auto; max-width: none;"
            " overflow: visible; text-overflow: clip}"
            ".mcgrad-explorer .widget-slider {width: 15em; flex: 0 0 auto}"
            ".mcgrad-explorer .mcgrad-readout {flex: 1 1 10em; min-width: min-content; "
            "margin-left: 0.5em}"
            ".mcgrad-explorer .mcgrad-readout .widget-html-content {white-space: normal}"
            ".mcgrad-explorer .mcgrad-readout td, .mcgrad-explorer .mcgrad-readout th "
            "{white-space: nowrap}"
            ".mcgrad-explorer .mcgrad-figure {width: 100%; height: auto; object-fit: contain;"
            " object-position: left top}"
            ".mcgrad-explorer .mcgrad-swatch {display: inline-block; width: 0.8em; "
            "height: 0.8em; margin-right: 0.4em; border-radius: 2px}"
            "</style>")


def _live_figure(result: ExplorerResult, size: str) -> ExplorerFigure:
    """The live explorer's figure for ``size``: fonts and lines from ``_FIGURE_RC``."""
    with matplotlib.rc_context({**plotting.BASE_RC, **_FIGURE_RC[size]}):
        return _LiveFigure(Figure(figsize=_LIVE_FIGSIZE[size]), result, size)


class _LiveFigure(ExplorerFigure):
    """An ExplorerFigure without titles or legends (the readout shows both) that renders
    under its own size's settings."""

    def __init__(self, fig: Figure, result: ExplorerResult, size: str) -> None:
        self.size = size
        super().__init__(fig, result, titles=False, legends=False)

    def svg(self) -> bytes:
        with matplotlib.rc_context({**plotting.BASE_RC, **_FIGURE_RC[self.size]}):
            return super().svg()  # ticks made while drawing get this size's fonts too


def build_explorer(objective: objectives.Objective | None = None, *, size: str | None = None):
    """Sliders, a lecture/notebook size switch, the readout (HTML, CSS class
    ``mcgrad-readout``) and the figure (SVG in an ``ipywidgets.Image``, class
    ``mcgrad-figure``, scaled to fit the window) in one VBox; notebook 06 and the app
    ``explorer-app.ipynb``.  ``size`` "lecture" or "notebook" (None: the style named by
    ``MCGRAD_STYLE``).  theta and sigma update while dragging (cached draws); N, runs and
    seed draw new noise, so update on release.  Slider classes: mcgrad-<key>."""
    size = plotting.style_from_environment() if size is None else _checks.choice(
        "size", size, SIZES)
    if objective is not None:
        _checks.objective("objective", objective)
    import ipywidgets as W

    once = {"continuous_update": False}
    sliders = {
        "theta": W.FloatSlider(min=-3.0, max=3.0, step=0.25, description="θ"),
        "sigma": W.FloatSlider(min=0.25, max=3.0, step=0.25, description="σ"),
        "n": W.SelectionSlider(options=N_CHOICES, description="N", **once),
        "runs": W.SelectionSlider(options=RUNS_CHOICES, description="runs", **once),
        "seed": W.IntSlider(min=0, max=9999, description="seed", **once)}
    for key, slider in sliders.items():
        slider.value = DEFAULTS[key]
        slider.add_class(f"mcgrad-{key}")
    switch = W.ToggleButtons(options=SIZES, value=size, description="size",
                             tooltips=("large text for a projector", "compact"),
                             style={"button_width": "6.5em"}).add_class("mcgrad-size")
    result = explore(objective, **DEFAULTS)
    state = {"figure": _live_figure(result, size), "result": result}
    image = W.Image(value=state["figure"].svg(), format="svg+xml").add_class("mcgrad-figure")
    readout = W.HTML(readout_html(result)).add_class("mcgrad-readout")

    def update(_change: object = None) -> None:
        new = explore(objective, **{key: s.value for key, s in sliders.items()})
        state["figure"].update(new)
        image.value = state["figure"].svg()  # the picture first, then the numbers
        readout.value = readout_html(new)
        state["result"] = new

    def resize(change: dict) -> None:
        box.remove_class(f"mcgrad-{change['old']}")
        box.add_class(f"mcgrad-{change['new']}")
        state["figure"] = _live_figure(state["result"], change["new"])
        image.value = state["figure"].svg()

    for slider in sliders.values():
        slider.observe(update, names="value")
    switch.observe(resize, names="value")
    keys = list(sliders)
    columns = [W.VBox([sliders[k] for k in keys[:3]]), W.VBox([*(sliders[k] for k in keys[3:]),
                                                               switch])]
    controls = W.HBox([W.HTML(_css(size)), *columns, readout],  # one row: readout beside
                      layout=W.Layout(flex_flow="row wrap", align_items="flex-start"))
    box = W.VBox([controls, image]).add_class("mcgrad-explorer").add_class(f"mcgrad-{size}")
    return box
