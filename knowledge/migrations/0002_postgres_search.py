"""PostgreSQL full-text search: French + unaccent configuration, trigger, GIN indexes.

Why a trigger and not a ``GeneratedField``: a generated column would have to
compile on SQLite too (this project runs on both), and its expression must be
immutable; ``to_tsvector('french_unaccent', …)`` is marked immutable but
depends on a configuration and the unaccent rules that may change, and a
trigger lets the vector be recomputed on demand (``UPDATE … SET title =
title``) after such a change. The trigger fires only when a searched column
is in the UPDATE, so counters (views, votes) do not recompute the vector.

On SQLite every step is a no-op: the fallback searches ``search_text``.
Creating the extensions needs a role allowed to do so (superuser or, since
PostgreSQL 13, database owner for trusted extensions such as these two).
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION french_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION knowledge_article_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('french_unaccent', coalesce(NEW.title, '')), 'A')
            || setweight(to_tsvector('french_unaccent', coalesce(NEW.codes, '')), 'A')
            || setweight(to_tsvector('french_unaccent', coalesce(NEW.problem, '')), 'B')
            || setweight(to_tsvector('french_unaccent', coalesce(NEW.solution, '')), 'C');
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER knowledge_article_search_vector_update
    BEFORE INSERT OR UPDATE OF title, codes, problem, solution ON knowledge_article
    FOR EACH ROW EXECUTE FUNCTION knowledge_article_search_vector()
    """,
    # Fill the vector of rows that existed before this migration.
    "UPDATE knowledge_article SET title = title",
    "CREATE INDEX knowledge_article_search_gin ON knowledge_article USING gin (search_vector)",
    "CREATE INDEX knowledge_searchword_trgm ON knowledge_searchword USING gin (word gin_trgm_ops)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_searchword_trgm",
    "DROP INDEX IF EXISTS knowledge_article_search_gin",
    "DROP TRIGGER IF EXISTS knowledge_article_search_vector_update ON knowledge_article",
    "DROP FUNCTION IF EXISTS knowledge_article_search_vector()",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
