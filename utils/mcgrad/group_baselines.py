"""Group baselines for the score-function estimator: REINFORCE, RLOO and GRPO (notebook 13).

Setting: a softmax policy pi = softmax(theta) over K answers (logits theta, shape (K,)), a
reward f(a) per answer (``rewards``, shape (K,)) and the score s(a) = e_a - pi.  A group of N
answers a_1..a_N is drawn i.i.d. from pi; with f_i = f(a_i), s_i = s(a_i) every estimator is

    g_hat = (1/N) sum_i A_i s_i                                                 (1)

with the advantage A_i of ``estimator``:

    "reinforce"   A_i = f_i
    "group_mean"  A_i = f_i - fbar,                 fbar = (1/N) sum_j f_j    (Dr. GRPO)
    "rloo"        A_i = f_i - (N fbar - f_i) / (N - 1) = N/(N-1) (f_i - fbar)
    "grpo"        A_i = (f_i - fbar) / (std + GRPO_EPS),
                  std = sqrt(sum_j (f_j - fbar)^2 / (N - 1)),  GRPO_EPS = 1e-4.

GRPO follows Hugging Face TRL's ``GRPOTrainer`` (trl/trainer/grpo_trainer.py, commit f2cd577,
v1.9): with its default ``scale_rewards="group"`` the advantage is
``(rewards - mean) / (std + 1e-4)`` with the mean and std of each group, the std from
``trl.trainer.utils.nanstd``, which applies Bessel's correction (the sample std, N - 1); a
group whose rewards are all equal gets A_i = 0.  ``scale_rewards="none"`` (Dr. GRPO, Liu et al.
2025) drops the division: that is "group_mean".  On the first step of an update (importance
ratio 1, no KL term) the gradient of TRL's loss is minus (1).

Exact moments (no Monte Carlo).  A_i depends on the group only through the counts m_l of each
distinct reward value v_l (the "levels", l = 1..L; L = 2 for binary rewards).  Given m, the
answers at level l are i.i.d. from rho_l = pi restricted to level l and renormalised, so with
M_l = E_rho_l[s] and C_l = Cov_rho_l[s]

    E[g_hat | m] = (1/N) sum_l A_l(m) m_l M_l,  Cov[g_hat | m] = (1/N^2) sum_l A_l(m)^2 m_l C_l,

and m ~ Multinomial(N, P), P_l = pi(level l): a sum over the C(N + L - 1, L - 1) compositions of
N (N + 1 for binary rewards), with the laws of total expectation and covariance.

Limits: 2 <= K <= K_MAX; 2 <= N <= N_MAX; max(theta) - min(theta) <= LOGIT_SPREAD (so that
every pi_a > 0 in float64); |f| <= REWARD_MAX; compositions * L <= MAX_TERMS.  Results are
accurate to about 1e-12 relative to max|f|.
"""

from __future__ import annotations

import math

import numpy as np

from mcgrad import _checks

ESTIMATORS = ("reinforce", "group_mean", "rloo", "grpo")
LABELS = {"reinforce": "REINFORCE", "group_mean": "group mean (Dr. GRPO)",
          "rloo": "RLOO", "grpo": "GRPO"}
COLOR_KEYS = {"reinforce": "score_function", "group_mean": "other", "rloo": "baseline",
              "grpo": "measure_valued"}  # keys of mcgrad.plotting.COLORS
MARKERS = {"reinforce": "o", "group_mean": "s", "rloo": "^", "grpo": "D"}
GRPO_EPS = 1e-4
K_MAX, N_MAX = 512, 4096
LOGIT_SPREAD, REWARD_MAX = 50.0, 1e6
MAX_TERMS = 4_000_000  # compositions * levels held in memory: about 32 MB of float64
MAX_DRAWS = 4_000_000  # groups * N (and groups * K) for sample()


# ---- input checks ---------------------------------------------------------------------------

def _vector(name: str, value: object, ndim: int = 1) -> np.ndarray:
    arr = _checks.real_array(name, value).astype(np.float64)
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-d array, got shape {arr.shape}")
    if not 2 <= arr.shape[-1] <= K_MAX:
        raise ValueError(f"{name} must hold K answers with 2 <= K <= {K_MAX}, got shape "
                         f"{arr.shape}")
    return arr


def _check_logits(logits: object, ndim: int = 1) -> np.ndarray:
    """``logits`` as a float64 array of shape (K,) (or (P, K)), within the spread limit."""
    theta = _vector("logits", logits, ndim)
    with _checks.quiet():
        spread = float(np.max(np.max(theta, axis=-1) - np.min(theta, axis=-1)))
    if not spread <= LOGIT_SPREAD:
        raise ValueError(f"logits must satisfy max - min <= {LOGIT_SPREAD:g} (so that every "
                         f"probability is positive), got a spread of {spread:.3g}")
    return theta


def _inputs(logits: object, rewards: object, N: object, ndim: int = 1):
    theta = _check_logits(logits, ndim)
    f = _vector("rewards", rewards, ndim)
    if f.shape != theta.shape:
        raise ValueError(f"rewards must have the shape of logits, {theta.shape}, got {f.shape}")
    if np.max(np.abs(f)) > REWARD_MAX:
        raise ValueError(f"rewards must satisfy |f| <= {REWARD_MAX:g}, got max |f| = "
                         f"{np.max(np.abs(f)):.3g}")
    return theta, f, _checks.integer("N", N, minimum=2, maximum=N_MAX)


def softmax(logits: object) -> np.ndarray:
    """pi = softmax(theta) along the last axis, for logits of shape (K,) or (P, K)."""
    theta = _check_logits(logits, np.ndim(logits) if np.ndim(logits) in (1, 2) else 1)
    z = np.exp(theta - theta.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


# ---- the exact moments ----------------------------------------------------------------------

def _compositions(N: int, L: int) -> np.ndarray:
    """All m in {0..N}^L with sum N, shape (C(N + L - 1, L - 1), L), of the platform's index
    type (np.repeat refuses int64 counts where that is int32, as in a browser runtime)."""
    rows = np.zeros((1, 0), dtype=np.intp)
    for _ in range(L - 1):
        used = rows.sum(axis=1)
        reps = N - used + 1
        head = np.repeat(rows, reps, axis=0)
        starts = np.repeat(np.cumsum(reps) - reps, reps)
        nxt = np.arange(head.shape[0]) - starts
        rows = np.column_stack([head, nxt])
    return np.column_stack([rows, N - rows.sum(axis=1)])


def _advantages(estimator: str, m: np.ndarray, values: np.ndarray, N: int) -> np.ndarray:
    """A_l(m) of eq. (1) for every composition (rows) and level (columns)."""
    if estimator == "reinforce":
        return np.broadcast_to(values, m.shape).astype(np.float64)
    # f_l - fbar = sum_l' m_l' (v_l - v_l') / N: exactly 0 when the group has one level
    dev = m @ (values[:, None] - values[None, :]).T / N
    if estimator == "group_mean":
        return dev
    if estimator == "rloo":
        return dev * (N / (N - 1))
    std = np.sqrt(np.sum(m * dev**2, axis=1, keepdims=True) / (N - 1))
    return dev / (std + GRPO_EPS)


def _term_count(N: int, L: int) -> int:
    return math.comb(N + L - 1, L - 1) * L


def _moments(estimator: str, prob: np.ndarray, rewards: np.ndarray, S: np.ndarray, N: int,
             cov: bool = True):
    """Exact mean (D,) and covariance (D, D) of (1/N) sum_i A_i S[y_i], y_i ~ prob i.i.d."""
    values, level = np.unique(rewards, return_inverse=True)
    L = values.size
    if _term_count(N, L) > MAX_TERMS:
        raise ValueError(f"N = {N} with {L} distinct rewards needs {_term_count(N, L):,} terms, "
                         f"over the budget of {MAX_TERMS:,}; use a smaller N or fewer "
                         f"distinct rewards")
    P = np.bincount(level, weights=prob, minlength=L)
    rho = prob / P[level]
    M = np.zeros((L, S.shape[1]))
    np.add.at(M, level, rho[:, None] * S)  # M_l = E_rho_l[S]
    m = _compositions(N, L)
    lf = np.array([math.lgamma(j + 1) for j in range(N + 1)])
    w = np.exp(lf[N] - lf[m].sum(axis=1) + m @ np.log(P))  # multinomial pmf
    alpha = _advantages(estimator, m, values, N) * m / N
    mean_alpha = w @ alpha
    mean = mean_alpha @ M
    if not cov:
        return mean, None
    dev = alpha - mean_alpha
    between = M.T @ ((dev * w[:, None]).T @ dev) @ M
    within = (w @ (_advantages(estimator, m, values, N) ** 2 * m)) / N**2
    Sc = S - M[level]
    return mean, (Sc * (within[level] * rho)[:, None]).T @ Sc + between


def _bandit(estimator: str, logits: object, rewards: object, N: object, cov: bool):
    _checks.choice("estimator", estimator, ESTIMATORS)
    theta, f, N = _inputs(logits, rewards, N)
    pi = softmax(theta)
    return _moments(estimator, pi, f, np.eye(pi.size) - pi, N, cov)


def expected_gradient(estimator: str, logits: object, rewards: object, N: int) -> np.ndarray:
    """E[g_hat] of eq. (1), exact, shape (K,): the expected update of one group of N answers."""
    return _bandit(estimator, logits, rewards, N, cov=False)[0]


def gradient_covariance(estimator: str, logits: object, rewards: object,
                        N: int) -> np.ndarray:
    """Cov[g_hat] of eq. (1), exact, shape (K, K); its trace is the total variance."""
    return _bandit(estimator, logits, rewards, N, cov=True)[1]


def objective_gradient(logits: object, rewards: object) -> np.ndarray:
    """The true gradient of J = E_pi[f]: pi * (f - J), shape (K,).  For logits of shape (P, K)
    (P prompts, a tabular policy), the gradient of the mean (1/P) sum_j J_j, shape (P, K)."""
    ndim = 2 if np.ndim(logits) == 2 else 1
    theta, f, _ = _inputs(logits, rewards, 2, ndim)
    pi = softmax(theta)
    J = np.sum(pi * f, axis=-1, keepdims=True)
    return pi * (f - J) / (theta.shape[0] if ndim == 2 else 1)


def expected_update(estimator: str, logits: object, rewards: object, N: int) -> np.ndarray:
    """P prompts (logits and rewards of shape (P, K)), one group of N answers each, averaged as
    in a batch: (1/P) times each prompt's :func:`expected_gradient`, shape (P, K)."""
    _checks.choice("estimator", estimator, ESTIMATORS)
    theta, f, N = _inputs(logits, rewards, N, ndim=2)
    return np.array([expected_gradient(estimator, t, r, N) for t, r in zip(theta, f)]) / len(f)


def scale(estimator: str, q: float, N: int) -> float:
    """c(q, N): with binary rewards and success probability q, E[g_hat] = c(q, N) grad J.

    Given m ~ Binomial(N, q) right answers, E[sum_i (f_i - fbar) s_i | m] = m (N - m) / N
    (pi_R - pi_W) and grad J = q (1 - q) (pi_R - pi_W), so c = E[m (N - m) a(m)] / (N^2 q (1 - q))
    with a(m) = 1 (group mean), N/(N-1) (RLOO) or 1/(std_m + GRPO_EPS) (GRPO), where
    std_m = sqrt(m (N - m) / (N (N - 1))); REINFORCE has c = 1.  Requires 0 < q < 1.
    """
    _checks.choice("estimator", estimator, ESTIMATORS)
    q = _checks.real_scalar("q", q)
    if not 0 < q < 1:
        raise ValueError(f"q must be a probability with 0 < q < 1, got {q!r}")
    N = _checks.integer("N", N, minimum=2, maximum=N_MAX)
    if estimator == "reinforce":
        return 1.0
    m = np.arange(N + 1)
    lf = np.array([math.lgamma(j + 1) for j in range(N + 1)])
    with _checks.quiet():  # log1p(-q) is finite for q < 1; 0 * log terms vanish
        logw = lf[N] - lf[m] - lf[N - m] + m * math.log(q) + (N - m) * math.log1p(-q)
    a = {"group_mean": np.ones(N + 1), "rloo": np.full(N + 1, N / (N - 1)),
         "grpo": 1 / (np.sqrt(m * (N - m) / (N * (N - 1))) + GRPO_EPS)}[estimator]
    inner = m * (N - m) * a / N**2
    return float(np.sum(np.exp(logw[1:-1]) * inner[1:-1]) / (q * (1 - q)))


def angle(u: object, v: object) -> float:
    """The angle between two arrays of the same shape, in degrees (0 = same direction)."""
    a, b = _checks.real_array("u", u).ravel(), _checks.real_array("v", v).ravel()
    if a.shape != b.shape or a.size == 0:
        raise ValueError(f"u and v must have the same non-empty shape, got {np.shape(u)} "
                         f"and {np.shape(v)}")
    for name, x in (("u", a), ("v", b)):
        if not np.any(x):
            raise ValueError(f"{name} must not be zero: a zero vector has no direction")
    a, b = a / np.max(np.abs(a)), b / np.max(np.abs(b))
    cos = np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


# ---- Monte Carlo ----------------------------------------------------------------------------

def group_updates(answers: object, logits: object, rewards: object) -> dict:
    """Eq. (1) for given groups: ``answers`` (groups, N) ints in 0..K-1 (or (N,) for one group);
    returns {estimator: array (groups, K)}, every estimator from the same answers."""
    theta, f, _ = _inputs(logits, rewards, 2)
    a = np.asarray(answers) if isinstance(answers, (list, tuple, np.ndarray)) else None
    if a is None or a.dtype.kind not in "iu" or a.ndim not in (1, 2):
        raise TypeError(f"answers must be an integer array of shape (N,) or (groups, N), got "
                        f"{answers!r:.60}")
    a = a.reshape(-1, a.shape[-1]) if a.size else a.reshape(0, 0)
    if not 2 <= a.shape[1] <= N_MAX or a.size > MAX_DRAWS:
        raise ValueError(f"answers must hold groups of 2 <= N <= {N_MAX} answers (at most "
                         f"{MAX_DRAWS:,} in all), got shape {np.shape(answers)}")
    if a.min() < 0 or a.max() >= f.size:
        raise ValueError(f"answers must lie in 0..{f.size - 1} (K = {f.size}), got values "
                         f"from {a.min()} to {a.max()}")
    groups, N = a.shape
    pi = softmax(theta)
    r = f[a]
    dev = r - r.mean(axis=1, keepdims=True)
    std = np.sqrt(np.sum(dev**2, axis=1, keepdims=True) / (N - 1))
    adv = {"reinforce": r, "group_mean": dev, "rloo": dev * (N / (N - 1)),
           "grpo": dev / (std + GRPO_EPS)}
    # bincount wants the platform's index type (int32 in a 32-bit browser runtime)
    flat = (a + pi.size * np.arange(groups)[:, None]).astype(np.intp)
    out = {}
    for name, A in adv.items():
        hits = np.bincount(flat.ravel(), weights=A.ravel(), minlength=groups * pi.size)
        out[name] = (hits.reshape(groups, pi.size) - A.sum(axis=1, keepdims=True) * pi) / N
    return out


def sample(logits: object, rewards: object, N: int, rng: np.random.Generator,
           groups: int = 1) -> dict:
    """Draw ``groups`` groups of N answers from pi; return :func:`group_updates` of them,
    {estimator: array (groups, K)}, every estimator computed from the same draws."""
    theta, f, N = _inputs(logits, rewards, N)
    rng = _checks.generator("rng", rng)
    groups = _checks.integer("groups", groups, minimum=1)
    if groups * max(N, theta.size) > MAX_DRAWS:
        raise ValueError(f"groups * max(N, K) = {groups * max(N, theta.size):,} exceeds the "
                         f"budget of {MAX_DRAWS:,}; use fewer groups")
    pi = softmax(theta)
    answers = rng.choice(pi.size, size=(groups, N), p=pi)
    return group_updates(answers, theta, f)

# ---- a constant baseline --------------------------------------------------------------------

def baseline_variance(logits: object, rewards: object, b: float) -> float:
    """Per-sample total variance V_b = E[(f - b)^2 |s|^2] - |grad J|^2 of (f(a) - b) s(a) for a
    constant b (notebook 08, eq. 3); an N-sample average has total variance V_b / N."""
    theta, f, _ = _inputs(logits, rewards, 2)
    b = _checks.real_scalar("b", b)
    if abs(b) > REWARD_MAX:
        raise ValueError(f"b must satisfy |b| <= {REWARD_MAX:g}, got {b!r}")
    pi = softmax(theta)
    s2 = np.sum((np.eye(pi.size) - pi) ** 2, axis=1)  # |e_a - pi|^2
    grad = pi * (f - pi @ f)
    return float(pi @ ((f - b) ** 2 * s2) - grad @ grad)


def optimal_baseline(logits: object, rewards: object) -> float:
    """b* = E[f |s|^2] / E[|s|^2], the constant that minimises V_b (notebook 08, eq. 4)."""
    theta, f, _ = _inputs(logits, rewards, 2)
    pi = softmax(theta)
    s2 = np.sum((np.eye(pi.size) - pi) ** 2, axis=1)
    return float(pi @ (f * s2) / (pi @ s2))


def logits_for(q: float, K: int) -> np.ndarray:
    """Logits (log(q (K-1) / (1-q)), 0, ..., 0), shape (K,): answer 0 has probability q and the
    other K - 1 answers share 1 - q equally.  Pair with rewards e_0 (answer 0 is right)."""
    q = _checks.real_scalar("q", q)
    K = _checks.integer("K", K, minimum=2, maximum=K_MAX)
    if not 0 < q < 1:
        raise ValueError(f"q must be a probability with 0 < q < 1, got {q!r}")
    theta = np.zeros(K)
    theta[0] = math.log(q) + math.log(K - 1) - math.log1p(-q)
    if abs(theta[0]) > LOGIT_SPREAD:
        raise ValueError(f"q = {q!r} with K = {K} needs a logit of {theta[0]:.4g}, beyond the "
                         f"spread limit {LOGIT_SPREAD:g}; use q nearer 1/2")
    return theta

