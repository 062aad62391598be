"""All indicators of one unit (or a pooled group of units) and quarter, in the long format releases share.

Each dataset contributes only when it was delivered: a missing dataset yields no value, never a zero.
Roll-ups run the same functions on the pooled rows of an agency or the province, so a rate is
recomputed from its rows, not averaged from unit rates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from pipelines.datasets.skm_response import SKM_ELEMENTS
from pipelines.datasets.zi_perception import IPAK_ITEMS, IPKP_ITEMS
from pipelines.indicators import action_plan, complaints, service, skm, tariff, zi_readiness
from pipelines.indicators.ikm_interval import ikm_interval, uncertain_grade
from pipelines.indicators.perception import MINIMUM_RESPONDENTS, PerceptionIndex, perception_index
from pipelines.indicators.workdays import WorkCalendar
from pipelines.periods import Quarter


@dataclass(frozen=True)
class IndicatorValue:
    indicator_code: str
    value: float | None
    category: str | None
    n: int | None


@dataclass(frozen=True)
class Facts:
    """Validated warehouse rows of one quarter; complaint rows carry their unit's limits (respond/resolve_days)."""

    service_log: pd.DataFrame
    skm_response: pd.DataFrame
    complaint_log: pd.DataFrame
    zi_perception: pd.DataFrame
    zi_lke: pd.DataFrame | None = None
    """The unit's self-assessment worksheet; None for roll-ups, where readiness has no meaning."""
    action_plan: pd.DataFrame | None = None
    """The actions of the plan(s) as reported for the quarter; None or empty when none was delivered."""


@dataclass(frozen=True)
class Method:
    """How the figures are computed; recorded in every release."""

    quarter_end: dt.date
    calendar: WorkCalendar
    ikm_weight_mode: str = "exact"
    zi_scale_conversion: str = "linear"


def _value(code: str, value: float | None, n: int | None, category: str | None = None) -> IndicatorValue:
    return IndicatorValue(code, None if value is None else float(value), category, n)


def _service_values(service_log: pd.DataFrame, method: Method) -> list[IndicatorValue]:
    calendar, received = method.calendar, len(service_log)
    measured = [
        ("services_received", (received, received)),
        ("services_completed", (int(service.completed(service_log).sum()), received)),
        ("on_time_rate", service.on_time_rate(service_log, calendar)),
        ("processing_days_p50", service.processing_days_percentile(service_log, calendar, 50)),
        ("processing_days_p90", service.processing_days_percentile(service_log, calendar, 90)),
        ("backlog_overdue", service.backlog_overdue(service_log, method.quarter_end, calendar)),
        ("online_share", service.online_share(service_log)),
        ("tariff_compliance_rate", tariff.tariff_compliance_rate(service_log)),
        ("overcharged_count", tariff.overcharged_count(service_log)),
        ("free_service_charged_count", tariff.free_service_charged_count(service_log)),
    ]
    return [_value(code, value, n) for code, (value, n) in measured]


def _complaint_values(complaint_log: pd.DataFrame, service_log: pd.DataFrame, method: Method) -> list[IndicatorValue]:
    count = len(complaint_log)
    values = [_value("complaints", count, count)]
    if len(service_log):
        values.append(
            _value("complaints_per_1000_services", *complaints.complaints_per_1000_services(count, len(service_log)))
        )
    for code, done, limit_column in (
        ("complaint_response_on_time_rate", complaints.response_dates(complaint_log), "respond_days"),
        ("complaint_resolved_rate", complaint_log["resolved_date"], "resolve_days"),
    ):
        rate = complaints.handled_within_limit_rate(
            complaint_log, done, complaint_log[limit_column].to_numpy(), method.quarter_end, method.calendar
        )
        values.append(_value(code, *rate))
    values.append(
        _value("complaint_resolution_days_p50", *complaints.resolution_days_median(complaint_log, method.calendar))
    )
    return values


def _skm_values(skm_response: pd.DataFrame, service_log: pd.DataFrame, method: Method) -> list[IndicatorValue]:
    respondents = len(skm_response)
    answers = skm_response[list(SKM_ELEMENTS)].to_numpy(dtype="int8")  # 1..4: a province's answers stay small
    result = skm.ikm(answers.sum(axis=0, dtype="int64").tolist(), respondents, method.ikm_weight_mode)
    weakest = min(result.element_nrr)
    from_tally = int(skm_response["from_tally"].fillna(False).sum()) if "from_tally" in skm_response else 0
    basis = None if not from_tally else "IKM dari rekap" if from_tally == respondents else "IKM sebagian dari rekap"
    interval = ikm_interval(answers, skm.WEIGHTS[method.ikm_weight_mode], from_tally > 0)
    uncertain = uncertain_grade(interval)
    notes = ["dari rekap: sebaran terlebar"] if from_tally else []
    sample: list[IndicatorValue] = []
    if len(service_log):
        served = int(service.completed(service_log).sum())
        required = skm.krejcie_morgan(served)
        sample = [_value("skm_sample_required", required, served, "cukup" if respondents >= required else "kurang")]
        if respondents < required:
            notes.append(f"responden kurang dari sampel Krejcie-Morgan ({required})")
    note = "; ".join(notes) or None
    return [
        _value("skm_respondents", respondents, respondents),
        _value("skm_tally_respondents", from_tally, respondents, basis),
        _value("ikm", result.converted, respondents, f"{result.grade}; {uncertain}" if uncertain else result.grade),
        _value("ikm_ci95_low", interval.low if interval else None, respondents, note),
        _value("ikm_ci95_high", interval.high if interval else None, respondents, note),
        *[
            _value(f"ikm_{element}", nrr, respondents, "terendah" if nrr == weakest else None)
            for element, nrr in zip(SKM_ELEMENTS, result.element_nrr, strict=True)
        ],
        *sample,
    ]


def _action_plan_values(
    plan: pd.DataFrame, skm_response: pd.DataFrame, method: Method, per_unit: bool
) -> list[IndicatorValue]:
    items = len(plan)
    reported = str(Quarter.containing(method.quarter_end))
    values = [
        _value("action_plan_items", items, items),
        _value("action_plan_realisation", *action_plan.realisation_mean(plan)),
        _value("action_plan_overdue", *action_plan.overdue_count(plan, reported)),
    ]
    if per_unit and len(skm_response):  # a roll-up pools elements and links of different units: no meaning
        respondents = len(skm_response)
        nrr = {element: float(skm_response[element].sum()) / respondents for element in SKM_ELEMENTS}
        coverage, weak = action_plan.followup_coverage(plan, nrr)
        note = None if weak else "tidak ada unsur SKM di bawah mutu B"
        values.append(_value("skm_followup_coverage", coverage, weak, note))
    return values


def _respondent_flag(respondents: int) -> str:
    """The 30-respondent minimum of the ZI perception surveys: a small sample is flagged, never hidden."""
    return "cukup" if respondents >= MINIMUM_RESPONDENTS else f"kurang dari {MINIMUM_RESPONDENTS} responden"


def _perception_values(
    zi_perception: pd.DataFrame, method: Method
) -> tuple[list[IndicatorValue], dict[str, PerceptionIndex]]:
    values = [_value("zi_respondents", len(zi_perception), len(zi_perception), _respondent_flag(len(zi_perception)))]
    indices = {}
    for code, items in (("ipak", IPAK_ITEMS), ("ipkp", IPKP_ITEMS)):
        index = perception_index(zi_perception, items, method.zi_scale_conversion)
        if index is None:
            continue
        indices[code] = index
        values.append(_value(code, index.index, index.respondents, _respondent_flag(index.respondents)))
        values.append(
            _value(f"{code}_component", index.component, index.respondents, _respondent_flag(index.respondents))
        )
    return values, indices


def _readiness_values(zi_lke: pd.DataFrame, indices: dict[str, PerceptionIndex]) -> list[IndicatorValue]:
    worksheet = {
        row.area: (row.pemenuhan, row.reform)
        for row in zi_lke[["area", "pemenuhan", "reform"]].astype(object).where(zi_lke.notna(), None).itertuples()
    }
    points = zi_readiness.area_points(worksheet)
    unfilled = zi_readiness.unfilled_areas(worksheet)
    filled = len(zi_readiness.AREAS) - len(unfilled)
    missing = [name for code, name in (("ipak", "IPAK (ZI)"), ("ipkp", "IPKP")) if code not in indices]
    if zi_readiness.CAPAIAN_KINERJA not in worksheet:
        missing.append("capaian kinerja (LKE)")
    reasons = []
    if unfilled:
        reasons.append(f"area belum diisi: {', '.join(unfilled)}")
    if missing:
        reasons.append(f"belum ada {', '.join(missing)}")
    reason = "tidak dapat dinilai: " + "; ".join(reasons) if reasons else None
    if points is None:
        values = [_value("zi_pengungkit", None, filled, reason)]
    else:
        values = [_value("zi_pengungkit", sum(points.values()), filled)]
    if not missing:
        capaian = zi_readiness.capaian_points(worksheet)
        values.append(
            _value("zi_hasil", zi_readiness.hasil_points(indices["ipak"].index, capaian, indices["ipkp"].index), None)
        )
    if reason:
        return values + [_value(code, None, None, reason) for code in ("zi_total", "wbk_ready", "wbbm_ready")]
    respondents = min(indices["ipak"].respondents, indices["ipkp"].respondents)
    scores = zi_readiness.worksheet_scores(worksheet, indices["ipak"].index, indices["ipkp"].index, respondents)
    assert scores is not None  # capaian kinerja and every area checked above
    values.append(_value("zi_total", scores.total, None))
    for code, target in (("wbk_ready", "WBK"), ("wbbm_ready", "WBBM")):
        ready, explanation = zi_readiness.verdict(scores, target)
        values.append(_value(code, int(ready), None, explanation))
    return values


def unit_indicators(facts: Facts, method: Method) -> list[IndicatorValue]:
    values: list[IndicatorValue] = []
    if len(facts.service_log):
        values += _service_values(facts.service_log, method)
    if len(facts.complaint_log):
        values += _complaint_values(facts.complaint_log, facts.service_log, method)
    if len(facts.skm_response):
        values += _skm_values(facts.skm_response, facts.service_log, method)
    indices: dict[str, PerceptionIndex] = {}
    if len(facts.zi_perception):
        perception, indices = _perception_values(facts.zi_perception, method)
        values += perception
    if facts.zi_lke is not None and len(facts.zi_lke):
        values += _readiness_values(facts.zi_lke, indices)
    if facts.action_plan is not None and len(facts.action_plan):
        per_unit = facts.zi_lke is not None
        values += _action_plan_values(facts.action_plan, facts.skm_response, method, per_unit)
    return values
