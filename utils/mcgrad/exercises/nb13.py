"""Expected answers for the exercises of notebook 13, by brute force over ordered groups.

The solutions use the binomial sums of the notebook (eq. (11) there); the values here enumerate all 2^N ordered groups of right (1) and wrong
(0) answers and apply TRL's advantage (f_i - mean) / (sample std + 1e-4) to each.
"""

from __future__ import annotations

import itertools
import math

from mcgrad.exercises import exercise


def _grpo_scale(q: float, N: int, ddof: int = 1) -> float:
    """c(q, N) = E[(1/N) sum_i A_i (f_i - q)] / (q (1 - q)): the update of a K = 2 policy
    (answer 0 right, pi_0 = q) along its score e_0 - pi, over all 2^N ordered groups; the
    std divides by N - ddof (TRL: ddof = 1)."""
    total = 0.0
    for group in itertools.product((0, 1), repeat=N):
        k = sum(group)
        prob = q**k * (1 - q) ** (N - k)
        mean = k / N
        sd = math.sqrt(sum((f - mean) ** 2 for f in group) / (N - ddof))
        total += prob * sum((f - mean) / (sd + 1e-4) * (f - q) for f in group) / N
    return total / (q * (1 - q))


@exercise("13.1", "value", hint="a group gives no signal when all N answers are right "
          "or all are wrong")
def no_signal() -> float:
    """P(all 4 equal) at q = 0.3, summed over the 2^4 ordered groups."""
    q, N = 0.3, 4
    return sum(q ** sum(g) * (1 - q) ** (N - sum(g))
               for g in itertools.product((0, 1), repeat=N) if len(set(g)) == 1)


@exercise("13.2", "value", hint="eq. (11) with std_m = sqrt(m (N - m)) / N, the "
          "population std of m ones and N - m zeros")
def grpo_scale_population_std() -> float:
    return _grpo_scale(0.2, 6, ddof=0)


@exercise("13.3", "choice", options=("parallel", "towards the hard prompt",
                                     "towards the easy prompt"),
          hint="compare c(0.1, N) with c(0.9, N): by eq. (14) each prompt's block of the "
               "update is its own c times its block of the gradient")
def symmetric_prompts() -> str:
    c_hard, c_easy = _grpo_scale(0.1, 8), _grpo_scale(0.9, 8)
    # the update is c(q_j, N) times the gradient, block by block (eq. (14))
    if math.isclose(c_hard, c_easy, rel_tol=1e-9):
        return "parallel"
    return "towards the hard prompt" if c_hard > c_easy else "towards the easy prompt"
