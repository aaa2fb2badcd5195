"""Moodle's fixed list of answer grades, and helpers to stay inside it."""

from __future__ import annotations

# Moodle accepts only these fractions (and their negatives) on import.
MOODLE_FRACTIONS = (
    "100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333",
    "30", "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5", "0",
)  # fmt: skip


def share(n: int) -> str:
    """The fraction worth 1/n of the marks, from Moodle's list (n = 1..10)."""
    value = 100 / n
    best = min(MOODLE_FRACTIONS, key=lambda f: abs(float(f) - value))
    if abs(float(best) - value) > 1e-4:
        raise ValueError(f"1/{n} is not a Moodle fraction")
    return best


def penalty(n_wrong: int) -> str:
    """Negative share for each wrong option of a multiple-response item (-100 in all)."""
    return "-" + share(n_wrong) if n_wrong else "0"
