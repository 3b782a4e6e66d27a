"""Expected answers for the exercises of notebook 07 (computed independently of the solution).

Each value comes from iterating a recursion step by step in plain Python, while the
exercise asks for a closed form or a fixed-point equation.
"""

from mcgrad.exercises import exercise


@exercise("07.1", "value", hint="set E[theta^2] equal on both sides of eq. (7)")
def stationary_second_moment() -> float:
    """Iterate eq. (7) at eta = 0.1, N = 4, sigma = 1 until it stops changing."""
    eta, N, sigma, m2 = 0.1, 4, 1.0, 9.0
    for _ in range(5000):
        m2 = (1 - 2 * eta) ** 2 * m2 + 4 * eta**2 * sigma**2 / N
    return m2


@exercise("07.2", "value", rtol=0, atol=0,
          hint="eq. (5) gives E[theta_t] in closed form; find the first t at which it is "
               "below 0.01")
def iterations_to_one_percent() -> int:
    """Count steps of eq. (5) from theta_0 = 3 at eta = 0.1 until E[theta_t] < 0.01."""
    mean, t = 3.0, 0
    while mean >= 0.01:
        mean, t = (1 - 2 * 0.1) * mean, t + 1
    return t


@exercise("07.3", "value", rtol=0, atol=0,
          hint="the bound stays finite when the upper fixed point of eq. (9) is above 9")
def smallest_batch_with_finite_bound() -> int:
    """Iterate the bound map (9) at eta = 0.45, theta_0 = 3, sigma = 1 for each N."""
    eta = 0.45
    for N in (1, 2, 4, 8, 16):
        lam = 9.0
        for _ in range(5000):
            lam = (1 - 2 * eta) ** 2 * lam + eta**2 / N * (lam**2 + 14 * lam + 15)
            if lam > 1e12:
                break
        if lam <= 1e12:
            return N
    raise RuntimeError("no batch size in (1, 2, 4, 8, 16) keeps the bound finite")
