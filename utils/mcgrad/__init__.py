"""mcgrad: helpers for the notebooks on gradient estimation of expectations.

The notebooks in ``notebooks/`` derive each idea first and then import the
finished helper from here.  Importing the package has no side effects: it does
not touch matplotlib's rcParams or any random state (call
:func:`mcgrad.plotting.set_style` for the figure style).

Modules
-------
objectives   test functions f with exact Gaussian expectations and gradients
estimators   per-sample score-function and reparameterization gradient terms
plotting     the shared figure style, ``decorate()`` and estimator colours
exercises    answer checkers used by the notebooks' exercises
"""

from mcgrad import estimators, exercises, objectives, plotting

__all__ = ["estimators", "exercises", "objectives", "plotting"]
__version__ = "0.1.0"
