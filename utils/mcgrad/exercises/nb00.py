"""Expected answers for the exercises of notebook 00 (computed independently of the solution)."""

from mcgrad import stats
from mcgrad.exercises import exercise
from mcgrad.objectives import Square


@exercise("00.1", "value", hint="differentiate J(theta) = theta^2 + sigma^2 with respect to theta")
def gradient_at_minus_one_and_a_half() -> float:
    # A central difference is exact for the quadratic J(theta) = theta^2 + 1.
    f, theta, delta = Square(), -1.5, 0.5
    return (f.expectation(theta + delta) - f.expectation(theta - delta)) / (2 * delta)


@exercise("00.2", "within", hint="average x**2 over draws x = 2 + eps, eps standard normal")
def estimate_of_J_at_2(n: int = 10_000) -> tuple[float, float]:
    # x = theta + sigma eps: x^2 = theta^2 + 2 theta sigma eps + sigma^2 eps^2, so
    # Var[x^2] = 4 theta^2 sigma^2 + 2 sigma^4 (Var[eps^2] = 2); 5 standard errors.
    theta, sigma = 2.0, 1.0
    var = 4 * theta**2 * sigma**2 + 2 * sigma**4
    return theta**2 + sigma**2, 5 * stats.mean_se(var, n)
