"""Server-rendered SVG bar charts for the statistics page.

Geometry is computed here and written as SVG presentation attributes (x, y,
width, height), which a strict CSP allows; colours come from classes in the
app's static stylesheet. Each chart is paired in the template with its data
table and a one-sentence summary (RGAA, complex images).
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from stats.indicators import Indicator

register = template.Library()

# Each row: its label on a line of its own (the whole width for long French labels),
# then the bar of the period and the bar of the previous period. In viewBox units,
# which are CSS pixels as long as the page is wider than the chart: 15 px labels
# stay 15 px at 1366×768 (the chart shrinks only on narrow screens).
CHART_WIDTH = 720
BAR_AREA = 640
LABEL_SIZE = 15
LABEL_MAX_CHARS = 85
BAR_HEIGHT = 14
ROW_HEIGHT = LABEL_SIZE + 6 + 2 * BAR_HEIGHT + 2 + 12
VALUE_GAP = 6


@register.inclusion_tag("stats/_chart.html")
def bar_chart(indicator: Indicator) -> dict:
    values = [v for row in indicator.rows for v in (row.current, row.previous) if v is not None]
    top = max(values, default=0) or 1
    bars = []
    for i, row in enumerate(indicator.rows):
        y = i * ROW_HEIGHT + LABEL_SIZE + 6
        label = str(row.label)
        bars.append(
            {
                # The data table below the chart has the full text.
                "label": label if len(label) <= LABEL_MAX_CHARS else label[: LABEL_MAX_CHARS - 1] + "…",
                "label_y": i * ROW_HEIGHT + LABEL_SIZE,
                "current": _bar(row.current, top, y),
                "previous": _bar(row.previous, top, y + BAR_HEIGHT + 2),
            }
        )
    return {
        "indicator": indicator,
        "bars": bars,
        "width": CHART_WIDTH,
        "height": len(indicator.rows) * ROW_HEIGHT,
    }


def _bar(value: float | int | None, top: float, y: int) -> dict:
    width = 0 if value is None else round(BAR_AREA * value / top)
    return {
        "x": 0,
        "y": y,
        "width": width,
        "height": BAR_HEIGHT,
        "text_x": width + VALUE_GAP,
        "text_y": y + BAR_HEIGHT - 2,
        "value": "–" if value is None else value,
    }


@register.simple_tag
def chart_summary(indicator: Indicator) -> str:
    """One sentence: the largest row now, and the total against the previous period."""
    known = [row for row in indicator.rows if row.current is not None]
    if not known:
        return _("%(title)s : aucune donnée sur la période.") % {"title": indicator.title}
    top = max(known, key=lambda row: row.current)
    return _(
        "%(title)s : la valeur la plus élevée est « %(label)s » avec %(value)s %(unit)s "
        "(%(previous)s sur la période précédente)."
    ) % {
        "title": indicator.title,
        "label": top.label,
        "value": top.current,
        "unit": indicator.unit,
        "previous": "–" if top.previous is None else top.previous,
    }
