"""The queue's other orders on open tickets, and the statistics the assignee's ones need (issue 22).

EXPLAIN ANALYZE at 1,000,000 tickets (bench/_data.py; agent-0 holds 22,000 tickets, 6,700 of them
ECT or ARS, all in service 1), the query of one queue page (51 rows):

- ``tickets_open_assignee_prio``: the agent's ECT/ARS tickets by priority, page 5 (bench/queue.py's
  "queue, filters, page 5"): 48.7 ms → 1.2 ms. Without it PostgreSQL combined the assignee index and
  (service, status) in a bitmap, fetched all 6,486 rows left and sorted them.
- ``tickets_open_assignee_act``: "Attribuées à moi" by activity, 178 ms → 6 ms (the sort again).
- ``tickets_open_service_prio``: an agent's open tickets by priority, 190 ms → 0.7 ms.
- ``tickets_open_priority``: an administrator's, over every service, 1,041 ms → 6 ms.

The statistics ``tickets_assignee_service`` tell the planner that an assignee's tickets are in few
services: without them it multiplied the selectivities of ``assignee_id = …`` and ``service_id IN …``,
expected 124 rows where there were 6,486, and kept the bitmap and the sort (70 ms, the new index in a
BitmapAnd). ``ANALYZE`` fills them at once rather than at autovacuum's next pass (0.6 s at 1,000,000
tickets). PostgreSQL only: SQLite has no extended statistics.
"""

from django.conf import settings
from django.db import migrations, models

STATISTICS = [
    "CREATE STATISTICS IF NOT EXISTS tickets_assignee_service (dependencies) ON assignee_id, service_id "
    "FROM tickets_ticket",
    "ANALYZE tickets_ticket",
]
NO_STATISTICS = ["DROP STATISTICS IF EXISTS tickets_assignee_service"]


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
        ("catalogue", "0012_french_field_labels_records"),
        ("tickets", "0016_people_search_trigram_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    ("status__in", ["ADV", "ARS", "ATD", "AVS", "CTR", "DEV", "ECT", "NEW", "PEC", "REM", "TND"])
                ),
                fields=["assignee", "-last_activity_at", "-id"],
                name="tickets_open_assignee_act",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    ("status__in", ["ADV", "ARS", "ATD", "AVS", "CTR", "DEV", "ECT", "NEW", "PEC", "REM", "TND"])
                ),
                fields=["assignee", "-priority", "-last_activity_at", "-id"],
                name="tickets_open_assignee_prio",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    ("status__in", ["ADV", "ARS", "ATD", "AVS", "CTR", "DEV", "ECT", "NEW", "PEC", "REM", "TND"])
                ),
                fields=["service", "-priority", "-last_activity_at", "-id"],
                name="tickets_open_service_prio",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    ("status__in", ["ADV", "ARS", "ATD", "AVS", "CTR", "DEV", "ECT", "NEW", "PEC", "REM", "TND"])
                ),
                fields=["-priority", "-last_activity_at", "-id"],
                name="tickets_open_priority",
            ),
        ),
        migrations.RunPython(_run(STATISTICS), _run(NO_STATISTICS), elidable=False),
    ]
