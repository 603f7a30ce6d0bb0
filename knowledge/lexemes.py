"""The common-lexeme mask: a fast ordered walk for queries made of common words (PostgreSQL).

Why: the public search ranks the 1,001 most recently published matches
(``search_with_count``'s candidates). For two common words ("messagerie
quota", 2 % of a million articles hold both) PostgreSQL walks the
(status, published_at) index and tests the vector of each article it meets:
56,000 heap rows on 12,000 pages for 1,001 kept, 45-55 ms, nearly all of it
the heap visits (the same walk reading only the index takes 4-7 ms). A GIN
bitmap is worse (18,000 matches fetched from 17,000 pages to sort them: 100 ms).

What: ``SearchLexeme`` gives each of the (at most 63) most common lexemes of
the published articles a bit; ``knowledge_articlemask`` (migration 0005) holds
for each published article the bits of the lexemes it holds, with an index
(published_at DESC, article_id DESC) INCLUDE (mask), so that PostgreSQL walks
the articles by date reading the index alone, keeping those whose mask holds
every bit of the query; only they are read from the article table and tested
with the real ``search_vector @@ query`` (so the mask can only save work, never
change a result). EXPLAIN ANALYZE on 1,000,000 articles, "messagerie quota":
8.6-16 ms instead of 53-64 ms, 1,001 rows read from the table instead of 56,400.

When: only for queries whose every lexeme has a bit and whose words are
common enough together that the plain walk would be long and still end
early; the decision is taken by PostgreSQL inside the same statement (a
one-time filter on each branch of a UNION ALL), so the search still runs
three queries. Everything else (a rare word, a minus, "or", an error code,
staff searches of drafts) runs the plain query, unchanged.

Keeping the masks right: a lexeme's bit is never given back nor moved; bits
are only added, by ``assign_lexeme_bits`` (nightly, with the word list), which
locks the article table against writes while it sets the new bits of every
article holding the new lexemes, in the same transaction. A trigger on the
article table keeps the masks (insert, update of the text, status or
publication date, delete, truncate).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from knowledge.models import Article, SearchLexeme

# A bigint has 63 bits besides its sign; keeping the sign clear lets ``mask & q >= q`` stand for "holds every bit".
MAX_BITS = 63
# Lexemes held by fewer published articles are not worth a bit: the plain walk or the GIN index find them fast.
MIN_SHARE = 0.01
# No bits before the base holds this many published articles: the bits are permanent, the common words of
# the first few articles are not those of the base, and below this size the plain walk is short anyway.
MIN_ARTICLES = 10_000
# The walk is taken when the estimated share of articles holding every lexeme of the query (product of their
# shares) lies between these: above, the plain walk ends within a few thousand rows anyway; below, the
# walk would read more than candidates / MIN_JOINT_SHARE index entries (≈ 250,000 for 1,001 candidates;
# 153,000 took 10 ms for "erreur connexion", as long as its GIN bitmap) and the GIN index is the better way.
MIN_JOINT_SHARE = 0.004
MAX_JOINT_SHARE = 0.2


def walk_eligible(q: str) -> bool:
    """Whether every lexeme of ``q`` must be present in a match: no "or", no minus (websearch syntax)."""
    tokens = q.split()
    return bool(tokens) and not any(t.lower() == "or" or t.startswith("-") for t in tokens)


def candidate_ids(qs: QuerySet[Article], q: str, query, candidates: int) -> list[int]:
    """The ids of the ``candidates`` most recently published articles of ``qs`` matching ``query``
    (``websearch_to_tsquery`` of ``q``), ``qs`` holding published articles only.

    One statement: the masked walk when the lexemes of ``q`` all have a bit and are common enough,
    else the plain query of ``search_with_count``, which PostgreSQL plans as before.
    """
    plain_sql, plain_params = (
        qs.filter(search_vector=query).order_by("-published_at", "-pk").values_list("pk", flat=True)[:candidates]
    ).query.sql_with_params()
    # The articles of ``qs`` matching the query, one row read by primary key per article the walk keeps.
    match_sql, match_params = (
        qs.filter(Q(search_vector=query), pk=RawSQL('"kb_walk"."article_id"', ()))
        .order_by()
        .values_list("pk", flat=True)[:1]
    ).query.sql_with_params()
    # Built from the model's own table names and Django's compiled SQL; every value travels as a parameter.
    sql = f"""
        WITH kb_gate AS MATERIALIZED (
            SELECT coalesce(bit_or(1::bigint << l.bit), 0) AS mask,
                   count(l.lexeme) = cardinality(w.lexemes) AND cardinality(w.lexemes) > 0
                   AND exp(sum(ln(greatest(l.share, 1e-9)))) BETWEEN %s AND %s AS walk
            FROM (SELECT tsvector_to_array(to_tsvector('french_unaccent', %s)) AS lexemes) AS w
            LEFT JOIN {SearchLexeme._meta.db_table} AS l ON l.lexeme = ANY(w.lexemes)
            GROUP BY w.lexemes
        )
        (SELECT kb_walk.article_id FROM knowledge_articlemask AS kb_walk CROSS JOIN LATERAL ({match_sql}) AS kb_match
         WHERE (kb_walk.mask & (SELECT mask FROM kb_gate)) >= (SELECT mask FROM kb_gate)
           AND (SELECT walk FROM kb_gate)
         ORDER BY kb_walk.published_at DESC, kb_walk.article_id DESC
         LIMIT %s)
        UNION ALL
        (SELECT * FROM ({plain_sql}) AS kb_plain WHERE NOT (SELECT walk FROM kb_gate))
    """  # noqa: S608
    # ``>=`` rather than ``=``: the same rows (bits 0-62 only, so ``mask & q`` never exceeds ``q``), but the
    # planner's default guess for an unknown ``>=`` (a third of the rows) keeps it on the serial ordered walk;
    # for ``=`` (0.5 %) it chose a parallel scan whose two workers cost 20 ms to start.
    params = [MIN_JOINT_SHARE, MAX_JOINT_SHARE, q, *match_params, candidates, *plain_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


_LEXEME_SHARES = """
SELECT word, ndoc::float8 / %s FROM ts_stat($q$
    SELECT search_vector FROM knowledge_article WHERE status = 'published'
$q$) WHERE length(word) <= 255 ORDER BY ndoc DESC, word LIMIT %s
"""


def assign_lexeme_bits() -> list[str]:
    """Refresh the shares of the lexemes that have a bit and give free bits to the most common others.

    Returns the lexemes given a bit. Call inside a transaction (``rebuild_search_words`` does).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM knowledge_article WHERE status = 'published'")
        total = cursor.fetchone()[0]
        if total == 0:
            return []
        cursor.execute(_LEXEME_SHARES, [total, MAX_BITS * 4])
        shares = dict(cursor.fetchall())
    known = {row.lexeme: row for row in SearchLexeme.objects.all()}
    for lexeme, row in known.items():
        row.share = shares.get(lexeme, 0.0)
    SearchLexeme.objects.bulk_update(known.values(), ["share"])
    free = sorted(set(range(MAX_BITS)) - {row.bit for row in known.values()})
    if total < MIN_ARTICLES or not free:
        return []
    new = [w for w, share in shares.items() if share >= MIN_SHARE and w not in known][: len(free)]
    if not new:
        return []
    with connection.cursor() as cursor:
        # No article may be written between the new bits and the masks holding them: a trigger running
        # meanwhile would compute a mask without them, and that article would be missed by the walk.
        cursor.execute("LOCK TABLE knowledge_article IN SHARE MODE")
        SearchLexeme.objects.bulk_create(
            [SearchLexeme(lexeme=w, bit=bit, share=shares[w]) for w, bit in zip(new, free, strict=False)]
        )
        cursor.execute(
            "UPDATE knowledge_articlemask AS m SET mask = knowledge_search_mask(a.search_vector) "
            "FROM knowledge_article AS a "
            "WHERE a.id = m.article_id AND tsvector_to_array(a.search_vector) && %s::text[]",
            [new],
        )
    return new
