"""The common-lexeme mask and the index the public search walks by date (PostgreSQL; see knowledge.lexemes).

Why: ranking the 1,001 most recently published matches of two common words ("messagerie quota", 2 % of
1,000,000 articles hold both) walked the (status, published_at) index and read 56,400 rows on 12,000 heap
pages to keep 1,001: EXPLAIN ANALYZE 53-64 ms, nearly all heap visits (the same walk on the index alone:
4-7 ms; a GIN bitmap: 100 ms, 18,166 matches fetched from 17,322 pages to be sorted). With each common
lexeme's bit in ``search_mask`` and that mask included in a (status, published_at DESC, id DESC) index,
the walk reads 56,400 index entries and only the 1,001 articles whose mask holds the query's bits:
8.6-16 ms on the same copy, back to back.

The trigger of 0002 now also sets the mask whenever it sets the vector. The column and the index exist on
PostgreSQL only (SQLite searches ``search_text``); the bits are given by ``assign_lexeme_bits`` (nightly),
so the mask is 0 until the base holds enough articles, and the search then takes its plain path.
"""

from django.db import migrations, models

VECTOR_AND_MASK = """
CREATE OR REPLACE FUNCTION knowledge_article_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('french_unaccent', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('french_unaccent', coalesce(NEW.codes, '')), 'A')
        || setweight(to_tsvector('french_unaccent', coalesce(NEW.problem, '')), 'B')
        || setweight(to_tsvector('french_unaccent', coalesce(NEW.solution, '')), 'C');
    NEW.search_mask := knowledge_search_mask(NEW.search_vector);
    RETURN NEW;
END $$
"""

VECTOR_ONLY = """
CREATE OR REPLACE FUNCTION knowledge_article_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('french_unaccent', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('french_unaccent', coalesce(NEW.codes, '')), 'A')
        || setweight(to_tsvector('french_unaccent', coalesce(NEW.problem, '')), 'B')
        || setweight(to_tsvector('french_unaccent', coalesce(NEW.solution, '')), 'C');
    RETURN NEW;
END $$
"""

FORWARD = [
    # A new column with a constant default: no table rewrite.
    "ALTER TABLE knowledge_article ADD COLUMN search_mask bigint NOT NULL DEFAULT 0",
    """
    CREATE FUNCTION knowledge_search_mask(vector tsvector) RETURNS bigint STABLE LANGUAGE sql AS $$
        SELECT coalesce(bit_or(1::bigint << bit), 0) FROM knowledge_searchlexeme
        WHERE lexeme = ANY(tsvector_to_array(vector))
    $$
    """,
    VECTOR_AND_MASK,
    # Existing rows keep mask 0 until bits are assigned (``assign_lexeme_bits`` recomputes their masks).
    "CREATE INDEX knowledge_article_search_walk ON knowledge_article "
    "(status, published_at DESC, id DESC) INCLUDE (search_mask)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_article_search_walk",
    VECTOR_ONLY,
    "DROP FUNCTION IF EXISTS knowledge_search_mask(tsvector)",
    "ALTER TABLE knowledge_article DROP COLUMN IF EXISTS search_mask",
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
        ('knowledge', '0004_statistics_counters'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchLexeme',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('lexeme', models.CharField(max_length=255, unique=True)),
                ('bit', models.PositiveSmallIntegerField(unique=True)),
                ('share', models.FloatField()),
            ],
            options={
                'verbose_name': 'lexème courant',
                'verbose_name_plural': 'lexèmes courants',
                'constraints': [models.CheckConstraint(condition=models.Q(('bit__lte', 62)), name='knowledge_searchlexeme_bit_range')],
            },
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
