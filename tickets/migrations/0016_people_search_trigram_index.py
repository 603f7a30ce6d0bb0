"""A trigram index for the staff search's people match (``tickets.agent.search._people_ids``).

The search looks up requesters whose e-mail, first or last name contains each word
(``icontains``: ``UPPER(col::text) LIKE UPPER('%word%')``) before the ticket query.
Without an index that read all 50,000 users of the 1,000,000-ticket benchmark on
every search, 24 ms of the 68 ms page (issue 22); the GIN trigram index on the same
three expressions answers it as a BitmapOr of three index scans (0.1 ms). Words of
fewer than three letters have no trigram: PostgreSQL then reads the table, as before.
PostgreSQL only; ``pg_trgm`` is also created by knowledge's migration 0002.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS tickets_people_search_trgm ON accounts_user USING gin ("
    "(upper(email::text)) gin_trgm_ops, (upper(first_name::text)) gin_trgm_ops, (upper(last_name::text)) gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS tickets_people_search_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_membership_domain"),
        ("tickets", "0015_anonymise_index_with_cycle_statuses"),
    ]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
