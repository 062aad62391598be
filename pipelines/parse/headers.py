"""Map the headers units actually write to canonical column names (config/headers.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from pipelines.registry import normalise_label
from pipelines.settings import get_settings


@dataclass(frozen=True)
class ColumnRule:
    canonical: str
    aliases: frozenset[str]
    keywords: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    alongside: dict[str, frozenset[str]] = field(default_factory=dict)
    """Alias → headers beside which alone it names this column (a form tool's own column set)."""

    def matches_alias(self, header: str, headers: frozenset[str] = frozenset()) -> bool:
        return header in self.aliases or bool(self.alongside.get(header, frozenset()) & headers)

    def matches_keywords(self, header: str, headers: frozenset[str] = frozenset()) -> bool:
        words = header.split()
        return (
            bool(self.keywords)
            and all(keyword in words for keyword in self.keywords)
            and not any(word in words for word in self.exclude)
        )


NON_DATASET_KEYS = ("values", "personal", "footer_words", "worksheet_footer_words")
SHAPES = {"skm_response": ("skm_tally",)}
"""Other layouts a dataset's exports come in, each with its own column rules (never a dataset of its own)."""


_ODK_PATH = re.compile(r"^[A-Za-z_][\w.-]+(?:/[\w.-]+)*/([A-Za-z_][\w.-]*)$")


def _question_name(header: str) -> str:
    """The question's own name in a KoboToolbox/ODK header ("grp_penilaian/u1_persyaratan" → "u1_persyaratan")."""
    match = _ODK_PATH.match(header.strip())
    return match[1] if match else header


SCORES_KEPT = 4096


class HeaderError(ValueError):
    """A header that cannot be mapped unambiguously; the whole file is rejected."""


@dataclass(frozen=True)
class HeaderConfig:
    columns: dict[str, tuple[ColumnRule, ...]]
    values: dict[str, dict[str, str]]
    personal: dict[str, frozenset[str]]
    """Kind of personal data (nik, phone, email) → header aliases."""
    footer_words: tuple[str, ...]
    worksheet_footer_words: tuple[str, ...]
    """Labels that end a survey worksheet's respondent rows (Σ, NRR, IKM rows and the legend under them)."""
    _scores: dict[tuple[str, tuple[str, ...]], int] = field(default_factory=dict, compare=False, repr=False)
    """header_score's recent answers: finding a header scores the same title rows under every delimiter."""

    def datasets(self) -> list[str]:
        shapes = {shape for others in SHAPES.values() for shape in others}
        return [name for name in self.columns if name not in shapes]

    def map_headers(self, dataset: str, headers: list[str]) -> dict[str, int]:
        """Canonical column → position of the header that carries it.

        Whole-header aliases win over keywords, so "Stempel waktu" (a timestamp) is never
        mistaken for the SKM element about time ("waktu").
        """
        normalised = [normalise_label(_question_name(header)) for header in headers]
        present = frozenset(normalised)
        mapping: dict[str, int] = {}
        for match in (ColumnRule.matches_alias, ColumnRule.matches_keywords):
            for rule in self.columns[dataset]:
                if rule.canonical in mapping:
                    continue
                hits = [
                    position
                    for position, header in enumerate(normalised)
                    if position not in mapping.values() and header and match(rule, header, present)
                ]
                if len(hits) > 1:
                    names = ", ".join(f'"{headers[position]}"' for position in hits)
                    raise HeaderError(f"columns {names} all look like '{rule.canonical}'; keep one or rename")
                if hits:
                    mapping[rule.canonical] = hits[0]
        return mapping

    def header_score(self, dataset: str, row: list[str]) -> int:
        """How many canonical columns a candidate header row provides (to find it below a title block), in the
        dataset's own layout or another of its shapes."""
        key = (dataset, tuple(row))
        if key not in self._scores:
            if len(self._scores) >= SCORES_KEPT:
                self._scores.clear()
            scores = []
            for layout in (dataset, *SHAPES.get(dataset, ())):
                try:
                    scores.append(len(self.map_headers(layout, row)))
                except HeaderError:
                    scores.append(0)
            self._scores[key] = max(scores)
        return self._scores[key]

    def canonical_value(self, field: str, text: str) -> str | None:
        return self.values[field].get(normalise_label(text))

    def personal_columns(self, headers: list[str]) -> dict[str, int]:
        """Kind of personal data → position of the first header carrying it."""
        found: dict[str, int] = {}
        for position, header in enumerate(headers):
            for kind, aliases in self.personal.items():
                if kind not in found and normalise_label(header) in aliases:
                    found[kind] = position
        return found


def _parse(document: dict) -> HeaderConfig:
    columns = {
        dataset: tuple(
            ColumnRule(
                canonical=name,
                aliases=frozenset(normalise_label(alias) for alias in spec.get("aliases", [])),
                keywords=tuple(normalise_label(keyword) for keyword in spec.get("keywords", [])),
                exclude=tuple(normalise_label(word) for word in spec.get("exclude", [])),
                alongside={
                    normalise_label(alias): frozenset(normalise_label(other) for other in others)
                    for alias, others in (spec.get("alongside") or {}).items()
                },
            )
            for name, spec in specs.items()
        )
        for dataset, specs in document.items()
        if dataset not in NON_DATASET_KEYS
    }
    values = {
        field: {
            normalise_label(spelling): str(canonical)
            for canonical, spellings in mapping.items()
            for spelling in spellings
        }
        for field, mapping in document.get("values", {}).items()
    }
    personal = {
        kind: frozenset(normalise_label(alias) for alias in aliases)
        for kind, aliases in document.get("personal", {}).items()
    }
    footer_words = tuple(normalise_label(word) for word in document.get("footer_words", []))
    worksheet_words = tuple(normalise_label(word) for word in document.get("worksheet_footer_words", []))
    return HeaderConfig(
        columns=columns,
        values=values,
        personal=personal,
        footer_words=footer_words,
        worksheet_footer_words=(*footer_words, *worksheet_words),
    )


@cache
def _load(path: Path) -> HeaderConfig:
    return _parse(yaml.safe_load(path.read_text(encoding="utf-8")))


def header_config() -> HeaderConfig:
    return _load(get_settings().config_dir / "headers.yaml")
