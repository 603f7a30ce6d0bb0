"""CSV and XLSX exports of the indicator tables and of the filtered ticket list.

Both stream with constant memory: CSV through ``StreamingHttpResponse``,
XLSX through openpyxl's write-only mode into a temporary file that is then
streamed. Text cells that a spreadsheet would read as a formula are
neutralised with a leading apostrophe; dates are Europe/Paris.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook

from helpdesk.workdays import PARIS
from stats.indicators import Indicator, StatsFilters, batches, scoped_tickets
from tickets.models import Channel, TicketStatus
from tickets.priority import Level

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    """A text cell starting like a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _period_label(filters: StatsFilters, previous: bool = False) -> str:
    period = filters.period.previous if previous else filters.period
    return _("du %(start)s au %(end)s") % {
        "start": formats.date_format(period.start.date(), "SHORT_DATE_FORMAT"),
        "end": formats.date_format(period.last_day, "SHORT_DATE_FORMAT"),
    }


def indicator_rows(indicator: Indicator, filters: StatsFilters) -> Iterator[list[Any]]:
    yield [
        _("Indicateur"),
        _("Ligne"),
        _("Période (%(period)s)") % {"period": _period_label(filters)},
        _("Période précédente (%(period)s)") % {"period": _period_label(filters, previous=True)},
        _("Unité"),
    ]
    for row in indicator.rows:
        yield [str(indicator.title), str(row.label), row.current, row.previous, str(indicator.unit)]


def _paris(moment: datetime | None) -> datetime | None:
    """Local Paris time without tzinfo: what a spreadsheet can hold."""
    return None if moment is None else moment.astimezone(PARIS).replace(tzinfo=None)


def exported_tickets(*, user: Any, filters: StatsFilters):
    """The tickets of the list export: filed in the period, within the user's scope."""
    period = filters.period
    return scoped_tickets(user=user, filters=filters).filter(created__gte=period.start, created__lt=period.end)


def ticket_rows(*, user: Any, filters: StatsFilters) -> Iterator[list[Any]]:
    """The tickets filed in the period, oldest first, read in bounded batches."""
    yield [
        _("Référence"),
        _("Titre"),
        _("Statut"),
        _("Service"),
        _("Catégorie"),
        _("Canal"),
        _("Priorité"),
        _("Déposée le"),
        _("Close le"),
        _("Close automatiquement"),
    ]
    tickets = exported_tickets(user=user, filters=filters)
    fields = ("reference", "title", "status", "service__name", "category__name", "channel", "priority", "created")
    statuses, channels, levels = dict(TicketStatus.choices), dict(Channel.choices), dict(Level.choices)
    for batch in batches(tickets, (*fields, "closed_at", "closed_automatically")):
        for _pk, ref, title, status, service, category, channel, priority, created, closed, auto in batch:
            yield [
                ref,
                title,
                str(statuses.get(status, status)),
                service,
                category,
                str(channels.get(channel, channel)),
                str(levels.get(priority, priority)),
                _paris(created),
                _paris(closed),
                _("oui") if auto else _("non"),
            ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else neutralise(value)


def csv_response(rows: Iterable[list[Any]], filename: str) -> StreamingHttpResponse:
    # Spreadsheets of the French site expect ";" (the comma is the decimal separator).
    delimiter = ";" if (get_language() or "fr").startswith("fr") else ","
    writer = csv.writer(_Echo(), delimiter=delimiter)

    def stream() -> Iterator[str]:
        yield "\ufeff"  # so that spreadsheets read UTF-8
        for row in rows:
            yield writer.writerow([_csv_text(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(rows: Iterable[list[Any]], filename: str, sheet: str) -> FileResponse:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])
    for row in rows:
        worksheet.append([neutralise(v) for v in row])
    # Write-only rows go to disk as they are appended; the file is then streamed.
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once streamed
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)
