"""Sliders over two prompts, the group size and the estimator (notebook 13).

Two prompts with K = 4 answers each, answer 0 right, success probabilities q_1 and q_2
(:func:`mcgrad.group_baselines.logits_for`), one group of N answers per prompt.  For binary
rewards each prompt's expected update is parallel to its own gradient, so everything lives in
the plane spanned by the unit directions u_1, u_2 of the two prompts' gradients.
:func:`two_prompt_view` computes, in that plane, the true gradient of J = (q_1 + q_2)/2, the
exact expected update, its standard deviation along u_1 and u_2, the angle between the two,
and the exact distribution of the update projected on (u_1, u_2).  Because the three wrong
answers of a prompt are equally likely, that projection depends only on the numbers m_1, m_2 of
right answers in the two groups: (N + 1)^2 points with probabilities
Binomial(m_1; N, q_1) Binomial(m_2; N, q_2).  :func:`draw` plots a view; :func:`build` wires
the sliders to :func:`show`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mcgrad import _checks, plotting
from mcgrad import group_baselines as gb

K = 4
N_CHOICES = (2, 4, 8, 16, 32, 64)


@dataclass(frozen=True)
class TwoPromptView:
    """One state of the explorer; (2,) arrays are components along (u_1, u_2).  ``scales`` is
    c(q_j, N) and ``all_equal`` the probability q^N + (1 - q)^N of a zero GRPO signal;
    ``points`` (M, 2) are the possible projected updates and ``probs`` (M,) their probabilities."""

    q: tuple
    N: int
    estimator: str
    gradient: np.ndarray
    update: np.ndarray
    sd: np.ndarray
    angle: float
    scales: np.ndarray
    all_equal: np.ndarray
    points: np.ndarray
    probs: np.ndarray


def two_prompt_view(q1: float = 0.1, q2: float = 0.5, N: int = 8,
                    estimator: str = "grpo") -> TwoPromptView:
    """The exact expected update for two prompts against the true gradient (see module)."""
    _checks.choice("estimator", estimator, gb.ESTIMATORS)
    qs = tuple(_checks.real_scalar(name, q) for name, q in (("q1", q1), ("q2", q2)))
    for name, q in zip(("q1", "q2"), qs):
        if not 0.02 <= q <= 0.98:
            raise ValueError(f"{name} must be within [0.02, 0.98], got {q!r}")
    N = _checks.integer("N", N, minimum=2, maximum=max(N_CHOICES))
    logits = np.array([gb.logits_for(q, K) for q in qs])
    rewards = np.tile(np.eye(K)[0], (2, 1))
    grad = gb.objective_gradient(logits, rewards)
    units = grad / np.linalg.norm(grad, axis=1, keepdims=True)
    update = gb.expected_update(estimator, logits, rewards, N)
    sd = [np.sqrt(u @ gb.gradient_covariance(estimator, t, rewards[0], N) @ u) / 2
          for u, t in zip(units, logits)]
    m = np.arange(N + 1)
    groups = np.where(np.arange(N)[None, :] < m[:, None], 0, 1)  # m right, N - m wrong
    values = [gb.group_updates(groups, t, rewards[0])[estimator] @ u / 2
              for u, t in zip(units, logits)]  # (N + 1,) per prompt: depends on m only
    pmf = [np.array([math.comb(N, k) * q**k * (1 - q) ** (N - k) for k in m]) for q in qs]
    points = np.column_stack([np.repeat(values[0], N + 1), np.tile(values[1], N + 1)])
    probs = np.outer(pmf[0], pmf[1]).ravel()
    scales = np.array([gb.scale(estimator, q, N) for q in qs])
    return TwoPromptView(qs, N, estimator, np.sum(grad * units, axis=1),
                         np.sum(update * units, axis=1), np.array(sd),
                         gb.angle(update, grad), scales,
                         np.array([q**N + (1 - q) ** N for q in qs]), points, probs)


def draw(view: TwoPromptView):
    """Plot a view: the possible updates (area ~ probability), the 1-SD box, the expected
    update and the gradient."""
    import matplotlib.pyplot as plt

    if not isinstance(view, TwoPromptView):
        raise TypeError(f"view must be a TwoPromptView (from two_prompt_view), got "
                        f"{type(view).__name__}")
    colour = plotting.COLORS[gb.COLOR_KEYS[view.estimator]]
    black = plotting.COLORS["exact"]
    fig, ax = plt.subplots(figsize=(6.4, 5.2))
    keep = view.probs > 1e-4
    ax.scatter(*view.points[keep].T, s=170 * (view.N + 1) * view.probs[keep], alpha=0.35, color=colour,
               edgecolors="none", label="possible updates (area ~ probability)")
    lo, hi = view.update - view.sd, view.update + view.sd
    ax.plot([lo[0], hi[0], hi[0], lo[0], lo[0]], [lo[1], lo[1], hi[1], hi[1], lo[1]],
            color=colour, lw=1, ls="--", label="expected update ± 1 SD")
    for vec, c, lw, name in (
            (view.update, colour, 3.0, f"expected update, {gb.LABELS[view.estimator]}"),
            (view.gradient, black, 1.6, r"true gradient $\nabla J$")):
        ax.annotate("", xy=vec, xytext=(0, 0),
                    arrowprops={"arrowstyle": "-|>", "color": c, "lw": lw})
        ax.plot([], [], color=c, lw=lw, label=name)
    reach = max(np.max(np.abs(view.points[keep])), np.max(np.abs(hi)),
                np.max(view.gradient))
    ax.set_xlim(-0.1 * reach, 1.1 * reach)
    ax.set_ylim(-0.1 * reach, 1.1 * reach)
    ax.set_aspect("equal")
    plotting.decorate(ax, xlabel=f"along prompt 1's gradient ($q_1 = {view.q[0]:.2f}$)",
                      ylabel=f"along prompt 2's gradient ($q_2 = {view.q[1]:.2f}$)",
                      title=f"{gb.LABELS[view.estimator]}, $N = {view.N}$: angle "
                            f"{view.angle:.1f}°")
    ax.legend(loc="lower right", fontsize="small")
    return ax


def show(q1: float = 0.1, q2: float = 0.5, N: int = 8, estimator: str = "grpo") -> TwoPromptView:
    """Compute, draw and print one state; the function the sliders call."""
    import matplotlib.pyplot as plt

    view = two_prompt_view(q1, q2, N, estimator)
    draw(view)
    plt.show()
    print(f"angle {view.angle:.2f} deg; c(q1, N) = {view.scales[0]:.3f}, "
          f"c(q2, N) = {view.scales[1]:.3f}; P(all equal) = {view.all_equal[0]:.3f}, "
          f"{view.all_equal[1]:.3f}")
    return view


def build(q1: float = 0.1, q2: float = 0.5, N: int = 8, estimator: str = "grpo"):
    """The live explorer: sliders for q_1, q_2 and N and an estimator menu, wired to :func:`show`."""
    import ipywidgets as widgets

    two_prompt_view(q1, q2, N, estimator)  # validates the starting state
    if N not in N_CHOICES:
        raise ValueError(f"N must be one of {N_CHOICES} for the slider, got {N}")
    slider = {"min": 0.02, "max": 0.98, "step": 0.02, "continuous_update": False}
    controls = {
        "q1": widgets.FloatSlider(value=q1, description="q₁", **slider),
        "q2": widgets.FloatSlider(value=q2, description="q₂", **slider),
        "N": widgets.SelectionSlider(options=N_CHOICES, value=N, description="N",
                                     continuous_update=False),
        "estimator": widgets.Dropdown(options=[(gb.LABELS[e], e) for e in gb.ESTIMATORS],
                                      value=estimator, description="estimator"),
    }
    out = widgets.interactive_output(lambda **kw: show(**kw) and None, controls)
    return widgets.VBox([widgets.HBox(list(controls.values())[:2]),
                         widgets.HBox(list(controls.values())[2:]), out])
