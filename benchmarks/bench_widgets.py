"""Timing of the explorer's update (notebook 06): does a slider move feel live?

Prints the median time of ``mcgrad.widgets.explore`` for theta moves (cached
draws, common random numbers) at the default settings and at the largest the
sliders allow (runs x N = 10^7), against targets of 100 ms and 300 ms, the cost
of a move that needs new draws (N, runs or seed), and of redrawing the figure.
Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_widgets.py``.
"""

from __future__ import annotations

import statistics
import time

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from mcgrad import plotting, widgets  # noqa: E402

THETAS = np.linspace(-3.0, 3.0, 13)


def median_ms(fn, args_list) -> float:
    times = []
    for args in args_list:
        start = time.perf_counter()
        fn(**args)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    plotting.set_style()
    widgets.explore(**widgets.DEFAULTS)  # warm up: SymPy derivations, lambdify, first draws
    cases = {"default": widgets.DEFAULTS,
             "largest": {**widgets.DEFAULTS, "n": max(widgets.N_CHOICES),
                         "runs": max(widgets.RUNS_CHOICES)}}
    targets = {"default": 100.0, "largest": 300.0}
    for label, base in cases.items():
        widgets.draws(base["n"], base["runs"], base["seed"])  # cached, as after the first move
        move = median_ms(widgets.explore, [{**base, "theta": float(t)} for t in THETAS])
        cold = median_ms(widgets.explore, [{**base, "seed": s} for s in range(100, 105)])
        target = targets[label]
        print(f"{label:8} runs x N = {base['runs'] * base['n']:>10,}: theta move {move:7.1f} ms "
              f"(target {target:.0f} ms, {move / target:.2f} of it); move with new draws "
              f"{cold:7.1f} ms ({cold / move:.1f} x a theta move)")
    result = widgets.explore(**widgets.DEFAULTS)
    figure = widgets.ExplorerFigure(Figure(figsize=(11.2, 4.0)), result)

    def redraw(theta: float) -> None:
        figure.update(widgets.explore(**{**widgets.DEFAULTS, "theta": theta}))
        figure.png()

    total = median_ms(redraw, [{"theta": float(t)} for t in THETAS])
    print(f"figure: update + PNG render per theta move at the defaults {total:7.1f} ms")


if __name__ == "__main__":
    main()
