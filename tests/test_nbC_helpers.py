"""Unit tests for the helpers added for notebooks 07 and 08."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mcgrad import objectives, optimize, plotting  # noqa: E402

NAMES = ("score_function", "reparameterization")


def _runs(lr, N=1):
    f = objectives.Square()
    eps = optimize.draw_noise(np.random.default_rng(1), 50, 30, N)
    runs = {n: optimize.sgd(f, n, 3.0, 1.0, lr, eps) for n in NAMES}
    paths = {n: optimize.expected_path(f, n, 3.0, 1.0, lr, N, 30) for n in NAMES}
    return runs, paths


def test_distance_panels_legend_lists_only_drawn_items():
    runs, paths = _runs(0.45)  # many score-function runs diverge, the bound is infinite
    assert runs["score_function"].diverged.any()
    fig = plotting.distance_panels(runs, paths, "(test)")
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert len(fig.legends) == 1 and len(set(labels)) == len(labels)
    assert all(ax.get_legend() is None for ax in fig.axes)
    # no Monte Carlo point outside the axis range
    for ax in fig.axes:
        for line in ax.lines:
            y = np.asarray(line.get_ydata(), dtype=float)
            if line.get_marker() == "o":
                assert np.all((y > 1e-3) & (y < 1e3))
    plt.close(fig)


def test_distance_panels_converging_runs_show_exact_line():
    runs, paths = _runs(0.1, 4)
    fig = plotting.distance_panels(runs, paths)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("exact" in s for s in labels) and any("Monte Carlo" in s for s in labels)
    plt.close(fig)


@pytest.mark.parametrize("kwargs, err", [
    (dict(runs={}, paths={}), TypeError),
    (dict(runs="x", paths={}), TypeError),
    (dict(ylim=(1.0, 0.5)), ValueError),
    (dict(ylim=(-1.0, 10.0)), ValueError),
])
def test_distance_panels_bad_input(kwargs, err):
    runs, paths = _runs(0.1)
    args = dict(runs=runs, paths=paths) | kwargs
    with pytest.raises(err):
        plotting.distance_panels(args.pop("runs"), args.pop("paths"), **args)
    plt.close("all")


def test_distance_panels_unknown_name():
    runs, paths = _runs(0.1)
    with pytest.raises(ValueError, match="runs key"):
        plotting.distance_panels({"nope": runs[NAMES[0]]}, {"nope": paths[NAMES[0]]})


def test_batch_coefficients_match_sample_coefficient():
    from mcgrad import baselines

    rng = np.random.default_rng(3)
    h = rng.standard_normal((5, 6))
    g = 2.0 + 7.0 * h + rng.standard_normal((5, 6))
    c = baselines.batch_coefficients(g, h)
    assert np.allclose(c, [baselines.sample_coefficient(g[r], h[r]) for r in range(5)])
    loo = baselines.batch_coefficients(g, h, leave_one_out=True)
    for r in range(5):
        for i in range(6):
            keep = np.arange(6) != i
            assert np.isclose(loo[r, i], baselines.sample_coefficient(g[r, keep], h[r, keep]))


@pytest.mark.parametrize("g, h, kw, err", [
    (np.ones((2, 3)), np.ones((2, 4)), {}, ValueError),
    (np.ones(3), np.ones(3), {}, ValueError),
    (np.ones((2, 2)), np.arange(4.0).reshape(2, 2), {"leave_one_out": True}, ValueError),
    (np.ones((2, 3)), np.ones((2, 3)), {}, ValueError),
    (np.ones((2, 3)), np.arange(6.0).reshape(2, 3), {"leave_one_out": 1}, TypeError),
    ("a", np.ones((2, 3)), {}, TypeError),
])
def test_batch_coefficients_bad_input(g, h, kw, err):
    from mcgrad import baselines

    with pytest.raises(err):
        baselines.batch_coefficients(g, h, **kw)
