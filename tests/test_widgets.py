"""mcgrad.widgets: the explorer's pure update function, its draw cache and its wiring.

Exact values are checked against eq. (3) of notebook 06 (the per-sample
variances of f = x^2).  Statistical checks use a fixed seed and 5 exact
standard errors; the exact moments of the per-sample terms come from
Gauss-Hermite quadrature of the estimators' own terms, independent of
mcgrad.moments.
"""

import math
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mcgrad import estimators, moments, objectives, plotting, widgets  # noqa: E402

F = objectives.Square()
NODES, WEIGHTS = np.polynomial.hermite_e.hermegauss(60)
WEIGHTS = WEIGHTS / math.sqrt(2 * math.pi)
Z = 5.0  # standard errors


def exact_var(name, theta, sigma):
    """Eq. (3): the per-sample variances for f = x^2."""
    if name == "score_function":
        return (theta**4 + 14 * theta**2 * sigma**2 + 15 * sigma**4) / sigma**2
    return 4 * sigma**2


def settings(**changes):
    return {**widgets.DEFAULTS, **changes}


@pytest.mark.parametrize("theta,sigma,n", [(2.0, 1.0, 100), (0.0, 1.0, 1), (-1.5, 0.25, 20),
                                           (3.0, 3.0, 5)])
def test_exact_values(theta, sigma, n):
    r = widgets.explore(F, **settings(theta=theta, sigma=sigma, n=n, runs=100))
    assert r.gradient == 2 * theta
    for name in widgets.NAMES:
        assert r.exact_mean[name] == pytest.approx(2 * theta, abs=1e-12)
        assert r.exact_var[name] == pytest.approx(exact_var(name, theta, sigma) / n, rel=1e-12)
        np.testing.assert_allclose(r.curve[name], exact_var(name, widgets.THETA_GRID, sigma) / n,
                                   rtol=1e-12)
    ratio = exact_var("score_function", theta, sigma) / (4 * sigma**2)  # eq. (3) over eq. (3)
    assert r.exact_ratio == pytest.approx(ratio)


def test_the_running_example_and_the_gap_at_zero():
    r = widgets.explore(**widgets.DEFAULTS)  # theta 2, sigma 1, N 100, default objective x^2
    assert (r.exact_var["score_function"], r.exact_var["reparameterization"]) == pytest.approx(
        (0.87, 0.04))
    assert r.exact_ratio == pytest.approx(21.75)
    for sigma in (0.25, 1.0, 3.0):
        at_zero = widgets.explore(**settings(theta=0.0, sigma=sigma))
        assert at_zero.exact_ratio == pytest.approx(3.75)


def test_estimates_are_the_estimators_on_the_cached_draws():
    r = widgets.explore(F, **settings(theta=-0.75, sigma=1.5))
    eps = widgets.draws(r.n, r.runs, r.seed)
    for name in widgets.NAMES:
        expected = estimators.get(name)(F, -0.75, 1.5, eps).mean(axis=1, dtype=np.float64)
        # float32 sums inside explore, float64 here
        np.testing.assert_allclose(r.estimates[name], expected, rtol=1e-5, atol=1e-5)
        assert r.estimates[name].shape == (r.runs,)
        assert r.mean[name] == pytest.approx(expected.mean())
        assert r.var[name] == pytest.approx(expected.var(ddof=1))
    assert r.ratio == r.var["score_function"] / r.var["reparameterization"]


def quadrature_moments(name, theta, sigma):
    terms = estimators.get(name)(F, theta, sigma, NODES)
    mean = float(np.sum(WEIGHTS * terms))
    central = terms - mean
    return mean, float(np.sum(WEIGHTS * central**2)), float(np.sum(WEIGHTS * central**4))


@pytest.mark.parametrize("theta,sigma,n", [(2.0, 1.0, 100), (0.5, 2.0, 10), (-2.5, 0.5, 1000)])
def test_monte_carlo_within_exact_standard_errors(theta, sigma, n):
    runs = 1000
    r = widgets.explore(F, theta=theta, sigma=sigma, n=n, runs=runs, seed=20261127)
    for name in widgets.NAMES:
        mean, var, m4 = quadrature_moments(name, theta, sigma)
        v = var / n  # Var[g_N]
        assert abs(r.mean[name] - mean) < Z * math.sqrt(v / runs)
        mu4 = (m4 + 3 * (n - 1) * var**2) / n**3  # fourth central moment of g_N
        se_var = math.sqrt((mu4 - (runs - 3) / (runs - 1) * v**2) / runs)
        assert abs(r.var[name] - v) < Z * se_var
        assert r.var_se[name] == pytest.approx(se_var, rel=0.5)  # its estimate, roughly


def test_draws_are_cached_read_only_float32():
    widgets.draws.cache_clear()
    a = widgets.draws(50, 100, 7)
    assert a is widgets.draws(50, 100, 7)
    assert a.shape == (100, 50) and a.dtype == np.float32 and not a.flags.writeable
    with pytest.raises(ValueError):
        a[0, 0] = 1.0
    assert widgets.draws.cache_info().misses == 1 and widgets.draws.cache_info().hits == 1
    assert not np.array_equal(a, widgets.draws(50, 100, 8))
    expected = np.random.default_rng(7).standard_normal((100, 50), dtype=np.float32)
    np.testing.assert_array_equal(a, expected)


def test_moving_theta_or_sigma_draws_nothing_new(monkeypatch):
    """Common random numbers: after the first update, theta and sigma moves reuse eps."""
    widgets.draws.cache_clear()
    first = widgets.explore(F, **settings(theta=2.0))
    eps = widgets.draws(first.n, first.runs, first.seed)

    def no_sampling(*args, **kwargs):
        raise AssertionError("a theta or sigma move must not draw new noise")

    monkeypatch.setattr(np.random, "default_rng", no_sampling)
    for theta, sigma in [(0.0, 1.0), (-3.0, 2.5), (1.25, 0.25)]:
        r = widgets.explore(F, **settings(theta=theta, sigma=sigma))
        # reparameterization terms of x^2 are 2x = 2(theta + sigma*eps): same eps in every run
        np.testing.assert_allclose(r.estimates["reparameterization"],
                                   2 * (theta + sigma * eps.mean(axis=1, dtype=np.float64)),
                                   rtol=1e-5, atol=1e-5)
    assert widgets.draws.cache_info().misses == 1


def test_same_inputs_same_result():
    a = widgets.explore(F, **settings(seed=3))
    b = widgets.explore(F, **settings(seed=3))
    c = widgets.explore(F, **settings(seed=4))
    np.testing.assert_array_equal(a.estimates["score_function"], b.estimates["score_function"])
    assert a.mean == b.mean and a.var == b.var
    assert a.mean != c.mean


@pytest.mark.parametrize("change,error,match", [
    ({"theta": float("nan")}, ValueError, "theta must be finite"),
    ({"theta": "2"}, TypeError, "theta must be a real number"),
    ({"sigma": 0.0}, ValueError, "sigma must be > 0"),
    ({"sigma": -1.0}, ValueError, "sigma must be > 0"),
    ({"n": 0}, ValueError, "n must be >= 1"),
    ({"n": 2.5}, TypeError, "n must be an integer"),
    ({"n": True}, TypeError, "n must be an integer"),
    ({"n": 1, "runs": True}, TypeError, "runs must be an integer"),
    ({"runs": 1}, ValueError, "runs must be >= 2"),
    ({"seed": -1}, ValueError, "seed must be >= 0"),
    ({"seed": None}, TypeError, "seed must be an integer"),
])
def test_bad_inputs(change, error, match):
    # with n=1 cached, n=True must still fail (the cache keys on type too)
    widgets.draws(1, widgets.DEFAULTS["runs"], widgets.DEFAULTS["seed"])
    with pytest.raises(error, match=match):
        widgets.explore(F, **settings(**change))


def test_too_large_request_names_the_budget():
    widgets.explore(F, **settings(n=10_000, runs=1000))  # the largest the sliders allow
    with pytest.raises(ValueError, match=r"10,010,000 draws exceeds .* budget of 10,000,000"):
        widgets.explore(F, **settings(n=10_000, runs=1001))
    with pytest.raises(ValueError, match="budget"):
        widgets.draws(10**6, 10**6, 0)


def test_bad_objectives():
    with pytest.raises(TypeError, match="objective must be"):
        widgets.explore("x^2", **widgets.DEFAULTS)
    with pytest.raises(TypeError, match="no derivative"):
        widgets.explore(objectives.Step(), **widgets.DEFAULTS)


def test_readouts_show_formatted_numbers_with_stable_keys():
    r = widgets.explore(**widgets.DEFAULTS)
    text = widgets.readout_text(r)
    assert "np.float64" not in text and "21.75" in text and "0.87" in text
    page = widgets.readout_html(r)
    assert 'data-key="exact-var-score_function">0.87<' in page
    assert 'data-key="exact-var-reparameterization">0.04<' in page
    assert 'data-key="exact-var-ratio">21.75<' in page
    assert "theta = 2, sigma = 1, N = 100," in page


def test_figure_updates_in_place():
    from matplotlib.figure import Figure

    r = widgets.explore(**widgets.DEFAULTS)
    fig = widgets.ExplorerFigure(Figure(), r)
    count = [len(ax.get_children()) for ax in fig.fig.axes]
    fig.update(widgets.explore(**settings(theta=-1.0, sigma=2.0)))
    assert [len(ax.get_children()) for ax in fig.fig.axes] == count
    assert fig.ax_var.get_yscale() == "log"
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.fig.axes)
    assert fig.png().startswith(b"\x89PNG")


def test_explorer_wiring_updates_the_readout():
    box = widgets.build_explorer()
    controls, image = box.children
    assert "mcgrad-figure" in image._dom_classes
    leaves = []

    def walk(widget):  # the controls sit in nested boxes; collect the leaf widgets
        for child in getattr(widget, "children", ()):
            (walk if hasattr(child, "children") else leaves.append)(child)

    walk(controls)
    sliders = {s.description: s for s in leaves if hasattr(s, "description")}
    (readout,) = [w for w in leaves if "mcgrad-readout" in w._dom_classes]
    assert "theta = 2, sigma = 1, N = 100," in readout.value
    sliders["θ"].value = 0.0
    sliders["N"].value = 1000
    assert "theta = 0, sigma = 1, N = 1000," in readout.value
    var = moments.estimator_moments("score_function", F, 0.0, 1.0)[1] / 1000
    assert f'data-key="exact-var-score_function">{var:.4g}<' in readout.value
    assert sliders["N"].options == widgets.N_CHOICES
    assert (sliders["θ"].min, sliders["θ"].max) == (-3.0, 3.0)


def test_import_has_no_side_effects():
    code = ("import matplotlib as mpl; before = dict(mpl.rcParams); import mcgrad.widgets, sys; "
            "assert dict(mpl.rcParams) == before; assert 'ipywidgets' not in sys.modules; "
            "print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def _on_screen_sizes(style: str, cell_px: float) -> dict[str, float]:
    """Font sizes (px on screen) of 06's static picture shown in a cell ``cell_px`` wide:
    a wider figure is scaled down to the cell, so only a fixed width lets larger fonts show."""
    import matplotlib.pyplot as plt

    plotting.set_style(style)
    try:
        figure = widgets.plot(widgets.explore(**widgets.DEFAULTS))
        fig = figure.fig
        scale = min(1.0, cell_px / (fig.get_figwidth() * fig.dpi))
        px = fig.dpi / 72 * scale
        return {"tick": figure.ax_hist.xaxis.get_ticklabels()[0].get_fontsize() * px,
                "label": figure.ax_hist.xaxis.label.get_fontsize() * px,
                "legend": figure.ax_hist.get_legend().get_texts()[0].get_fontsize() * px}
    finally:
        plt.close("all")
        plotting.set_style("notebook")


@pytest.mark.parametrize("cell_px", [800, 1000, 1200])
def test_lecture_style_enlarges_the_static_picture_on_screen(cell_px):
    """Lecture style shows the static picture's ticks, labels and legend at least 1.2 times
    larger than notebook style, in a notebook cell 800 to 1200 px wide."""
    lecture, notebook = _on_screen_sizes("lecture", cell_px), _on_screen_sizes("notebook", cell_px)
    for key in lecture:
        assert lecture[key] >= 1.2 * notebook[key], (cell_px, key, lecture, notebook)
