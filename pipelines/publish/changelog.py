"""CHANGELOG.md of a corrected release: every value that changed from the previous version, and why.

"Why" is what changed underneath: files a unit sent or replaced since the previous version, a unit
that reported after all, or a changed setting. The reform office must be able to explain to anyone
citing the old figure what happened.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipelines.periods import Quarter


@dataclass(frozen=True)
class Version:
    """What one version published, as the changelog compares it."""

    number: int
    tables: Mapping[str, list[dict]]
    """Table title → its rows (as in the CSV)."""
    inputs: Sequence[Mapping[str, str]]
    """The files its figures came from: unit_code, dataset, file_name, sha256, received_on."""
    settings: Mapping[str, object]


@dataclass(frozen=True)
class Change:
    table: str
    key: tuple[str, ...]
    column: str
    before: str
    after: str


def _cell(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|") or "(kosong)"


def value_changes(
    previous: Mapping[str, list[dict]], current: Mapping[str, list[dict]], keys: Mapping[str, tuple[str, ...]]
) -> list[Change]:
    """Every cell that differs, row added or row removed, table by table, in the current rows' order."""
    changes = []
    for table, key_columns in keys.items():
        before = {tuple(str(row[name]) for name in key_columns): row for row in previous.get(table, [])}
        after = {tuple(str(row[name]) for name in key_columns): row for row in current.get(table, [])}
        for key in [*after, *(key for key in before if key not in after)]:
            old, new = before.get(key, {}), after.get(key, {})
            for column in dict.fromkeys([*new, *old]):
                if column in key_columns:
                    continue
                if str(old.get(column, "")) != str(new.get(column, "")):
                    changes.append(Change(table, key, column, str(old.get(column, "")), str(new.get(column, ""))))
    return changes


def code_span(text: str) -> str:
    """`text` as one Markdown code span on one line, whatever backticks or line breaks a unit put in it."""
    text = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _file_label(item: Mapping[str, str]) -> str:
    return f"{code_span(item['file_name'])} ({item['dataset']}, diterima {item['received_on']})"


def reasons(previous: Version, current: Version) -> list[str]:
    """Files added or replaced per unit, and settings that differ."""
    old = {(item["unit_code"], item["sha256"]): item for item in previous.inputs}
    new = {(item["unit_code"], item["sha256"]): item for item in current.inputs}
    lines = []
    for unit in sorted({unit for unit, _ in old} | {unit for unit, _ in new}):
        added = [_file_label(item) for key, item in new.items() if key[0] == unit and key not in old]
        gone = [_file_label(item) for key, item in old.items() if key[0] == unit and key not in new]
        if added:
            lines.append(f"{unit}: berkas baru atau perbaikan diterima: " + "; ".join(added))
        if gone:
            lines.append(f"{unit}: berkas tidak dipakai lagi (diganti atau ditarik): " + "; ".join(gone))
    for name in sorted(set(previous.settings) | set(current.settings)):
        before, after = previous.settings.get(name), current.settings.get(name)
        if before != after:
            lines.append(f"pengaturan `{name}` berubah: {before} → {after}")
    return lines


def changelog(quarter: Quarter, previous: Version, current: Version, keys: Mapping[str, tuple[str, ...]]) -> str:
    changes = value_changes(previous.tables, current.tables, keys)
    why = reasons(previous, current) or [
        "tidak ada berkas baru dan tidak ada pengaturan yang berubah: nilai dihitung ulang dari data yang sama"
    ]
    lines = [
        f"# Catatan perubahan: Triwulan {quarter.quarter} Tahun {quarter.year}, versi {current.number}",
        "",
        f"Dibandingkan dengan versi {previous.number}. Versi {previous.number} tetap tersedia dan tidak diubah.",
        "",
        "## Penyebab perubahan",
        "",
        *(f"- {line}" for line in why),
        "",
        f"## Nilai yang berubah ({len(changes)})",
        "",
    ]
    if changes:
        lines += [
            f"| Tabel | Kunci | Kolom | Versi {previous.number} | Versi {current.number} |",
            "| --- | --- | --- | --- | --- |",
            *(
                f"| {_cell(change.table)} | {_cell(' / '.join(change.key))} | {change.column} | "
                f"{_cell(change.before)} | {_cell(change.after)} |"
                for change in changes
            ),
        ]
    else:
        lines.append("Tidak ada nilai yang berubah.")
    return "\n".join(lines) + "\n"
