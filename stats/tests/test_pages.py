"""The statistics page: who may open it, the form's bounds, charts with their tables, query count."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stats.indicators import Indicator, Row
from stats.models import CategoryTarget
from stats.templatetags.stats_charts import BAR_AREA, bar_chart
from tickets import workflow as wf

pytestmark = pytest.mark.django_db

URL = "/traitement/statistiques/"
MAY = {"start": "2026-05-01", "end": "2026-05-31"}


def test_url_is_under_the_agent_workspace():
    assert reverse("stats:page") == URL


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 200), ("admin", 200), ("colleague", 200), ("agent", 404), ("requester", 404), ("outsider", 200)],
)
def test_page_access_by_role(request, client_for, who, status):
    # ``outsider`` is a correspondent of the other institution: the page opens, and counts nothing of ours.
    response = client_for(request.getfixturevalue(who)).get(URL)
    assert response.status_code == status


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_page_rejects_post(client_for, manager):
    assert client_for(manager).post(URL).status_code == 405


def test_page_shows_charts_tables_and_summaries(history, client_for, admin):
    response = client_for(admin).get(URL, MAY)
    html = response.content.decode()
    assert response.status_code == 200
    indicators = response.context["indicators"]
    charts = [i for i in indicators if i.chart]
    assert len(charts) >= 6 and len(indicators) > len(charts)  # tables of mixed units have no chart
    assert html.count("<svg") == len(charts) + 2  # the charts, two legend swatches
    assert html.count('<table class="stats-table">') == len(indicators)
    assert '<th scope="row">Déposées</th><td>9</td><td>2</td>' in html
    assert "la valeur la plus élevée est « Déposées » avec 9 demandes (2 sur la période précédente)" in html
    assert " style=" not in html


def test_page_in_english(history, client_for, admin):
    client = client_for(admin)
    client.cookies["django_language"] = "en"
    response = client.get(URL, MAY, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-13-45"},
        {"start": "2026-05-31", "end": "2026-05-01"},
        {"start": "2020-01-01", "end": "2026-01-01"},
        {"start": "1900-01-01", "end": "1900-01-02"},
        {"end": "9999-12-31"},
        {"service": "abc"},
        {"service": "999999"},
        {"category": "-1"},
        {"channel": "fax"},
        {"priority": "9"},
        {"priority": "x"},
        {"start": "\x00"},
    ],
)
def test_bad_query_params_are_form_errors_never_5xx(client_for, manager, params):
    client = client_for(manager)
    page = client.get(URL, params)
    assert page.status_code == 200
    assert 'id="error-summary"' in page.content.decode()
    assert client.get(reverse("stats:export", args=["volumes", "csv"]), params).status_code == 400
    assert client.get(reverse("stats:export", args=["tickets", "xlsx"]), params).status_code == 400


def test_unknown_table_is_404(client_for, manager):
    assert client_for(manager).get("/traitement/statistiques/export/nothing.csv").status_code == 404


def test_statistics_link_in_the_workspace_for_managers_only(client_for, manager, agent):
    assert 'href="/traitement/statistiques/"' in client_for(manager).get("/traitement/").content.decode()
    assert 'href="/traitement/statistiques/"' not in client_for(agent).get("/traitement/").content.decode()


def test_statistics_link_in_the_main_menu_for_correspondents(client_for, colleague, requester):
    assert 'href="/traitement/statistiques/"' in client_for(colleague).get("/").content.decode()
    assert 'href="/traitement/statistiques/"' not in client_for(requester).get("/").content.decode()


def _file(n, requester, agent, category):
    for i in range(n):
        ticket = wf.ticket_file(requester=requester, category=category, title=f"Panne {i}", description="Erreur.")
        wf.ticket_take(ticket=ticket, actor=agent)
        wf.ticket_propose(ticket=ticket, actor=agent, text="Redémarrez.")
        wf.ticket_approve(ticket=ticket, actor=requester)


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


def test_page_query_count_does_not_grow_with_tickets(client_for, manager, requester, agent, category):
    client = client_for(manager)
    _file(10, requester, agent, category)
    with_ten = _queries(client)
    _file(40, requester, agent, category)
    html = client.get(URL).content.decode()
    assert re.search(r'<th scope="row">Closes</th><td>50</td>', html)
    assert _queries(client) == with_ten


def test_target_delays_are_edited_in_the_admin(client_for, admin, category):
    client = client_for(admin)
    assert client.get("/admin/stats/categorytarget/add/").status_code == 200
    response = client.post(
        "/admin/stats/categorytarget/add/", {"category": category.pk, "response_days": "2", "resolution_days": "0"}
    )
    assert response.status_code == 200  # 0 days is refused: the form comes back with its error
    assert CategoryTarget.objects.count() == 0


def test_bar_chart_geometry_is_proportional_to_the_largest_value():
    chart = bar_chart(Indicator("x", "X", "u", rows=[Row("a", "A", 10, 5), Row("b", "B", None, 0)]))
    widths = [(bar["current"]["width"], bar["previous"]["width"]) for bar in chart["bars"]]
    assert widths == [(BAR_AREA, BAR_AREA // 2), (0, 0)]
    assert chart["bars"][1]["current"]["value"] == "–"
