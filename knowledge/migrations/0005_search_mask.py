"""The common-lexeme masks of the published articles, walked by date (PostgreSQL; see knowledge.lexemes).

Why: ranking the 1,001 most recently published matches of two common words ("messagerie quota", 2 % of
1,000,000 articles hold both) walked the (status, published_at) index and read 56,400 rows on 12,000 heap
pages to keep 1,001: EXPLAIN ANALYZE 53-64 ms, nearly all heap visits (the same walk on the index alone:
4-7 ms; a GIN bitmap: 100 ms, 18,166 matches fetched from 17,322 pages to be sorted). With each common
lexeme's bit in a mask, and the masks of the published articles in an index ordered by date, the walk
reads 56,400 index entries and only the 1,001 articles whose mask holds the query's bits: 8.6-16 ms on the
same copy, back to back.

Why a side table and not a column of knowledge_article: an index-only scan reads the table for every page
not marked all-visible since the last VACUUM, and every article view updates its row (view_count), so
the pages of the articles people read, the recent ones the walk starts with, would be read again. The
side table changes only when an article's text, status or publication date does.

Kept by a trigger (AFTER INSERT, UPDATE OF the searched columns, status, published_at, DELETE, and
TRUNCATE): a row per published article, its mask computed from the vector the BEFORE trigger of 0002
has just set. The bits are given by ``assign_lexeme_bits`` (nightly), so masks are 0 until the base
holds enough articles, and the search then takes its plain path. SQLite: nothing (it searches
``search_text``).
"""

from django.db import migrations, models

FORWARD = [
    """
    CREATE FUNCTION knowledge_search_mask(vector tsvector) RETURNS bigint STABLE LANGUAGE sql AS $$
        SELECT coalesce(bit_or(1::bigint << bit), 0) FROM knowledge_searchlexeme
        WHERE lexeme = ANY(tsvector_to_array(vector))
    $$
    """,
    # No foreign key: Django empties knowledge_article with TRUNCATE in tests, which a reference would
    # forbid; the triggers below remove the rows instead.
    """
    CREATE TABLE knowledge_articlemask (
        article_id bigint PRIMARY KEY,
        published_at timestamptz,
        mask bigint NOT NULL
    )
    """,
    """
    CREATE FUNCTION knowledge_article_mask() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM knowledge_articlemask WHERE article_id = OLD.id;
        ELSIF NEW.status <> 'published' THEN
            DELETE FROM knowledge_articlemask WHERE article_id = NEW.id;
        ELSE
            INSERT INTO knowledge_articlemask (article_id, published_at, mask)
            VALUES (NEW.id, NEW.published_at, knowledge_search_mask(NEW.search_vector))
            ON CONFLICT (article_id) DO UPDATE SET published_at = EXCLUDED.published_at, mask = EXCLUDED.mask
            WHERE (knowledge_articlemask.published_at, knowledge_articlemask.mask)
                  IS DISTINCT FROM (EXCLUDED.published_at, EXCLUDED.mask);
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER knowledge_article_mask_update
    AFTER INSERT OR DELETE OR UPDATE OF title, codes, problem, solution, status, published_at
    ON knowledge_article FOR EACH ROW EXECUTE FUNCTION knowledge_article_mask()
    """,
    """
    CREATE FUNCTION knowledge_article_mask_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE knowledge_articlemask;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER knowledge_article_mask_truncate
    AFTER TRUNCATE ON knowledge_article FOR EACH STATEMENT EXECUTE FUNCTION knowledge_article_mask_truncate()
    """,
    "INSERT INTO knowledge_articlemask (article_id, published_at, mask) "
    "SELECT id, published_at, knowledge_search_mask(search_vector) FROM knowledge_article "
    "WHERE status = 'published' ORDER BY published_at, id",
    # The walk: newest first, the mask read from the index itself (an index-only scan).
    "CREATE INDEX knowledge_articlemask_walk ON knowledge_articlemask "
    "(published_at DESC, article_id DESC) INCLUDE (mask)",
    "ANALYZE knowledge_articlemask",
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS knowledge_article_mask_truncate ON knowledge_article",
    "DROP TRIGGER IF EXISTS knowledge_article_mask_update ON knowledge_article",
    "DROP FUNCTION IF EXISTS knowledge_article_mask_truncate()",
    "DROP FUNCTION IF EXISTS knowledge_article_mask()",
    "DROP TABLE IF EXISTS knowledge_articlemask",
    "DROP FUNCTION IF EXISTS knowledge_search_mask(tsvector)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0004_statistics_counters"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchLexeme",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("lexeme", models.CharField(max_length=255, unique=True)),
                ("bit", models.PositiveSmallIntegerField(unique=True)),
                ("share", models.FloatField()),
            ],
            options={
                "verbose_name": "lexème courant",
                "verbose_name_plural": "lexèmes courants",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("bit__lte", 62)), name="knowledge_searchlexeme_bit_range"
                    )
                ],
            },
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
