"""Set-based generation of the benchmark data (shared by the bench scripts).

Everything is one ``INSERT … SELECT generate_series`` per table: PostgreSQL
draws the words from arrays with a hash of the row number, so 1,000,000
tickets load in minutes (most of it the search-vector trigger) and the same
size always gives the same rows. The database is created once and reused:
``load_tickets`` does nothing when it already holds the requested count.
"""

from __future__ import annotations

import os
import time

SERVICES = 20
INSTITUTIONS = 10
TICKETS_PER_REQUESTER = 20  # 50,000 requesters at 1,000,000 tickets


def _words(text: str) -> list[str]:
    return text.split()


WORDS = _words("""
imprimante messagerie courriel quota réseau wifi connexion accès compte mot passe identifiant serveur
extraction erreur écran bouton validation inscription étudiant dossier note relevé jury paiement facture
commande budget clôture version correctif poste logiciel navigateur certificat sauvegarde fichier lenteur
blocage paramétrage habilitation profil session délai requête calendrier scanner badge salle
""")
FILLER = _words("le la les un une des du de et pour avec sans dans sur depuis quand ne pas plus très bien")
FIRST_NAMES = _words("Camille Dominique Alex Sacha Claude Lou Noé Jules Léa Inès Hugo Emma Lina Tom Zoé")
LAST_NAMES = _words("Martin Bernard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel Garcia Roux Fournier")
# Open: NEW 10 %, ECT 20 %, ARS 5 %, AVS 5 %, ATD 2 %, ADV 2 %; closed: TER 40 %, REJ 5 %, ABN 5 % (of 94).
STATUSES = ["NEW"] * 10 + ["ECT"] * 20 + ["ARS"] * 5 + ["AVS"] * 5 + ["ATD", "ADV"] * 2 + ["TER"] * 40
STATUSES += ["REJ"] * 5 + ["ABN"] * 5


def ensure_database(url: str) -> None:
    """Create the database named at the end of ``url`` if it does not exist yet."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup(database_url: str) -> None:
    """Point Django at ``database_url`` (created if missing), set it up and migrate."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    os.environ.setdefault("GUICHET_TESTING", "0")
    ensure_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# A uniform pseudo-random integer in [0, 2^32) from a bigint, inlined by the planner.
HASH = """
CREATE OR REPLACE FUNCTION bench_h(bigint) RETURNS bigint IMMUTABLE PARALLEL SAFE LANGUAGE sql
AS 'SELECT hashint8($1)::bigint + 2147483648';
CREATE OR REPLACE FUNCTION bench_words(seed bigint, n int, words text[], filler text[]) RETURNS text
IMMUTABLE PARALLEL SAFE LANGUAGE sql AS $$
    SELECT string_agg(CASE WHEN bench_h(seed * 131 + k) %% 5 < 2
                           THEN words[1 + bench_h(seed * 137 + k) %% cardinality(words)]
                           ELSE filler[1 + bench_h(seed * 139 + k) %% cardinality(filler)] END, ' ')
    FROM generate_series(1, n) AS k
$$;
"""

PEOPLE = """
INSERT INTO accounts_user (password, is_superuser, email, first_name, last_name, profile, language, is_email_only,
    intro_dismissed, notification_opt_outs, is_staff, is_active, date_joined, student_number, phone, postal_address,
    keyboard_shortcuts, queue_state)
SELECT '!', false, 'r' || i || '@requester.bench',
    (%(first)s::text[])[1 + bench_h(i) %% cardinality(%(first)s::text[])],
    (%(last)s::text[])[1 + bench_h(i + 7) %% cardinality(%(last)s::text[])],
    'staff', 'fr', false, true, '[]'::jsonb, false, true, now(), '', '', '', true, '{}'::jsonb
FROM generate_series(1, %(requesters)s) AS i
ON CONFLICT DO NOTHING;
INSERT INTO accounts_membership (role, institution_id, user_id, domain)
SELECT CASE WHEN k <= %(institutions)s THEN 'functional' ELSE 'member' END,
       (%(inst)s::bigint[])[1 + (k - 1) %% %(institutions)s], id, ''
FROM (SELECT id, row_number() OVER (ORDER BY id) AS k FROM accounts_user
      WHERE email LIKE '%%@requester.bench') AS r
ON CONFLICT DO NOTHING;
"""

# Requester k (1-based, by id) belongs to institution (k - 1) mod 10; the first ten are its correspondents.
TICKETS = """
WITH r AS (SELECT array_agg(id ORDER BY id) AS ids FROM accounts_user WHERE email LIKE '%%@requester.bench'),
     t AS (SELECT i, 1 + bench_h(i * 3) %% %(services)s AS s, 1 + bench_h(i * 5) %% cardinality(r.ids) AS k,
                  (%(statuses)s::text[])[1 + bench_h(i * 11) %% cardinality(%(statuses)s::text[])] AS status,
                  now() - (bench_h(i * 13) %% (720 * 24 * 60)) * interval '1 minute' AS created, r.ids
           FROM generate_series(1, %(n)s) AS i, r)
INSERT INTO tickets_ticket (id, reference, title, description, category_id, service_id, requester_id,
    institution_id, assignee_id, status, priority, domain, installed_version, internal_number, form_values,
    channel, created, updated, last_activity_at, closed_at, closed_automatically, version, etat, origin)
SELECT i, i, left(bench_words(i, 4 + (i %% 6)::int, %(words)s, %(filler)s), 200),
    bench_words(i + %(n)s, 20 + (i %% 25)::int, %(words)s, %(filler)s),
    (%(categories)s::bigint[])[s], (%(service_ids)s::bigint[])[s], ids[k],
    (%(inst)s::bigint[])[1 + (k - 1) %% %(institutions)s],
    CASE WHEN status = 'NEW' THEN NULL ELSE (%(agents)s::bigint[])[2 * s - (i %% 2)::int] END,
    status, 1 + bench_h(i * 17) %% 5, '', '', '', '{}'::jsonb, 'web', created, created,
    created + (bench_h(i * 19) %% (7 * 24 * 60)) * interval '1 minute',
    CASE WHEN status IN ('TER', 'REJ', 'ABN') THEN created + interval '8 days' END, false, 1, '', ''
FROM t
"""

# One reply on one ticket in four, inserted *before* their tickets (the foreign keys are deferred) so the
# tickets' insert trigger reads them once instead of the message trigger touching every ticket again.
MESSAGES = """
INSERT INTO tickets_message (ticket_id, kind, author_id, body, created, sender_verified)
SELECT i, 'reply', NULL, bench_words(i + 2 * %(n)s, 15 + (i %% 30)::int, %(words)s, %(filler)s), now(), true
FROM generate_series(1, %(n)s, 4) AS i
"""

AFTER = """
INSERT INTO tickets_ticketevent (ticket_id, actor_id, action, from_status, to_status, from_etat, to_etat, changes,
    reason, created)
SELECT id, requester_id, 'file', '', status, '', '', '{}', '', created FROM tickets_ticket;
-- One ticket in twenty is watched by another requester.
INSERT INTO tickets_watcher (ticket_id, user_id, created)
SELECT t.id, r.ids[1 + bench_h(t.id * 23) %% cardinality(r.ids)], now()
FROM tickets_ticket AS t,
     (SELECT array_agg(id ORDER BY id) AS ids FROM accounts_user WHERE email LIKE '%%@requester.bench') AS r
WHERE t.id %% 20 = 0
ON CONFLICT DO NOTHING;
SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), (SELECT max(id) FROM tickets_ticket));
"""


def setup_staff():
    """20 services with one leaf category, a manager and an agent each; 10 institutions; one administrator."""
    from accounts.models import Institution, User
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
    admin = User.objects.get_or_create(
        email="admin@bench.example", defaults={"first_name": "Admin", "last_name": "Bench", "is_staff": True}
    )[0]
    if not admin.is_staff:
        User.objects.filter(pk=admin.pk).update(is_staff=True)
    return institutions, services, categories, agents, admin


def load_tickets(n: int, *, reload: bool = False) -> None:
    """``n`` tickets over 20 services and ``n / 20`` requesters, with events, replies and watchers."""
    from django.db import connection, transaction

    from tickets.models import Ticket, TicketCounter

    institutions, services, categories, agents, _admin = setup_staff()
    if not reload and Ticket.objects.count() == n:
        print(f"Reusing the {n:,} tickets already loaded (--reload to load again)")
        return
    params = {
        "n": n,
        "requesters": max(n // TICKETS_PER_REQUESTER, 100),
        "services": SERVICES,
        "institutions": INSTITUTIONS,
        "inst": [i.pk for i in institutions],
        "service_ids": [s.pk for s in services],
        "categories": [c.pk for c in categories],
        "agents": [a.pk for a in agents],
        "statuses": STATUSES,
        "words": WORDS,
        "filler": FILLER,
        "first": FIRST_NAMES,
        "last": LAST_NAMES,
    }
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE tickets_ticketevent, tickets_message, tickets_attachment, tickets_watcher, tickets_ticket "
            "RESTART IDENTITY CASCADE"
        )
        cursor.execute(HASH.replace("%%", "%"))
        cursor.execute(PEOPLE, params)
        for name, sql in (("messages", MESSAGES), ("tickets", TICKETS), ("events, watchers", AFTER)):
            step = time.perf_counter()
            cursor.execute(sql, params)
            print(f"  {name}: {time.perf_counter() - step:.1f} s", flush=True)
    with connection.cursor() as cursor:
        for table in ("tickets_ticket", "tickets_ticketevent", "tickets_message", "tickets_watcher", "accounts_user"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("ANALYZE")
    TicketCounter.objects.update_or_create(name="ticket", defaults={"value": n})
    print(f"Loaded {n:,} tickets (+ events, {n // 4:,} replies, {n // 20:,} watchers) in "
          f"{time.perf_counter() - started:.1f} s (INSERT … SELECT generate_series)")  # fmt: skip
