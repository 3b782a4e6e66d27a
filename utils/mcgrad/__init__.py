"""mcgrad: helpers for the notebooks on gradient estimation of expectations.

The notebooks in ``notebooks/`` derive each idea first and then import the
finished helper from here.  Importing the package has no side effects: it does
not touch matplotlib's rcParams or any random state (call
:func:`mcgrad.plotting.set_style` for the figure style), and ipywidgets is only
imported when an explorer is built.

Modules (and the notebook that introduces each)
-----------------------------------------------
objectives    test functions f with exact Gaussian expectations and gradients (01)
estimators    per-sample score-function and reparameterization terms, one signature (02, 03)
moments       exact SymPy means and variances of the estimators (04)
experiment    the chunked, threaded, reproducible Monte Carlo variance experiment (05)
widgets       the pure update function and ipywidgets wiring of the explorer (06)
optimize      stochastic gradient descent with each estimator (07)
baselines     baselines, antithetic pairs and control variates (08)
quadrature    quadrature rules for integrands with jumps or sharp transitions (09)
relaxations   the sigmoid-smoothed step and exact moments by quadrature (09)
discrete      a Bernoulli variable: score function and binary concrete relaxation (09)
policies      the tanh-squashed Gaussian policy and its stable log-density (10)
families      exact variances of three estimators for three cost families (11)
dimension     how the estimators' variances grow with the dimension D (11)
family_explorer  sliders over k and the cost family (11)
group_baselines  REINFORCE, group mean, RLOO and GRPO: exact bias and variance by enumeration (13)
group_sequences  answers as token sequences: length averaging and GRPO (13)
group_explorer   sliders over two prompts, the group size and the estimator (13)
plotting      the shared figure style, ``decorate()`` and estimator colours
exercises     answer checkers used by the notebooks' exercises (one module per notebook)
stats         standard errors of a Monte Carlo mean and of a sample variance (03)
"""

from mcgrad import (
    baselines,
    discrete,
    dimension,
    estimators,
    exercises,
    families,
    family_explorer,
    group_baselines,
    group_explorer,
    group_sequences,
    stats,
    experiment,
    moments,
    objectives,
    optimize,
    plotting,
    policies,
    quadrature,
    relaxations,
    widgets,
)

__all__ = [
    "baselines",
    "discrete",
    "dimension",
    "estimators",
    "exercises",
    "families",
    "family_explorer",
    "group_baselines",
    "group_explorer",
    "group_sequences",
    "stats",
    "experiment",
    "moments",
    "objectives",
    "optimize",
    "plotting",
    "policies",
    "quadrature",
    "relaxations",
    "widgets",
]
__version__ = "0.1.0"
