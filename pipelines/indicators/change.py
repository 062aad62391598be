"""Change of each numeric indicator against the previous quarter, for the same unit or area."""

from __future__ import annotations

import pandas as pd

KEY = ("unit_code", "indicator_code")


def with_change(current: pd.DataFrame, previous: pd.DataFrame, key: tuple[str, ...] = KEY) -> pd.DataFrame:
    """`current` with `change` = value − previous quarter's value; empty where either value is missing."""
    before = previous.loc[previous["value"].notna(), [*key, "value"]].rename(columns={"value": "previous_value"})
    merged = current.drop(columns="change", errors="ignore").merge(before, on=list(key), how="left")
    return merged.assign(change=merged["value"] - merged["previous_value"]).drop(columns="previous_value")
