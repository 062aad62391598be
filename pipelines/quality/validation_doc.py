"""A batch's validation outcome as a Great Expectations validation-result document, for Data Docs.

Built from our outcomes rather than taken from GX's result object, because a large batch is
validated in chunks whose outcomes are merged (pipelines.quality.chunks). It holds counts,
not row lists, so the document of a 10M-row batch is a few kilobytes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from pipelines.periods import Quarter
from pipelines.quality.gx_runner import ExpectationOutcome


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return [_json_safe(item) for item in value]
    if isinstance(value, dt.date | dt.datetime):  # pandas Timestamps included
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _percent(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def _result(outcome: ExpectationOutcome) -> dict[str, Any]:
    if outcome.is_batch_level:
        return {}
    unexpected = len(outcome.unexpected_positions)
    present = outcome.element_count - outcome.missing_count
    return {
        "element_count": outcome.element_count,
        "unexpected_count": unexpected,
        "unexpected_percent": _percent(unexpected, present),
        "missing_count": outcome.missing_count,
        "missing_percent": _percent(outcome.missing_count, outcome.element_count),
        "unexpected_percent_total": _percent(unexpected, outcome.element_count),
        "unexpected_percent_nonmissing": _percent(unexpected, present),
    }


def batch_label(unit_code: str, quarter: Quarter) -> str:
    return f"{unit_code}_{quarter.year}-Q{quarter.quarter}"


def validation_document(
    dataset: str, unit_code: str, quarter: Quarter, outcomes: list[ExpectationOutcome], validated_at: dt.datetime
) -> dict[str, Any]:
    """The JSON GX's ExpectationSuiteValidationResultSchema loads, labelled with the unit and quarter."""
    results = [
        {
            "success": outcome.success,
            "expectation_config": {
                "type": outcome.expectation,
                "kwargs": _json_safe(outcome.kwargs),
                "meta": _json_safe(outcome.meta),
            },
            "result": _result(outcome),
            "meta": {},
            "exception_info": {
                "raised_exception": outcome.error is not None,
                "exception_message": outcome.error,
                "exception_traceback": None,
            },
        }
        for outcome in outcomes
    ]
    successful = sum(result["success"] for result in results)
    label = batch_label(unit_code, quarter)
    return {
        "success": successful == len(results),
        "results": results,
        "suite_name": dataset,
        "suite_parameters": {},
        "statistics": {
            "evaluated_expectations": len(results),
            "successful_expectations": successful,
            "unsuccessful_expectations": len(results) - successful,
            "success_percent": _percent(successful, len(results)),
        },
        "meta": {
            "run_id": {"run_name": label, "run_time": validated_at.isoformat()},
            "validation_time": validated_at.isoformat(),
            "batch_kwargs": {"data_asset_name": f"{dataset} {unit_code} {quarter}"},
            "unit_code": unit_code,
            "quarter": str(quarter),
        },
    }
