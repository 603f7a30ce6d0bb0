#!/usr/bin/env python
"""Agent workspace benchmark on PostgreSQL: 200,000 tickets across 20 services.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/guichet_bench_agent \
    REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/python bench/queue.py

Creates 20 services (one leaf category each, a manager and an agent),
2,000 requesters in 10 institutions, then loads the tickets with COPY (with
their filing event and, for one ticket in two, a reply), and times with the
in-process test client (50 runs each, after one warm-up): the queue page of
one service (open tickets, 50 per page), the same queue with filters and a
later page (reached through the keyset "next" links), the agent ticket page, and the staff search (words, requester
name). Prints median and p95 in milliseconds.

Options: ``--tickets N`` (default 200000), ``--runs N`` (default 50),
``--reload`` to load again even if enough tickets are present.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

from _stats import percentile

# This file is named like the standard library's ``queue``: keep its folder off the path.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("GUICHET_TESTING", "0")

SERVICES = 20
REQUESTERS = 2000
INSTITUTIONS = 10


def _split(text: str) -> list[str]:
    return text.split()


WORDS = _split("""
imprimante messagerie courriel quota réseau wifi connexion accès compte mot passe identifiant serveur
extraction erreur écran bouton validation inscription étudiant dossier note relevé jury paiement facture
commande budget clôture version correctif poste logiciel navigateur certificat sauvegarde fichier lenteur
blocage paramétrage habilitation profil session délai requête calendrier scanner badge salle
""")
FILLER = _split("le la les un une des du de et pour avec sans dans sur depuis quand ne pas plus très bien")
FIRST_NAMES = _split("Camille Dominique Alex Sacha Claude Lou Noé Jules Léa Inès Hugo Emma Lina Tom Zoé")
LAST_NAMES = _split("Martin Bernard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel Garcia Roux Fournier")
STATUSES = ["NEW"] * 10 + ["ECT"] * 20 + ["ARS"] * 5 + ["AVS"] * 5 + ["ATD", "ADV"] * 2 + ["TER"] * 40 + ["REJ"] * 5
STATUSES += ["ABN"] * 5


def text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) if rng.random() < 0.4 else rng.choice(FILLER) for _ in range(n))


def setup_people():
    from django.contrib.auth.hashers import make_password

    from accounts.models import Institution, Membership, MembershipRole, User
    from catalogue.models import Category, CategoryKind, Service, ServiceMembership, ServiceRole

    institutions = [
        Institution.objects.get_or_create(code=f"bench{i}", defaults={"name": f"Université Bench {i}"})[0]
        for i in range(INSTITUTIONS)
    ]
    box = Category.objects.get_or_create(slug="bench", defaults={"name": "Bench", "kind": CategoryKind.GROUP})[0]
    services, categories, agents = [], [], []
    for i in range(SERVICES):
        service = Service.objects.get_or_create(slug=f"bench-{i}", defaults={"name": f"Service bench {i}"})[0]
        category = Category.objects.get_or_create(
            slug=f"bench-leaf-{i}",
            defaults={"name": f"Catégorie bench {i}", "kind": CategoryKind.LEAF, "parent": box, "service": service},
        )[0]
        for role in (ServiceRole.MANAGER, ServiceRole.AGENT):
            user = User.objects.get_or_create(
                email=f"{role}-{i}@bench.example", defaults={"first_name": role.label, "last_name": f"Bench {i}"}
            )[0]
            ServiceMembership.objects.get_or_create(service=service, user=user, defaults={"role": role})
            agents.append(user)
        services.append(service)
        categories.append(category)
    existing = set(User.objects.filter(email__endswith="@requester.bench").values_list("email", flat=True))
    rng = random.Random(7)
    new_users = [
        User(
            email=f"r{i}@requester.bench",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            password=make_password(None),
        )
        for i in range(REQUESTERS)
        if f"r{i}@requester.bench" not in existing
    ]
    User.objects.bulk_create(new_users, batch_size=1000)
    requesters = list(User.objects.filter(email__endswith="@requester.bench").order_by("pk"))
    Membership.objects.bulk_create(
        [
            Membership(user=u, institution=institutions[k % INSTITUTIONS], role=MembershipRole.MEMBER)
            for k, u in enumerate(requesters)
        ],
        ignore_conflicts=True,
    )
    return services, categories, agents, requesters


def load(n: int, services, categories, agents, requesters) -> None:
    from django.db import connection
    from django.utils import timezone

    from tickets.models import TicketCounter

    rng = random.Random(42)
    now = timezone.now()
    member_institution = {u.pk: (k % INSTITUTIONS) for k, u in enumerate(requesters)}  # same rule as setup_people
    from accounts.models import Institution

    institution_ids = list(
        Institution.objects.filter(code__startswith="bench").order_by("code").values_list("pk", flat=True)
    )
    agents_by_service = {s.pk: [a.pk for a in agents[2 * i : 2 * i + 2]] for i, s in enumerate(services)}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE tickets_ticket RESTART IDENTITY CASCADE")
        raw = cursor.cursor
        columns = (
            "reference, title, description, category_id, service_id, requester_id, institution_id, assignee_id, "
            "status, priority, domain, installed_version, internal_number, form_values, channel, created, updated, "
            "last_activity_at, closed_automatically, version"
        )
        with raw.copy(f"COPY tickets_ticket ({columns}) FROM STDIN") as copy:
            for i in range(n):
                k = rng.randrange(SERVICES)
                service, category = services[k], categories[k]
                requester = requesters[rng.randrange(len(requesters))]
                status = rng.choice(STATUSES)
                created = now - timezone.timedelta(minutes=rng.randrange(60 * 24 * 720))
                assignee = None if status == "NEW" else rng.choice(agents_by_service[service.pk])
                copy.write_row((
                    i + 1, text(rng, rng.randint(4, 9))[:200], text(rng, rng.randint(30, 80)), category.pk,
                    service.pk, requester.pk, institution_ids[member_institution[requester.pk]], assignee, status,
                    rng.randint(1, 5), "", "", "", "{}", "web", created, created, created, False, 1,
                ))  # fmt: skip
                if i and i % 50000 == 0:
                    print(f"  {i} tickets…", flush=True)
        cursor.execute(
            "INSERT INTO tickets_ticketevent (ticket_id, actor_id, action, from_status, to_status, changes, reason, "
            "created) SELECT id, requester_id, 'file', '', status, '{}', '', created FROM tickets_ticket"
        )
        with raw.copy("COPY tickets_message (ticket_id, kind, author_id, body, created) FROM STDIN") as copy:
            for ticket_id in range(1, n + 1, 2):
                copy.write_row((ticket_id, "reply", None, text(rng, rng.randint(20, 60)), now))
        cursor.execute("VACUUM ANALYZE tickets_ticket")
        cursor.execute("VACUUM ANALYZE tickets_ticketevent")
        cursor.execute("VACUUM ANALYZE tickets_message")
    TicketCounter.objects.update_or_create(name="ticket", defaults={"value": n})
    print(f"Loaded {n} tickets (+{n} events, {n // 2} messages) in {time.perf_counter() - started:.1f} s (COPY)")


def time_get(client, urls: list[str], runs: int, expect: int = 200) -> list[float]:
    client.get(urls[0])  # warm-up (counts cache, connection)
    timings = []
    for i in range(runs):
        started = time.perf_counter()
        response = client.get(urls[i % len(urls)])
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == expect, (urls[i % len(urls)], response.status_code)
    return timings


def follow_next(client, url: str, pages: int) -> str:
    """The URL of page ``pages + 1``, reached through the queue's "next" links (keyset cursors)."""
    import html
    import re

    for _ in range(pages):
        link = re.search(r'href="\?([^"]+)" rel="next"', client.get(url).content.decode())
        assert link, url
        url = f"{url.split('?')[0]}?{html.unescape(link.group(1))}"
    return url


def run(runs: int, services, agents) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tickets.models import Ticket

    agent = agents[1]  # the agent of service 0
    client = Client()
    client.force_login(agent)
    service = services[0]
    refs = list(Ticket.objects.filter(service=service).order_by("?").values_list("reference", flat=True)[:runs])
    requester = Ticket.objects.filter(service=service).select_related("requester").first().requester
    cases = {
        "queue (open, page 1)": ["/traitement/"],
        "queue (filters, page 5)": [
            follow_next(client, "/traitement/?status=ECT&status=ARS&sort=priority&assignee=mine", 4)
        ],
        "queue (all statuses, oldest)": [follow_next(client, f"/traitement/?service={service.pk}&sort=-created", 1)],
        "queue (oldest, page 40)": [follow_next(client, f"/traitement/?service={service.pk}&sort=-created", 39)],
        "ticket page": [f"/traitement/{r}/" for r in refs],
        "search (words)": ["/traitement/recherche/?q=imprimante+blocage", "/traitement/recherche/?q=certificat"],
        "search (requester)": [f"/traitement/recherche/?q={requester.email}"],
        "search (#reference)": [f"/traitement/recherche/?q=%23{r}" for r in refs],
    }
    print(f"\n{'page':<30} {'runs':>5} {'median ms':>10} {'p95 ms':>10} {'queries':>8}")
    for name, urls in cases.items():
        expect = 302 if "#reference" in name else 200
        timings = time_get(client, urls, runs, expect)
        with CaptureQueriesContext(connection) as ctx:
            client.get(urls[0])
        print(
            f"{name:<30} {runs:>5} {statistics.median(timings):>10.1f} {percentile(timings, 95):>10.1f} "
            f"{len(ctx.captured_queries):>8}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/guichet_bench_agent"
        )

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from tickets.models import Ticket

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    services, categories, agents, requesters = setup_people()
    print(f"Services, agents and {len(requesters)} requesters ready in {time.perf_counter() - started:.1f} s")
    if args.reload or Ticket.objects.count() != args.tickets:
        load(args.tickets, services, categories, agents, requesters)
    else:
        print(f"Reusing {args.tickets} tickets already loaded (--reload to load again)")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics for the bulk-loaded users and memberships too
    run(args.runs, services, agents)


if __name__ == "__main__":
    main()
