"""Survei Kepuasan Masyarakat: the public satisfaction index (IKM), PermenPANRB 14/2017.

Weights are exact 1/9 by default and rounding happens only at the end: the regulation's
rounded weight 0.111 caps IKM at 99.90 (kept as a setting for comparison with old reports).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

ELEMENT_COUNT = 9
WEIGHTS = {"exact": Fraction(1, ELEMENT_COUNT), "0.111": Fraction(111, 1000)}

# Lower bound of each grade on the converted (25..100) value, two decimals.
GRADES = (
    (Decimal("88.31"), "A", "Sangat Baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang Baik"),
    (Decimal("25.00"), "D", "Tidak Baik"),
)


@dataclass(frozen=True)
class IkmResult:
    element_nrr: tuple[float, ...]
    """Average answer (1..4) per element U1..U9."""
    index: float
    """IKM on the 1..4 scale."""
    converted: float
    """IKM × 25, the 25..100 figure that is published, rounded to 2 decimals."""
    grade: str
    grade_label: str
    respondents: int


def round_half_up(value: float | Fraction | Decimal, places: int = 2) -> Decimal:
    """Official figures round halves up (91.475 → 91.48), not to even as Python's round() does."""
    if isinstance(value, Fraction):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def grade_of(converted: float | Decimal) -> tuple[str, str]:
    """Service quality grade of a converted IKM, judged on its 2-decimal value."""
    value = round_half_up(converted)
    for lower_bound, grade, label in GRADES[:-1]:
        if value >= lower_bound:
            return grade, label
    # D is everything below C: the regulation's rounded weight 0.111 takes every-answer-1 to 24.98, under D's 25.00.
    return GRADES[-1][1:]


def grade_in(category: str | None) -> str | None:
    """The grade letter of an IKM's category, which may go on to say the grade is not sure ("B; mutu belum pasti …")."""
    return category.split(";", 1)[0] if category else None


def ikm(element_totals: Sequence[int], respondents: int, weight_mode: str = "exact") -> IkmResult:
    """IKM from the sum of answers per element and the number of respondents."""
    if len(element_totals) != ELEMENT_COUNT:
        raise ValueError(f"SKM has {ELEMENT_COUNT} elements, got {len(element_totals)} totals")
    if respondents <= 0:
        raise ValueError("IKM needs at least one respondent")
    weight = WEIGHTS[weight_mode]
    nrr = [Fraction(int(total), respondents) for total in element_totals]
    index = sum(nrr, Fraction(0)) * weight
    converted = round_half_up(index * 25)
    grade, label = grade_of(converted)
    return IkmResult(
        element_nrr=tuple(float(value) for value in nrr),
        index=float(index),
        converted=float(converted),
        grade=grade,
        grade_label=label,
        respondents=respondents,
    )


def krejcie_morgan(population: int) -> int:
    """Minimum respondents for a population served of `population` (95% confidence, 5% error)."""
    if population <= 0:
        return 0
    chi_square, proportion, error = 3.841, 0.25, 0.0025
    size = chi_square * population * proportion / (error * (population - 1) + chi_square * proportion)
    return int(round_half_up(size, 0))
