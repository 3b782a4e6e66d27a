"""mcgrad.plotting: no import side effects, styles, decorate()."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from mcgrad import plotting  # noqa: E402


def test_import_has_no_side_effects():
    code = ("import matplotlib as mpl; before = dict(mpl.rcParams); import mcgrad, "
            "mcgrad.plotting; assert dict(mpl.rcParams) == before; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_lecture_style_is_larger():
    plotting.set_style("notebook")
    small = matplotlib.rcParams["font.size"], matplotlib.rcParams["lines.linewidth"]
    plotting.set_style("lecture")
    large = matplotlib.rcParams["font.size"], matplotlib.rcParams["lines.linewidth"]
    plotting.set_style("notebook")
    assert large[0] > small[0] and large[1] > small[1]


def test_bad_style():
    with pytest.raises(ValueError, match="style must be one of"):
        plotting.set_style("seaborn-whitegrid")


def test_one_colour_per_estimator():
    assert plotting.color("score_function") != plotting.color("reparameterization")
    assert plotting.color("exact") == "#000000"
    with pytest.raises(ValueError, match="name must be one of"):
        plotting.color("reinforce")


def test_decorate_legend_only_when_labelled():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    plotting.decorate(ax, xlabel="N", ylabel="variance", yscale="log")
    assert ax.get_legend() is None
    assert ax.get_xlabel() == "N" and ax.get_yscale() == "log"
    ax.plot([0, 1], [1, 0], label="exact")
    plotting.decorate(ax)
    assert ax.get_legend() is not None
    plt.close(fig)


def test_notebook_style_after_lecture_restores_every_size():
    """Switching back from lecture to notebook style leaves no lecture size behind."""
    import matplotlib as mpl

    plotting.set_style("notebook")
    before = {k: mpl.rcParams[k] for k in plotting._LECTURE}
    plotting.set_style("lecture")
    plotting.set_style("notebook")
    assert {k: mpl.rcParams[k] for k in plotting._LECTURE} == before
