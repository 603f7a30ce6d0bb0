"""The staff search document, stored on the ticket and kept up to date by PostgreSQL.

``search_vector`` = title (weight A) || description (B) || every public message
body (C); ``notes_vector`` = the internal notes (C), apart because only the
handling service may find a ticket by them. Both use ``french_unaccent``
(knowledge's migration 0002) and have a GIN index.

Why columns on ``tickets_ticket`` rather than a separate document table: the
search must combine the visibility rule (indexes on service, requester,
institution, id) with the text match. On the same table PostgreSQL ANDs the
bitmaps of both (measured on 200,000 tickets: ~57 ms cold for a word found in
half the tickets); across a join it cannot, and either scans every matching
document or the visible tickets (130–200 ms for the same query).

The triggers (PostgreSQL only; SQLite keeps the ``icontains`` fallback and
leaves the columns empty):
- ``BEFORE INSERT OR UPDATE`` on the ticket recomputes both vectors when the
  row is new, its title or description changed, or a vector was written from
  outside (a full ``save()`` carrying a stale value, or the NULL the message
  trigger writes); status changes and other updates cost nothing.
- ``AFTER INSERT / DELETE / UPDATE OF body, kind, ticket_id`` on the message
  sets the vectors of its ticket(s) to NULL, which makes the ticket trigger
  rebuild them from the current thread.
Each source is cut to a bounded length so that a huge thread never exceeds
PostgreSQL's 1 MB tsvector limit. The internal kind is ``note``
(``tickets.models.message.INTERNAL_KINDS``).

The expression indexes of migration 0002 are no longer read and are dropped.
"""

import django.contrib.postgres.search
from django.conf import settings
from django.db import migrations, models

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION tickets_ticket_search_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT'
       OR NEW.search_vector IS NULL OR NEW.notes_vector IS NULL
       OR NEW.title IS DISTINCT FROM OLD.title
       OR NEW.description IS DISTINCT FROM OLD.description
       OR NEW.search_vector IS DISTINCT FROM OLD.search_vector
       OR NEW.notes_vector IS DISTINCT FROM OLD.notes_vector THEN
        NEW.search_vector :=
            setweight(to_tsvector('french_unaccent', left(coalesce(NEW.title, ''), 1000)), 'A')
            || setweight(to_tsvector('french_unaccent', left(coalesce(NEW.description, ''), 100000)), 'B')
            || setweight(to_tsvector('french_unaccent', left(coalesce(
                (SELECT string_agg(m.body, ' ' ORDER BY m.id) FROM tickets_message m
                 WHERE m.ticket_id = NEW.id AND m.kind <> 'note'), ''), 200000)), 'C');
        NEW.notes_vector :=
            setweight(to_tsvector('french_unaccent', left(coalesce(
                (SELECT string_agg(m.body, ' ' ORDER BY m.id) FROM tickets_message m
                 WHERE m.ticket_id = NEW.id AND m.kind = 'note'), ''), 200000)), 'C');
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION tickets_message_search_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE tickets_ticket SET search_vector = NULL WHERE id = OLD.ticket_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.ticket_id <> OLD.ticket_id) THEN
        UPDATE tickets_ticket SET search_vector = NULL WHERE id = NEW.ticket_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER tickets_ticket_search_fill BEFORE INSERT OR UPDATE ON tickets_ticket
    FOR EACH ROW EXECUTE FUNCTION tickets_ticket_search_fill();
CREATE TRIGGER tickets_message_search_touch AFTER INSERT OR DELETE OR UPDATE OF body, kind, ticket_id
    ON tickets_message FOR EACH ROW EXECUTE FUNCTION tickets_message_search_touch();
"""

DROP_FUNCTIONS = """
DROP TRIGGER IF EXISTS tickets_message_search_touch ON tickets_message;
DROP TRIGGER IF EXISTS tickets_ticket_search_fill ON tickets_ticket;
DROP FUNCTION IF EXISTS tickets_message_search_touch();
DROP FUNCTION IF EXISTS tickets_ticket_search_fill();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS)
    schema_editor.execute("UPDATE tickets_ticket SET search_vector = NULL")  # the trigger fills both vectors
    schema_editor.execute("CREATE INDEX tickets_ticket_search ON tickets_ticket USING gin (search_vector)")
    schema_editor.execute("CREATE INDEX tickets_ticket_notes_search ON tickets_ticket USING gin (notes_vector)")
    schema_editor.execute("DROP INDEX IF EXISTS tickets_ticket_fts")
    schema_editor.execute("DROP INDEX IF EXISTS tickets_message_fts")


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP_FUNCTIONS)
    schema_editor.execute("DROP INDEX IF EXISTS tickets_ticket_search")
    schema_editor.execute("DROP INDEX IF EXISTS tickets_ticket_notes_search")
    # Back to migration 0002's expression indexes.
    from django.contrib.postgres.indexes import GinIndex

    from tickets.agent import fts

    schema_editor.add_index(apps.get_model("tickets", "Ticket"), GinIndex(fts.ticket_vector(), name="tickets_ticket_fts"))
    schema_editor.add_index(
        apps.get_model("tickets", "Message"), GinIndex(fts.message_vector(), name="tickets_message_fts")
    )

class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_email_only_and_bounces'),
        ('catalogue', '0002_category_help_and_slug_validation'),
        ('tickets', '0003_inbound_messages'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='ticket',
            name='notes_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='ticket',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['service', 'created', 'id'], name='tickets_service_created'),
        ),
        migrations.RunPython(install, uninstall),
    ]
