"""CSV and XLSX exports: content, formula injection, Paris dates, visibility."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from stats.exports import neutralise
from stats.tests.conftest import History, at

pytestmark = pytest.mark.django_db

MAY = {"start": "2026-05-01", "end": "2026-05-31"}


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def _xlsx(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [tuple(row) for row in workbook.active.iter_rows(values_only=True)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Messagerie", "Messagerie"),
        (-2, -2),
        (None, None),
    ],
)
def test_neutralise_formula_starts(value, expected):
    assert neutralise(value) == expected


def test_indicator_csv_in_french(history, client_for, admin):
    response = client_for(admin).get(reverse("stats:export", args=["volumes", "csv"]), MAY)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="guichet-volumes-20260501-20260531.csv"'
    assert _csv(response) == [
        ["Indicateur", "Ligne", "Période (du 01/05/2026 au 31/05/2026)",
         "Période précédente (du 31/03/2026 au 30/04/2026)", "Unité"],
        ["Demandes déposées et closes", "Déposées", "9", "2", "demandes"],
        ["Demandes déposées et closes", "Closes", "7", "1", "demandes"],
        ["Demandes déposées et closes", "Demandes de suite (déposées après la clôture d'une autre)", "0", "0",
         "demandes"],
    ]  # fmt: skip


def test_indicator_xlsx(history, client_for, admin):
    response = client_for(admin).get(reverse("stats:export", args=["delays", "xlsx"]), MAY)
    assert response.status_code == 200
    rows = _xlsx(response)
    title, unit = "Délais en jours ouvrés (demandes closes dans la période)", "jours ouvrés"
    assert rows[1:] == [
        (title, "Première réponse, médiane", 1, 1, unit),
        (title, "Première réponse, 90e centile", 10, 1, unit),
        (title, "Résolution, médiane", 5, 3, unit),
        (title, "Résolution, 90e centile", 10, 3, unit),
    ]  # fmt: skip


def test_ticket_list_csv_neutralises_formulas_and_dates_are_paris(client_for, admin, requester, agent, category):
    h = History(requester=requester, agent=agent, category=category)
    ticket = h.file(at(5, 4, 23))  # 21:00 UTC: the Paris date is the 4th at 23:00
    type(ticket).objects.filter(pk=ticket.pk).update(title='=HYPERLINK("http://evil.example","x")')
    response = client_for(admin).get(reverse("stats:export", args=["tickets", "csv"]), MAY)
    rows = _csv(response)
    assert rows[0] == [
        "Référence", "Titre", "Statut", "Service", "Catégorie", "Canal", "Priorité", "Déposée le", "Close le",
        "Close automatiquement",
    ]  # fmt: skip
    assert rows[1:] == [
        [str(ticket.reference), '\'=HYPERLINK("http://evil.example","x")', "Nouvelle", "Assistance informatique",
         "Messagerie", "Formulaire web", "Moyenne", "2026-05-04 23:00", "", "non"],
    ]  # fmt: skip


def test_ticket_list_xlsx_neutralises_formulas_and_dates_are_paris(client_for, admin, requester, agent, category):
    h = History(requester=requester, agent=agent, category=category)
    ticket = h.file(at(5, 4, 23))
    type(ticket).objects.filter(pk=ticket.pk).update(title="@SUM(A1:A9)")
    rows = _xlsx(client_for(admin).get(reverse("stats:export", args=["tickets", "xlsx"]), MAY))
    assert rows[1] == (
        ticket.reference, "'@SUM(A1:A9)", "Nouvelle", "Assistance informatique", "Messagerie", "Formulaire web",
        "Moyenne", datetime(2026, 5, 4, 23, 0), None, "non",
    )  # fmt: skip


def test_ticket_list_in_english_has_english_headers_and_commas(history, client_for, admin):
    client = client_for(admin)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("stats:export", args=["tickets", "csv"]), MAY, HTTP_ACCEPT_LANGUAGE="en")
    text = b"".join(response.streaming_content).decode()
    assert text.count("\n") == 10  # header and the nine tickets filed in May
    assert "," in text.splitlines()[0]


def _references(response) -> set[str]:
    return {row[0] for row in _csv(response)[1:]}


def test_exports_obey_the_visibility_rule(history, client_for, manager, colleague, outsider, other_agent):
    url = reverse("stats:export", args=["tickets", "csv"])
    everything = {str(t.reference) for name, t in history.items() if name not in ("T0", "T10")}
    transferred = str(history["T6"].reference)
    assert _references(client_for(manager).get(url, MAY)) == everything - {transferred}
    assert _references(client_for(colleague).get(url, MAY)) == everything - {transferred}
    assert _references(client_for(outsider).get(url, MAY)) == set()
    assert client_for(other_agent).get(url, MAY).status_code == 404


def test_indicator_export_obeys_the_visibility_rule(history, client_for, outsider):
    response = client_for(outsider).get(reverse("stats:export", args=["volumes", "csv"]), MAY)
    assert [row[2:4] for row in _csv(response)[1:]] == [["0", "0"], ["0", "0"], ["0", "0"]]
