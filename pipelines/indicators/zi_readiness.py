"""ZI readiness (PermenPANRB 90/2021 as amended by 5/2024): would the unit pass as Menuju WBK / WBBM?

Scores come from the unit's self-assessment worksheet (LKE) and the perception surveys. A verdict
lists every criterion with its number and threshold, so a unit sees exactly what holds it back.
Comparisons use two-decimal values, as the evaluation sheets do (3.60 / 4 × 17.5 is 15.75, not 15.7499…).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pipelines.indicators.perception import MINIMUM_RESPONDENTS, component_points
from pipelines.indicators.skm import round_half_up

# Komponen pengungkit: area code → (name, weight in points); each split 50/50 into pemenuhan and reform.
AREAS = {
    "manajemen_perubahan": ("Manajemen Perubahan", 8.0),
    "penataan_tatalaksana": ("Penataan Tatalaksana", 7.0),
    "penataan_sdm": ("Penataan Sistem Manajemen SDM", 10.0),
    "akuntabilitas_kinerja": ("Penguatan Akuntabilitas Kinerja", 10.0),
    "penguatan_pengawasan": ("Penguatan Pengawasan", 15.0),
    "kualitas_pelayanan": ("Peningkatan Kualitas Pelayanan Publik", 10.0),
}
CAPAIAN_KINERJA = "capaian_kinerja"
CAPAIAN_KINERJA_POINTS = 5.0


@dataclass(frozen=True)
class Thresholds:
    total: float
    pengungkit: float
    area_share: float
    bersih_akuntabel: float
    ipak_component: float
    capaian_kinerja: float
    ipkp_component: float


THRESHOLDS = {
    "WBK": Thresholds(75.0, 40.0, 0.60, 18.25, 15.75, 2.50, 14.00),
    "WBBM": Thresholds(85.0, 48.0, 0.75, 19.50, 15.75, 3.75, 15.75),
}


@dataclass(frozen=True)
class Criterion:
    name: str
    value: float
    minimum: float
    decimals: int = 2
    """Places the evaluation compares and shows: points have two, a respondent count none."""

    @property
    def passed(self) -> bool:
        return round_half_up(self.value, self.decimals) >= round_half_up(self.minimum, self.decimals)

    def describe(self) -> str:
        """Indonesian text with decimal commas, as the unit reads it: "komponen IPKP 12,82 < 14,00"."""
        sign = "≥" if self.passed else "<"
        value, minimum = (
            str(round_half_up(number, self.decimals)).replace(".", ",") for number in (self.value, self.minimum)
        )
        return f"{self.name} {value} {sign} {minimum}"


@dataclass(frozen=True)
class ZiScores:
    area_points: Mapping[str, float]
    """Area code → pemenuhan + reform points."""
    capaian_kinerja: float
    ipak_index: float
    ipkp_index: float
    perception_respondents: int
    """Respondents of the smaller of the two perception surveys."""

    @property
    def pengungkit(self) -> float:
        return sum(self.area_points.values())

    @property
    def ipak_component(self) -> float:
        return component_points(self.ipak_index)

    @property
    def ipkp_component(self) -> float:
        return component_points(self.ipkp_index)

    @property
    def hasil(self) -> float:
        return hasil_points(self.ipak_index, self.capaian_kinerja, self.ipkp_index)

    @property
    def total(self) -> float:
        return self.pengungkit + self.hasil


def hasil_points(ipak_index: float, capaian_kinerja: float, ipkp_index: float) -> float:
    """Komponen hasil (40 points): the two survey components and capaian kinerja."""
    return component_points(ipak_index) + capaian_kinerja + component_points(ipkp_index)


Worksheet = Mapping[str, tuple[float | None, float | None]]
"""Area code → (pemenuhan, reform) points as the LKE gives them; None where a half is not filled in."""


def unfilled_areas(worksheet: Worksheet) -> list[str]:
    """Names of the pengungkit areas without both halves filled in: such a worksheet cannot be assessed,
    and an empty area is never counted as 0 points."""
    return [name for code, (name, _) in AREAS.items() if None in worksheet.get(code, (None, None))]


def area_points(worksheet: Worksheet) -> dict[str, float] | None:
    """Area → pemenuhan + reform points; None unless every area is filled in."""
    if unfilled_areas(worksheet):
        return None
    return {code: sum(worksheet[code]) for code in AREAS}


def capaian_points(worksheet: Worksheet) -> float:
    """The capaian kinerja row's score, given in its pemenuhan (nilai) column."""
    return sum(part or 0.0 for part in worksheet[CAPAIAN_KINERJA])


def worksheet_scores(
    worksheet: Worksheet, ipak_index: float, ipkp_index: float, perception_respondents: int
) -> ZiScores | None:
    """Scores from the LKE and the survey indices; None without capaian kinerja or with an area not filled in."""
    points = area_points(worksheet)
    if CAPAIAN_KINERJA not in worksheet or points is None:
        return None
    return ZiScores(
        area_points=points,
        capaian_kinerja=capaian_points(worksheet),
        ipak_index=ipak_index,
        ipkp_index=ipkp_index,
        perception_respondents=perception_respondents,
    )


def criteria(scores: ZiScores, target: str) -> list[Criterion]:
    """Every criterion of the target (WBK or WBBM), in the order the evaluation sheet lists them."""
    limit = THRESHOLDS[target]
    checks = [
        Criterion("nilai total", scores.total, limit.total),
        Criterion("komponen pengungkit", scores.pengungkit, limit.pengungkit),
    ]
    checks += [
        Criterion(f"area {name}", scores.area_points[code], weight * limit.area_share)
        for code, (name, weight) in AREAS.items()
    ]
    checks += [
        Criterion(
            "birokrasi bersih dan akuntabel",
            scores.ipak_component + scores.capaian_kinerja,
            limit.bersih_akuntabel,
        ),
        Criterion("komponen IPAK (ZI)", scores.ipak_component, limit.ipak_component),
        Criterion("capaian kinerja", scores.capaian_kinerja, limit.capaian_kinerja),
        Criterion("komponen IPKP", scores.ipkp_component, limit.ipkp_component),
        Criterion("responden survei persepsi", scores.perception_respondents, MINIMUM_RESPONDENTS, decimals=0),
    ]
    return checks


def verdict(scores: ZiScores, target: str) -> tuple[bool, str]:
    """(ready, category text): the failing criteria with their numbers, or a note that all pass."""
    checks = criteria(scores, target)
    failing = [check.describe() for check in checks if not check.passed]
    if failing:
        return False, f"belum memenuhi {len(failing)} dari {len(checks)} kriteria: " + "; ".join(failing)
    return True, f"memenuhi semua {len(checks)} kriteria"
