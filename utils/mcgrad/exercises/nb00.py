"""Expected answers for the exercises of notebook 00 (computed independently of the solution)."""

from mcgrad.exercises import exercise
