"""What the package does differently in the browser runtime (Pyodide), checked natively.

Pyodide (``sys.platform == "emscripten"``) cannot start threads, so the experiment engine
runs its blocks serially there; its results must be the very same numbers as with threads.
"""

import numpy as np

from mcgrad import experiment, objectives


def _run(threads):
    return experiment.variance_experiment(objectives.Square(), 1.0, 1.0, [10, 100], 300,
                                          np.random.default_rng(7), threads=threads,
                                          max_bytes=2**16)


def test_serial_fallback_gives_the_threaded_numbers(monkeypatch):
    pools = []
    real_pool = experiment.ThreadPoolExecutor
    monkeypatch.setattr(experiment, "ThreadPoolExecutor",
                        lambda *a, **k: pools.append(k) or real_pool(*a, **k))
    threaded = _run(threads=2)
    assert pools == [{"max_workers": 2}], "the reference run must use two threads"
    monkeypatch.setattr(experiment, "CAN_START_THREADS", False)
    started = []
    monkeypatch.setattr(experiment, "ThreadPoolExecutor",
                        lambda *a, **k: started.append(a) or (_ for _ in ()).throw(RuntimeError))
    serial = _run(threads=2)
    assert not started, "a thread pool was started where threads cannot start"
    for key in ("mean", "var", "var_se"):
        for name in getattr(threaded, key):
            assert np.array_equal(getattr(serial, key)[name], getattr(threaded, key)[name]), (key, name)


def test_the_flag_follows_the_platform():
    import sys
    assert experiment.CAN_START_THREADS == (sys.platform != "emscripten")
