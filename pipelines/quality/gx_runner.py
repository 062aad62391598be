"""Run a Great Expectations suite on a canonical frame and report row-level failures.

The pattern the GX Airflow provider wraps, owned here: an ephemeral context, a pandas
batch, the suite from expectations/<dataset>.json, one validation run.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipelines.settings import get_settings


def import_quiet_great_expectations() -> Any:
    """GX logs its import-time machinery and phones home unless told not to."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    # Two GX modules set their own loggers to INFO, so the parent's level alone is not enough.
    chatty = (
        "great_expectations",
        "great_expectations._docs_decorators",
        "great_expectations.data_context.types.base",
    )
    loggers = [logging.getLogger(name) for name in chatty]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    import great_expectations as gx

    for logger in loggers:
        logger.setLevel(logging.WARNING)
    return gx


RESULT_FORMAT = {
    "result_format": "COMPLETE",  # the one format that lists the index of every failing row
    "partial_unexpected_count": 0,
    "exclude_unexpected_values": True,  # the quarantine quotes values from the unit's own file
    "return_unexpected_index_query": False,
}


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    columns: tuple[str, ...]
    success: bool
    unexpected_positions: np.ndarray
    """Row positions in the validated frame that broke the expectation (row-level rules only)."""
    meta: dict[str, Any]
    element_count: int
    missing_count: int = 0
    kwargs: dict[str, Any] = field(default_factory=dict)
    """The expectation's arguments with parameters filled in, for the Data Docs page."""
    error: str | None = None

    @property
    def is_batch_level(self) -> bool:
        return self.expectation in ("expect_column_to_exist", "expect_table_columns_to_match_set")


def suite_document(dataset: str) -> dict[str, Any]:
    path = get_settings().expectations_dir / f"{dataset}.json"
    return json.loads(Path(path).read_text(encoding="utf-8"))


@cache
def _validation_definition(dataset: str) -> Any:
    gx = import_quiet_great_expectations()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = context.data_sources.add_pandas(f"{dataset}_frames").add_dataframe_asset(dataset)
    batch_definition = batch.add_batch_definition_whole_dataframe("whole_frame")
    suite = context.suites.add(gx.ExpectationSuite(**suite_document(dataset)))
    return context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{dataset}_validation", data=batch_definition, suite=suite)
    )


def _columns_of(kwargs: dict[str, Any]) -> tuple[str, ...]:
    if "column" in kwargs:
        return (kwargs["column"],)
    if "column_list" in kwargs:
        return tuple(kwargs["column_list"])
    return tuple(kwargs[key] for key in ("column_A", "column_B") if key in kwargs)


@cache
def suite_columns(dataset: str) -> frozenset[str]:
    columns: set[str] = set()
    for expectation in suite_document(dataset)["expectations"]:
        columns.update(_columns_of(expectation["kwargs"]))
    return frozenset(columns)


def _gx_friendly(dataset: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The suite's columns, in types GX handles with vectorised pandas code.

    GX copies the frame's rows for nearly every expectation (to drop missing values), and
    compares ranges per value in Python unless a column is datetime64[ns] or plain float:
    so strings become categoricals (cheap to copy), dates datetime64[ns], nullable integers float64.
    """
    wanted = suite_columns(dataset)
    converted = {}
    for name, dtype in frame.dtypes.items():
        if name not in wanted:
            continue
        column = frame[name]
        if pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
            column = column.astype("category")
        elif pd.api.types.is_datetime64_any_dtype(dtype) and not isinstance(dtype, pd.DatetimeTZDtype):
            column = column.astype("datetime64[ns]")
        elif isinstance(dtype, pd.api.extensions.ExtensionDtype) and pd.api.types.is_integer_dtype(dtype):
            column = column.astype("float64")
        converted[name] = column
    return pd.DataFrame(converted, index=frame.index)


_BUILT_CONFIGURATIONS: ContextVar[dict[int, tuple[Any, Any]] | None] = ContextVar("gx_configurations", default=None)
_COMPUTED_IDS: ContextVar[dict[tuple, tuple[tuple, Any]] | None] = ContextVar("gx_ids", default=None)


@cache
def _install_memos() -> None:
    """GX rebuilds an expectation's configuration (a pydantic round trip) each time it asks for it, dozens of
    times per expectation and validation; and it names each metric it plans by serialising the metric's
    arguments to JSON and hashing them, a thousand times per validation, the same arguments again and again.
    Together they are most of the time of a unit-sized batch. Nothing of a running validation changes, so
    inside `_computed_once` each configuration is built once and each set of arguments named once."""
    from great_expectations.core.id_dict import IDDict
    from great_expectations.expectations.expectation import Expectation

    build = Expectation.configuration.fget

    def configuration(self: Any) -> Any:
        built = _BUILT_CONFIGURATIONS.get()
        if built is None:
            return build(self)
        entry = built.get(id(self))
        if entry is None or entry[0] is not self:
            entry = built[id(self)] = (self, build(self))
        return entry[1]

    Expectation.configuration = property(configuration, doc=Expectation.configuration.__doc__)

    name = IDDict.to_id

    def to_id(self: IDDict, id_keys: Any = None, id_ignore_keys: Any = None) -> Any:
        named = _COMPUTED_IDS.get()
        if named is None or id_keys is not None or id_ignore_keys is not None or type(self) is not IDDict:
            return name(self, id_keys, id_ignore_keys)
        values = tuple(self.values())
        key = tuple(zip(self.keys(), map(id, values), strict=True))
        entry = named.get(key)
        # The very same argument objects (kept alive by the entry, so no id is reused): the same name.
        if entry is None or any(kept is not value for kept, value in zip(entry[0], values, strict=True)):
            entry = named[key] = (values, name(self))
        return entry[1]

    IDDict.to_id = to_id


@contextmanager
def _computed_once() -> Iterator[None]:
    """Also skips the fingerprint GX takes of every frame it is given (a hash of each row, a tenth of a
    validation's time), kept only as a batch marker in results this module does not return."""
    from great_expectations.execution_engine import pandas_execution_engine

    _install_memos()
    built, named = _BUILT_CONFIGURATIONS.set({}), _COMPUTED_IDS.set({})
    fingerprint_below, pandas_execution_engine.HASH_THRESHOLD = pandas_execution_engine.HASH_THRESHOLD, 0
    try:
        yield
    finally:
        pandas_execution_engine.HASH_THRESHOLD = fingerprint_below
        _BUILT_CONFIGURATIONS.reset(built)
        _COMPUTED_IDS.reset(named)


def _run(definition: Any, frame: pd.DataFrame, parameters: dict[str, Any]) -> Any:
    """`ValidationDefinition.run()` without its last step, which serialises the whole result,
    every failing row's index included, into the ephemeral context's store that nobody reads:
    a quarter of the time when a few percent of the rows are bad. The result is the same object.
    """
    from great_expectations.validator.v1_validator import Validator

    validator = Validator(
        batch_definition=definition.batch_definition,
        batch_parameters={"dataframe": frame},
        result_format=RESULT_FORMAT,
    )
    with _computed_once():
        return validator.validate_expectation_suite(definition.suite, parameters)


def validate_frame(dataset: str, frame: pd.DataFrame, parameters: dict[str, Any]) -> list[ExpectationOutcome]:
    """Validate every row (no sampling); `frame` must have a 0..n-1 index, positions are reported."""
    result = _run(_validation_definition(dataset), _gx_friendly(dataset, frame), parameters)
    outcomes = []
    for item in result.results:
        config = item.expectation_config
        error = None
        if item.exception_info and item.exception_info.get("raised_exception"):
            error = item.exception_info.get("exception_message")
        outcomes.append(
            ExpectationOutcome(
                expectation=config.type,
                columns=_columns_of(config.kwargs),
                success=bool(item.success),
                unexpected_positions=np.asarray(item.result.get("unexpected_index_list") or [], dtype=np.int64),
                meta=dict(config.meta or {}),
                element_count=int(item.result.get("element_count") or len(frame)),
                missing_count=int(item.result.get("missing_count") or 0),
                kwargs=dict(config.kwargs),
                error=error,
            )
        )
    return outcomes
