"""Collect what is wrong with each row, from parsing, duplicates and the GX suite.

A row is quarantined with every rule it broke; a problem already reported while parsing
(e.g. "31/02/2026 is not a date") is not reported again as "date is empty" by the suite.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.quality.gx_runner import ExpectationOutcome

ISSUE_COLUMNS = ["position", "column", "rule", "problem", "fix"]

PARSE_PROBLEMS = {
    "not_a_date": "is not a date (expected e.g. 27/08/2026)",
    "not_an_amount": "is not a rupiah amount (expected e.g. 55000 or Rp 55.000)",
    "not_a_number": "is not a number",
    "not_a_quarter": "is not a quarter (expected e.g. TW III 2026 or 2026Q3)",
    "unknown_value": "is not a known value",
    "other_unit": "names another unit; a unit's folder takes only that unit's own rows",
    "no_standard": "is before the service's first standard took effect (config/units.yaml): no time limit applies",
}
# What a unit should do, in the words of the feedback file (Indonesian).
PARSE_FIXES = {
    "not_a_date": "Tulis tanggal yang benar, misalnya 27/08/2026 atau 27 Agustus 2026.",
    "not_an_amount": "Tulis nominal rupiah tanpa huruf, misalnya 55000 atau Rp 55.000.",
    "not_a_number": "Tulis angka saja, tanpa huruf atau simbol.",
    "not_a_quarter": "Tulis triwulan beserta tahunnya, misalnya TW III 2026, Triwulan 3 2026 atau 2026Q3.",
    "unknown_value": "Gunakan salah satu pilihan yang berlaku (lihat petunjuk pengisian).",
    "other_unit": "Baris ini milik unit lain: kirim hanya data unit Anda; data unit lain dikirim oleh unit itu.",
    "no_standard": "Periksa tanggal permohonan: pada tanggal itu belum ada standar pelayanan untuk layanan ini.",
}
DUPLICATE_RULE = "duplicate_row"
DUPLICATE_FIX = "Hapus baris ganda: setiap data cukup dicatat satu kali."


def parse_issues(issues: pd.DataFrame, offset: int) -> pd.DataFrame:
    """Parse problems of one export, moved to its place in the unit's combined frame."""
    return pd.DataFrame(
        {
            "position": issues["position"].to_numpy() + offset,
            "column": issues["column"],
            "rule": issues["rule"],
            "problem": issues["rule"].map(PARSE_PROBLEMS),
            "fix": issues["rule"].map(PARSE_FIXES),
        },
        columns=ISSUE_COLUMNS,
    )


def duplicate_issues(frame: pd.DataFrame, content_columns: list[str], also: np.ndarray = ()) -> pd.DataFrame:
    """Exact repeats of an earlier row: the first copy stays, later copies are set aside. `also`: positions of rows
    repeating a row found elsewhere (an earlier file)."""
    repeated = np.flatnonzero(frame.duplicated(subset=content_columns, keep="first").to_numpy())
    repeated = np.union1d(repeated, np.asarray(also, dtype=np.int64))
    return pd.DataFrame(
        {
            "position": repeated,
            "column": None,
            "rule": DUPLICATE_RULE,
            "problem": "repeats an earlier row exactly",
            "fix": DUPLICATE_FIX,
        },
        columns=ISSUE_COLUMNS,
    )


def expectation_issues(outcomes: list[ExpectationOutcome]) -> pd.DataFrame:
    parts = [
        pd.DataFrame(
            {
                "position": outcome.unexpected_positions,
                "column": ",".join(outcome.columns),
                "rule": outcome.expectation,
                "problem": outcome.meta.get("problem", outcome.expectation),
                "fix": outcome.meta.get("fix", "Periksa dan perbaiki nilai ini."),
            },
            columns=ISSUE_COLUMNS,
        )
        for outcome in outcomes
        if not outcome.success and not outcome.is_batch_level and len(outcome.unexpected_positions)
    ]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=ISSUE_COLUMNS)


def batch_errors(outcomes: list[ExpectationOutcome]) -> list[str]:
    """Failures that condemn the whole batch: a missing column, or an expectation that could not run."""
    errors = []
    for outcome in outcomes:
        if outcome.error:
            errors.append(f"{outcome.expectation} on {', '.join(outcome.columns)} could not run: {outcome.error}")
        elif outcome.is_batch_level and not outcome.success:
            errors.append(f"{outcome.meta.get('problem', outcome.expectation)}: {', '.join(outcome.columns)}")
    return errors


def combine(*issue_frames: pd.DataFrame) -> pd.DataFrame:
    """All issues, without a suite's null check repeating a value that failed to parse."""
    non_empty = [frame for frame in issue_frames if len(frame)]
    if not non_empty:
        return pd.DataFrame({"position": pd.Series(dtype="int64"), "column": [], "rule": [], "problem": [], "fix": []})
    issues = pd.concat(non_empty, ignore_index=True)
    from_parsing = issues["rule"].isin(list(PARSE_PROBLEMS))
    parsed_cells = set(zip(issues.loc[from_parsing, "position"], issues.loc[from_parsing, "column"], strict=True))
    echoes = (issues["rule"] == "expect_column_values_to_not_be_null") & pd.Series(
        [(p, c) in parsed_cells for p, c in zip(issues["position"], issues["column"], strict=True)],
        index=issues.index,
    )
    issues = issues[~echoes].astype({"position": "int64"})
    return issues.sort_values(["position", "column"], kind="stable", na_position="first").reset_index(drop=True)
