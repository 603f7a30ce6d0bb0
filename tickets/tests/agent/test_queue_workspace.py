"""The queue as a workspace (issue 17): default view, tabs, remembered filters and panel,
working-day ages, bulk transfer targets, staleness reported first, query count."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Category, CategoryKind
from tickets import workflow as wf
from tickets.agent import ages
from tickets.models import Ticket
from tickets.status import TicketStatus

QUEUE = "/traitement/"


def listed(client, query=""):
    page = client.get(f"{QUEUE}?{query}" if query else QUEUE).content.decode()
    return {title for title in TITLES if f">{title}<" in page}


TITLES = ("Nouvelle", "Prise par moi", "Prise par le responsable", "Question posée", "Terminée")


@pytest.fixture
def five(make_ticket, agent, manager):
    tickets = {
        "Nouvelle": make_ticket(title="Nouvelle"),
        "Prise par moi": make_ticket(TicketStatus.ECT, title="Prise par moi"),
        "Prise par le responsable": make_ticket(title="Prise par le responsable"),
        "Question posée": make_ticket(TicketStatus.ARS, title="Question posée"),
        "Terminée": make_ticket(TicketStatus.TER, title="Terminée"),
    }
    wf.ticket_take(ticket=tickets["Prise par le responsable"], actor=manager)
    return tickets


@pytest.mark.django_db
def test_default_view_is_the_open_tickets_of_my_services(five, agent, client_for):
    client = client_for(agent)
    response = client.get(QUEUE)
    assert listed(client) == {"Nouvelle", "Prise par moi", "Prise par le responsable", "Question posée"}
    assert '<a href="?vue=a-traiter" aria-current="page">À traiter <span class="queue-tabs__count">4</span></a>' in (
        response.content.decode()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tab", "expected"),
    [
        ("a-traiter", {"Nouvelle", "Prise par moi", "Prise par le responsable", "Question posée"}),
        ("a-moi", {"Prise par moi", "Question posée"}),  # the fixture's agent took both
        ("non-attribuees", {"Nouvelle"}),
        ("en-attente", {"Question posée"}),
        ("closes", {"Terminée"}),
    ],
)
def test_tabs(tab, expected, five, agent, client_for):
    assert listed(client_for(agent), f"vue={tab}") == expected


@pytest.mark.django_db
def test_tab_and_status_filter_intersect(five, agent, client_for):
    client = client_for(agent)
    assert listed(client, "vue=a-traiter&status=NEW") == {"Nouvelle"}
    assert listed(client, "vue=closes&status=NEW") == set()


@pytest.mark.django_db
def test_unknown_tab_falls_back_to_the_default(five, agent, client_for):
    client = client_for(agent)
    assert client.get(f"{QUEUE}?vue=nimporte").status_code == 200
    assert listed(client, "vue=nimporte") == listed(client, "vue=a-traiter")


@pytest.mark.django_db
def test_filters_and_tab_are_remembered_per_user(five, agent, manager, client_for):
    client = client_for(agent)
    assert listed(client, "vue=closes&sort=created&after=2026-01-01T00:00:00%2B00:00~1") == set()
    agent.refresh_from_db()
    assert agent.queue_state == {"query": "vue=closes&sort=created"}  # never the cursor
    assert listed(client) == {"Terminée"}  # the bare address restores them
    page = client.get(QUEUE).content.decode()
    assert '<option value="created" selected>' in page
    # Someone else's queue is theirs.
    assert listed(client_for(manager)) == {"Nouvelle", "Prise par moi", "Prise par le responsable", "Question posée"}
    # "Réinitialiser" is the default view, explicitly.
    assert listed(client, "vue=a-traiter") == listed(client_for(manager))
    agent.refresh_from_db()
    assert agent.queue_state == {"query": "vue=a-traiter"}


@pytest.mark.django_db
def test_remembering_writes_only_when_the_filters_change(five, agent, client_for):
    client = client_for(agent)

    def user_updates(url):
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('UPDATE "accounts_user"')]

    assert len(user_updates(f"{QUEUE}?vue=closes")) == 1
    assert user_updates(f"{QUEUE}?vue=closes") == []
    assert user_updates(QUEUE) == []  # restoring is reading
    assert len(user_updates(f"{QUEUE}?vue=a-moi")) == 1


@pytest.mark.django_db
def test_filter_panel_state_is_remembered(agent, client_for):
    client = client_for(agent)
    assert 'data-queue-panel data-url="/traitement/panneau/">' in client.get(QUEUE).content.decode()
    response = client.post(reverse("agent:queue_panel"), {"open": "1"}, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 204
    agent.refresh_from_db()
    assert agent.queue_state == {"panel_open": True}
    assert 'data-queue-panel data-url="/traitement/panneau/" open>' in client.get(QUEUE).content.decode()
    response = client.post(reverse("agent:queue_panel"), {"open": "0"})  # without JS: back to the queue
    assert (response.status_code, response["Location"]) == (302, QUEUE)
    agent.refresh_from_db()
    assert agent.queue_state == {"panel_open": False}


@pytest.mark.django_db
def test_filter_panel_is_post_only_and_for_staff(requester, agent, client_for):
    assert client_for(agent).get(reverse("agent:queue_panel")).status_code == 405
    assert client_for(requester).post(reverse("agent:queue_panel"), {"open": "1"}).status_code == 404


@pytest.mark.django_db
def test_closed_panel_says_how_many_of_its_filters_apply(five, agent, category, client_for):
    page = client_for(agent).get(f"{QUEUE}?domain=x&category={category.pk}").content.decode()
    assert '<span class="queue-panel__count">(2 actifs)</span>' in page


@pytest.mark.django_db
def test_rows_show_age_and_requester_timer_in_working_days(make_ticket, agent, client_for):
    asked = make_ticket(TicketStatus.ARS, title="Question")
    monday = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    Ticket.objects.filter(pk=asked.pk).update(created=monday, expire_at=monday + datetime.timedelta(days=14))
    asked.refresh_from_db()
    timing = ages.timings([asked], now=monday + datetime.timedelta(days=7))
    # Filed 5 working days ago; closes in 4 (Wednesday 11 November is a public holiday).
    assert timing[asked.pk] == ages.RowTiming(age=5, closes_in=4)
    page = client_for(agent).get(QUEUE).content.decode()
    assert 'class="timer" title="Clôture automatique dans' in page


@pytest.mark.django_db
def test_age_of_a_closed_ticket_stops_at_its_closure(make_ticket):
    done = make_ticket(TicketStatus.TER)
    monday = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    Ticket.objects.filter(pk=done.pk).update(created=monday, closed_at=monday + datetime.timedelta(days=2))
    done.refresh_from_db()
    assert ages.timings([done], now=monday + datetime.timedelta(days=30))[done.pk] == ages.RowTiming(2, None)


@pytest.mark.django_db
def test_queue_costs_at_most_11_queries_with_remembered_filters(five, agent, client_for, django_assert_max_num_queries):
    client = client_for(agent)
    client.get(f"{QUEUE}?vue=a-moi&priority=3&sort=priority")
    client.get(QUEUE)  # counts and navigation cached
    with django_assert_max_num_queries(11):  # 12 before issue 17, with fewer columns
        assert client.get(QUEUE).status_code == 200


# --- Bulk ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_bulk_transfer_offers_only_other_services_categories(five, agent, category, other_category, client_for):
    sibling = Category.objects.create(
        name="Listes", slug="listes", parent=category.parent, kind=CategoryKind.LEAF, service=category.service
    )
    page = client_for(agent).get(QUEUE).content.decode()
    options = page.split('id="bulk-category">')[1].split("</select>")[0]
    assert f'<option value="{other_category.pk}">Scolarité — Inscriptions</option>' in options
    assert f'value="{category.pk}"' not in options and f'value="{sibling.pk}"' not in options


@pytest.mark.django_db
def test_bulk_reports_a_stale_ticket_before_a_refusal(make_ticket, agent, category, client_for):
    ticket = make_ticket(title="Modifiée")
    shown = f"{ticket.reference}:{ticket.version}"
    wf.ticket_take(ticket=ticket, actor=agent)  # meanwhile
    # Transferring to the same service would be refused too; the agent must first learn it changed.
    response = client_for(agent).post(
        reverse("agent:bulk"), {"action": "transfer", "tickets": [shown], "category": category.pk}
    )
    page = response.content.decode()
    assert "Cette demande a été modifiée entre-temps" in page
    assert "même service" not in page
    assert 'class="bulk-stale"' in page


@pytest.mark.django_db
def test_bulk_toolbar_comes_before_the_rows(five, agent, client_for):
    page = client_for(agent).get(QUEUE).content.decode()
    assert page.index('id="bulk-form"') < page.index("data-queue-row")
    assert 'id="select-all" data-select-all hidden' in page  # shown by static/js/queue.js


@pytest.mark.django_db
def test_staff_pages_use_the_full_width(agent, requester, client_for):
    assert '<body class="layout-staff page-queue">' in client_for(agent).get(QUEUE).content.decode()
    assert '<body class="layout-staff ">' in client_for(agent).get("/demandes/signets/").content.decode()
    assert '<body class="layout-reading ">' in client_for(requester).get("/demandes/signets/").content.decode()
    assert '<body class="layout-reading ">' in client_for(agent).get("/").content.decode()


@pytest.mark.django_db
def test_bookmarks_page_marks_only_signets_current(requester, client_for):
    page = client_for(requester).get("/demandes/signets/").content.decode()
    assert page.count('aria-current="page"') == 1
    assert 'href="/demandes/signets/" aria-current="page">Signets<' in page


@pytest.mark.django_db
def test_shortcuts_script_and_help_follow_the_preference(agent, client_for):
    client = client_for(agent)
    page = client.get(QUEUE).content.decode()
    assert "js/shortcuts" in page and 'id="shortcuts-help"' in page
    agent.keyboard_shortcuts = False
    agent.save(update_fields=["keyboard_shortcuts"])
    page = client.get(QUEUE).content.decode()
    assert "js/shortcuts" not in page and 'id="shortcuts-help"' not in page
