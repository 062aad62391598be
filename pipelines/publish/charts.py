"""The report's charts: matplotlib figures returned as inline `<svg>` text, drawn from plain numbers.

Text stays text (svg.fonttype none) so the page can be searched, copied and read aloud, and a fixed
hash salt with no date stamp makes the same figures give the same bytes in every re-publication.
"""

from __future__ import annotations

import html
import io
import textwrap
from collections.abc import Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

from pipelines.indicators.skm import GRADES
from pipelines.publish.cells import decimal_comma

WIDTH_INCHES = 7.0  # A4 text width at 15 mm margins: the PDF prints the charts at 1:1
STYLE = {"svg.fonttype": "none", "svg.hashsalt": "monev", "font.family": "DejaVu Sans", "font.size": 8}
NO_STAMP = {"Date": None, "Creator": None, "Format": None, "Type": None}
GRADE_COLOURS = {"A": "#a6d8b0", "B": "#b9d3ec", "C": "#f7dc9c", "D": "#f0aaa4"}
INK, BAR = "#1b1b1b", "#2f5d8a"
IKM_FLOOR, IKM_CEILING = 25.0, 100.0
NRR_PER_IKM = 1 / 25  # IKM = NRR × 25, so the grade bounds on the 1..4 element scale are the IKM bounds / 25


def _style() -> AbstractContextManager:
    import matplotlib

    return matplotlib.rc_context(STYLE)


def _wrap(label: str) -> str:
    return textwrap.fill(label, 30)


def _svg(figure, name: str, title: str) -> str:
    """Inline SVG: no XML prolog, ids prefixed so several charts can share one page, labelled for screen readers."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Title": title, **NO_STAMP})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = svg.replace('id="', f'id="{name}-').replace("url(#", f"url(#{name}-").replace('href="#', f'href="#{name}-')
    return svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(title)}" ', 1)


@dataclass(frozen=True)
class IkmBar:
    unit_name: str
    value: float
    grade: str
    """The grade letter, with "?" when the interval crosses a grade boundary."""
    interval: tuple[float, float] | None
    """The 95% confidence interval, drawn as a whisker; None when there is none (a single respondent)."""


def ikm_chart(bars: Sequence[IkmBar], title: str) -> str:
    """IKM per unit as bars from the scale's floor over the shaded A–D bands, each with its 95% interval as a
    whisker, highest on top."""
    from matplotlib.figure import Figure

    rows = sorted(bars, key=lambda bar: bar.value)  # barh draws bottom-up
    with _style():
        figure = Figure(figsize=(WIDTH_INCHES, 1.0 + 0.42 * len(rows)), layout="constrained")
        axes = figure.add_subplot()
        upper = IKM_CEILING
        for lower, grade, label in GRADES:
            axes.axvspan(float(lower), upper, color=GRADE_COLOURS[grade], alpha=0.55, linewidth=0)
            axes.text(
                (float(lower) + upper) / 2,
                1.01,
                f"{grade}\n{label}",
                transform=axes.get_xaxis_transform(),
                ha="center",
                va="bottom",
                color=INK,
            )
            upper = float(lower)
        for position, bar in enumerate(rows):
            axes.barh(position, bar.value - IKM_FLOOR, left=IKM_FLOOR, height=0.6, color=BAR)
            low, high = bar.interval or (bar.value, bar.value)
            if bar.interval:
                axes.errorbar(bar.value, position, xerr=[[bar.value - low], [high - bar.value]], fmt="none",
                              ecolor=INK, elinewidth=1.2, capsize=4)  # fmt: skip
            inside = low - IKM_FLOOR > 12  # the label fits in the bar, left of the whisker
            axes.text(
                low - 0.8 if inside else high + 0.8,
                position,
                f"{decimal_comma(bar.value)} ({bar.grade})",
                ha="right" if inside else "left",
                va="center",
                color="white" if inside else INK,
                fontweight="bold",
            )
        axes.set_yticks(range(len(rows)), [_wrap(bar.unit_name) for bar in rows])
        axes.set_xlim(IKM_FLOOR, IKM_CEILING)
        axes.set_xlabel("IKM (skala 25–100), dengan selang kepercayaan 95%")
        axes.spines[["top", "right"]].set_visible(False)
        return _svg(figure, "ikm", title)


def on_time_chart(rates: Mapping[str, Mapping[str, float]], quarters: Sequence[str], title: str) -> str:
    """unit → quarter → percent as grouped bars, oldest quarter first; a quarter a unit lacks leaves a gap."""
    from matplotlib import colormaps
    from matplotlib.figure import Figure

    units = list(rates)
    bar = 0.8 / len(quarters)
    shades = colormaps["Blues"]
    with _style():
        figure = Figure(figsize=(WIDTH_INCHES, 1.0 + len(units) * (0.2 + 0.16 * len(quarters))), layout="constrained")
        axes = figure.add_subplot()
        for index, quarter in enumerate(quarters):
            colour = shades(0.4 + 0.5 * (index + 1) / len(quarters))
            offset = -0.4 + bar * (index + 0.5)
            drawn = [(position, rates[unit][quarter]) for position, unit in enumerate(units) if quarter in rates[unit]]
            axes.barh(
                [position + offset for position, _ in drawn],
                [rate for _, rate in drawn],
                height=bar * 0.9,
                color=colour,
                label=quarter,
            )
            for position, rate in drawn:
                axes.text(rate + 0.8, position + offset, decimal_comma(rate, 1), va="center", fontsize=6.5, color=INK)
        axes.set_yticks(range(len(units)), [_wrap(unit) for unit in units])
        axes.invert_yaxis()  # first unit and oldest quarter on top, reading order
        axes.set_xlim(0, 108)
        axes.set_xticks(range(0, 101, 20))
        axes.set_xlabel("Layanan selesai tepat waktu (%)")
        axes.spines[["top", "right"]].set_visible(False)
        figure.legend(loc="outside upper center", ncols=len(quarters), frameon=False)
        return _svg(figure, "tepat-waktu", title)


def element_heatmap(
    scores: Sequence[tuple[str, Sequence[float | None], Collection[int]]], element_labels: Sequence[str], title: str
) -> str:
    """(unit, nine element averages, indices of its weakest) as a grid coloured by the A–D bands, weakest outlined."""
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    bands = list(reversed(GRADES))  # D..A, lowest bound first
    bounds = [float(lower) * NRR_PER_IKM for lower, _, _ in bands] + [IKM_CEILING * NRR_PER_IKM]
    colours = ListedColormap([GRADE_COLOURS[grade] for _, grade, _ in bands])
    matrix = [[float("nan") if value is None else value for value in values] for _, values, _ in scores]
    with _style():
        figure = Figure(figsize=(WIDTH_INCHES, 1.3 + 0.42 * len(scores)), layout="constrained")
        axes = figure.add_subplot()
        axes.imshow(matrix, cmap=colours, norm=BoundaryNorm(bounds, len(bands)), aspect="auto")
        for row, (_, values, weakest) in enumerate(scores):
            for column, value in enumerate(values):
                text = "–" if value is None else decimal_comma(value)
                axes.text(
                    column,
                    row,
                    text,
                    ha="center",
                    va="center",
                    color=INK,
                    fontweight="bold" if column in weakest else "normal",
                )
            for column in weakest:
                axes.add_patch(
                    Rectangle((column - 0.46, row - 0.44), 0.92, 0.88, fill=False, edgecolor=INK, linewidth=2)
                )
        axes.set_xticks(range(len(element_labels)), element_labels)
        axes.set_yticks(range(len(scores)), [_wrap(name) for name, _, _ in scores])
        axes.tick_params(length=0)
        axes.xaxis.tick_top()
        axes.spines[:].set_visible(False)
        lower_bounds = [decimal_comma(bound, 4) for bound in bounds]  # the regulation's interval table has 4 decimals
        legend = [
            Patch(color=GRADE_COLOURS[grade], label=f"{grade} {label} (≥ {lower_bounds[index]})")
            for index, (_, grade, label) in reversed(list(enumerate(bands)))
        ]
        legend.append(Patch(fill=False, edgecolor=INK, linewidth=2, label="unsur terlemah"))
        figure.legend(handles=legend, loc="outside lower center", ncols=3, frameon=False)
        return _svg(figure, "unsur-skm", title)
