"""Answers as token sequences: how averaging over each answer's length moves GRPO (notebook 13).

An enumerable toy with three parameters, logits = (theta_1, theta_R, theta_W).  Token 1 is the
answer: right (reward 1) with probability sigmoid(theta_1), else wrong (reward 0).  After a
right (wrong) answer each further token is "more" with probability sigmoid(theta_R)
(sigmoid(theta_W)) or "end", which stops; a sequence stops at L_max = ``max_len`` tokens, so
there are 2 L_max sequences.  The sequence score is the sum of its token scores.  Each estimator of
:mod:`mcgrad.group_baselines` weights answer i's score by w_i:

    g_hat = (1/N) sum_i A_i w_i sum_t d log p(y_it | y_i,<t) / d logits          (1)

"sum" (w = 1: the score function), "length" (w = 1 / L_i: the token terms averaged over the
answer's own length, TRL's ``loss_type="grpo"``) or "constant" (w = 1 / L_max: Dr. GRPO, TRL's
``loss_type="dr_grpo"``).  The reward does not depend on the length, so the true gradient is
(sigmoid'(theta_1), 0, 0).  Expectations are exact, as in :mod:`mcgrad.group_baselines`.
"""

from __future__ import annotations

import numpy as np

from mcgrad import _checks
from mcgrad.group_baselines import ESTIMATORS, LOGIT_SPREAD, N_MAX, _moments

WEIGHTINGS = ("sum", "length", "constant")


def sequences(logits: object, max_len: int) -> dict:
    """The enumerable toy of token sequences, with parameters logits = (theta_1, theta_R, theta_W).

    Token 1 is the answer: right (reward 1) with probability sigmoid(theta_1), else wrong
    (reward 0).  Then, after a right (wrong) answer, each further token is "more" with
    probability sigmoid(theta_R) (sigmoid(theta_W)) or "end", which stops; a sequence stops at
    ``max_len`` tokens.  Returns arrays over the 2 max_len sequences: ``prob``, ``reward``, ``length`` and
    ``score`` (2 max_len, 3), the sequence score = the sum of its token scores d log p / d logits.
    """
    theta = _checks.real_array("logits", logits).astype(np.float64)
    if theta.shape != (3,):
        raise ValueError(f"logits must have shape (3,): (theta_1, theta_R, theta_W), got "
                         f"shape {theta.shape}")
    if np.max(np.abs(theta)) > LOGIT_SPREAD:
        raise ValueError(f"logits must satisfy |logit| <= {LOGIT_SPREAD:g}, got {theta}")
    T = _checks.integer("max_len", max_len, minimum=2, maximum=64)
    sig = 1 / (1 + np.exp(-theta))
    k = np.arange(T)  # "more" tokens after the answer; k = T - 1 is cut at T tokens
    ends = (k < T - 1).astype(np.float64)
    rows = []
    for right, c in ((1.0, 1), (0.0, 2)):
        first = sig[0] if right else 1 - sig[0]
        prob = first * sig[c] ** k * np.where(ends > 0, 1 - sig[c], 1.0)
        score = np.zeros((T, 3))
        score[:, 0] = (1 - sig[0]) if right else -sig[0]
        score[:, c] = k * (1 - sig[c]) - ends * sig[c]
        rows.append((prob, np.full(T, right), k + 1 + ends, score))
    prob, reward, length, score = (np.concatenate(parts) for parts in zip(*rows))
    return {"prob": prob, "reward": reward, "length": length, "score": score}


def sequence_expected_gradient(estimator: str, logits: object, N: int, max_len: int,
                               weighting: str) -> np.ndarray:
    """E[(1/N) sum_i A_i w_i score_i], shape (3,), exact over the toy of :func:`sequences`.

    ``weighting`` w_i: "sum" (w = 1, the score function), "length" (w = 1 / L_i: each answer's
    token terms averaged over its own length, TRL's loss_type="grpo") or "constant"
    (w = 1 / L_max, Dr. GRPO; TRL's loss_type="dr_grpo").  The true gradient is
    (sigmoid'(theta_1), 0, 0): the lengths do not change the reward.
    """
    _checks.choice("estimator", estimator, ESTIMATORS)
    toy = sequences(logits, max_len)
    T = toy["length"].max()
    N = _checks.integer("N", N, minimum=2, maximum=N_MAX)
    _checks.choice("weighting", weighting, WEIGHTINGS)
    w = {"sum": 1.0, "length": 1 / toy["length"], "constant": 1.0 / T}[weighting]
    S = toy["score"] * np.reshape(w, (-1, 1))
    return _moments(estimator, toy["prob"], toy["reward"], S, N, cov=False)[0]
