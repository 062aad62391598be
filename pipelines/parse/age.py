"""Respondent ages → the SKM questionnaire's age bands.

Survey tools export either the age in years ("34", "34 tahun", "34.0" from Excel) or a band of
their own form ("20-29", "< 20 tahun", "60 tahun ke atas"). A band within one of ours is that band, so
"20-24" is "20-29"; a closed band across two goes to the one holding most of its years ("26-35" is "30-39"),
and one with no such band or open-ended across two ("17-22", "15-70", "> 55") fits none.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter

from pipelines.datasets.skm_response import AGE_GROUPS

LOWER_BOUNDS = (0, 20, 30, 40, 50, 60)
"""Youngest age of each band of AGE_GROUPS."""
PLAUSIBLE_AGES = range(10, 121)
"""Ages a respondent can have; anything else is a typo, not a band."""

_AGE = r"(\d{1,3})"
_YEARS = re.compile(r"\b(tahun|thn|th)\b\.?")
_EXACT = re.compile(rf"{_AGE}(?:[.,]0+)?")
_RANGE = re.compile(rf"{_AGE}\s*(?:-|–|—|s/?d|sampai|hingga)\s*{_AGE}")
_BELOW = re.compile(rf"(?:<|kurang dari|di ?bawah)\s*{_AGE}")
_AT_MOST = re.compile(rf"(?:≤|<=)\s*{_AGE}")
_ABOVE = re.compile(rf"(?:>|lebih dari|di ?atas)\s*{_AGE}")
_AT_LEAST = re.compile(rf"(?:≥|>=)\s*{_AGE}|{_AGE}\s*(?:\+|ke ?atas|atau lebih)")


def band_of_age(years: int) -> str | None:
    """The band an age in years falls in; None for an implausible age."""
    if years not in PLAUSIBLE_AGES:
        return None
    return AGE_GROUPS[bisect_right(LOWER_BOUNDS, years) - 1]


def _bounds(text: str) -> tuple[int | None, int | None] | None:
    """(youngest, oldest) age the text allows, None for an open end; None when it states no age."""
    text = " ".join(_YEARS.sub(" ", text.lower()).split())
    if match := _EXACT.fullmatch(text):
        return int(match[1]), int(match[1])
    if match := _RANGE.fullmatch(text):
        return int(match[1]), int(match[2])
    if match := _BELOW.fullmatch(text):
        return None, int(match[1]) - 1
    if match := _AT_MOST.fullmatch(text):
        return None, int(match[1])
    if match := _ABOVE.fullmatch(text):
        return int(match[1]) + 1, None
    if match := _AT_LEAST.fullmatch(text):
        return int(match[1] or match[2]), None
    return None


def age_group(text: str) -> str | None:
    """The age band of an age or band as exported; None when it is neither, or fits no single band."""
    bounds = _bounds(text)
    if bounds is None:
        return None
    youngest, oldest = bounds
    first = AGE_GROUPS[0] if youngest is None else band_of_age(youngest)
    last = AGE_GROUPS[-1] if oldest is None else band_of_age(oldest)
    if first == last or None in (youngest, oldest, first, last):
        return first if first == last else None
    [(band, years)] = Counter(band_of_age(age) for age in range(youngest, oldest + 1)).most_common(1)
    return band if 2 * years > oldest - youngest + 1 else None
