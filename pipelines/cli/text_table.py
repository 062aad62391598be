"""Plain-text tables for logs and the terminal (Airflow task logs show no rich markup)."""

from __future__ import annotations

from collections.abc import Sequence


def format_table(rows: Sequence[dict], columns: Sequence[str]) -> str:
    cells = [[("" if row.get(column) is None else str(row[column])) for column in columns] for row in rows]
    widths = [max([len(column), *(len(line[index]) for line in cells)]) for index, column in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(value.ljust(width) for value, width in zip(values, widths, strict=True)).rstrip()

    return "\n".join([line(columns), line(["-" * width for width in widths]), *(line(values) for values in cells)])
