"""Bar charts as self-contained inline SVG: no script, no stylesheet, no font or library from elsewhere.

:func:`bar_chart` draws one group of horizontal bars per category (a unit, a year), one bar per series,
with the category's label on the left, the value at the end of each bar, a value axis with ticks under
the bars and a zero line (negative values run left of it), and a legend when there are several series.
For assistive technology the ``<svg>`` is ``role="img"`` with a ``<title>`` and a ``<desc>``, and every
bar has its own ``<title>`` (label, series, value) — also the tooltip of a pointer.

Text widths are estimated (a CJK character as wide as two Latin ones: ``unicodedata.east_asian_width``)
since no font is measured; long labels are cut with an ellipsis.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from budgetlod.query.output import cut, width

FONT = 12  # px
CHAR = 6.6  # px a narrow character takes at FONT (a wide one: twice)
BAR = 16  # px a bar
GAP = 10  # px between groups
PLOT = 460  # px of the value axis
MAX_LABEL = 40  # display columns of a label, at most
COLOURS = ("#2f6db5", "#e08a1e", "#3a9a5b", "#b8433f", "#7d5ba6", "#5f6b7a")
MAX_CATEGORIES = 60


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal | None]


def text_px(text: str) -> float:
    return width(text) * CHAR


def nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about ``ticks`` intervals over ``span``."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)


def short_number(value: float) -> str:
    """A tick label: 亿 (10^8) and 万 (10^4) as Chinese budgets write large amounts, else the number."""
    magnitude = abs(value)
    if magnitude >= 1e8:
        return f"{value / 1e8:g}亿"
    if magnitude >= 1e4:
        return f"{value / 1e4:g}万"
    return f"{value:g}"


def full_number(value: Decimal) -> str:
    """A value at a bar's end: thousands separators, the decimals the value has (at most two)."""
    quantized = value.quantize(Decimal("0.01")) if value != value.to_integral_value() else value.quantize(Decimal(1))
    return f"{quantized:,}"


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    description: str = "",
    ident: str = "chart",
) -> str:
    """The SVG markup of a horizontal bar chart (values that are None are not drawn, their label shows —)."""
    categories = list(categories)[:MAX_CATEGORIES]
    values = [v for s in series for v in list(s.values)[: len(categories)] if v is not None]
    low = float(min([Decimal(0), *values]))
    high = float(max([Decimal(0), *values]))
    if low == high:
        high = low + 1.0
    step = nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    labels = [cut(c, MAX_LABEL) for c in categories]
    label_px = min(max((text_px(label) for label in labels), default=0.0), MAX_LABEL * CHAR) + 12
    value_px = max((text_px(full_number(v)) for v in values), default=0.0) + 10
    legend_h = 22 if len(series) > 1 else 0
    group_h = BAR * max(1, len(series)) + GAP
    top = 10 + legend_h
    plot_h = group_h * len(categories)
    left = label_px + (value_px if low < 0 else 0)  # room for the values of negative bars
    total_w = left + PLOT + value_px + 10
    total_h = top + plot_h + 36

    def x(value: float) -> float:
        return left + (value - low) / (high - low) * PLOT

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{total_w:.0f}" '
        f'height="{total_h:.0f}" viewBox="0 0 {total_w:.0f} {total_h:.0f}" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="sans-serif" font-size="{FONT}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description or title)}</desc>',
    ]
    if len(series) > 1:
        position = left
        for index, item in enumerate(series):
            colour = COLOURS[index % len(COLOURS)]
            out.append(f'<rect x="{position:.1f}" y="8" width="12" height="12" fill="{colour}"/>')
            out.append(f'<text x="{position + 16:.1f}" y="18" class="legend">{escape(item.name)}</text>')
            position += 16 + text_px(item.name) + 18
    # value axis: grid lines and tick labels
    tick = low
    axis_y = top + plot_h
    while tick <= high + step / 2:
        tx = x(tick)
        out.append(f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{axis_y}" stroke="#e3e6ea"/>')
        out.append(f'<text x="{tx:.1f}" y="{axis_y + 16}" text-anchor="middle" fill="#555">{short_number(tick)}</text>')
        tick += step
    out.append(f'<line x1="{left}" y1="{axis_y}" x2="{left + PLOT}" y2="{axis_y}" stroke="#888" class="axis"/>')
    if unit:
        out.append(f'<text x="{left + PLOT:.1f}" y="{axis_y + 32}" text-anchor="end" fill="#555">{escape(unit)}</text>')
    zero = x(0.0)
    for row, label in enumerate(labels):
        group_top = top + row * group_h + GAP / 2
        middle = group_top + BAR * max(1, len(series)) / 2
        out.append(
            f'<text x="{left - 8:.1f}" y="{middle + 4:.1f}" text-anchor="end" class="label">{escape(label)}</text>'
        )
        for index, item in enumerate(series):
            value = list(item.values)[row] if row < len(item.values) else None
            y = group_top + index * BAR
            if value is None:
                out.append(f'<text x="{zero + 4:.1f}" y="{y + BAR - 4:.1f}" fill="#888">—</text>')
                continue
            end = x(float(value))
            x0, x1 = min(zero, end), max(zero, end)
            colour = COLOURS[index % len(COLOURS)]
            name = f"{categories[row]} · {item.name}" if len(series) > 1 else categories[row]
            shown = full_number(value)
            out.append(
                f'<rect class="bar" x="{x0:.1f}" y="{y + 1:.1f}" width="{max(x1 - x0, 0.5):.1f}" '
                f'height="{BAR - 3}" fill="{colour}"><title>{escape(name)}: {shown}{escape(unit)}</title></rect>'
            )
            if value < 0:
                out.append(f'<text x="{x0 - 4:.1f}" y="{y + BAR - 4:.1f}" text-anchor="end">{shown}</text>')
            else:
                out.append(f'<text x="{x1 + 4:.1f}" y="{y + BAR - 4:.1f}">{shown}</text>')
    out.append(f'<line x1="{zero:.1f}" y1="{top}" x2="{zero:.1f}" y2="{axis_y}" stroke="#333" class="zero"/>')
    out.append("</svg>")
    return "\n".join(out)
