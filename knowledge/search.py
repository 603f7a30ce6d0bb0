"""Full-text search of articles: PostgreSQL when available, a LIKE fallback on SQLite.

PostgreSQL: ``search_vector`` (filled by a trigger, see migration 0002) is
matched with ``websearch_to_tsquery('french_unaccent', q)``, so quotes and
minus work as on a web search engine, stemming is French and accents do not
matter; results are ranked with ``ts_rank_cd`` (title and codes weigh A,
problem B, solution C) and highlighted by ``ts_headline``.

SQLite: ``search_text`` holds folded, lightly stemmed words; each query word
or quoted phrase must appear (``LIKE '% word %'``), a minus excludes.

Both: an exact error/message code puts its article first, and when a query
finds few results its unknown words are replaced by the closest word of the
``SearchWord`` list (trigram similarity on PostgreSQL, difflib on SQLite).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import BooleanField, Case, F, FloatField, Q, QuerySet, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from knowledge import lexemes, text
from knowledge.models import Article, ArticleCode, SearchWord

CONFIG = "french_unaccent"
# ts_rank_cd weights for D, C, B, A: title and codes (A) far above the solution (C).
RANK_WEIGHTS = [0.05, 0.2, 0.4, 1.0]
SNIPPET_WORDS = 40
# Below this many results, unknown words are replaced by the closest known word.
FEW_RESULTS = 3
_TOKEN_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD_RE = re.compile(r"\w+")


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- Query parsing ------------------------------------------------------------


@dataclass
class Token:
    raw: str
    words: list[str]  # folded, not stemmed
    negated: bool = False
    phrase: bool = False

    @property
    def stems(self) -> list[str]:
        return [text.light_stem(w) for w in self.words]


@dataclass
class ParsedQuery:
    tokens: list[Token] = field(default_factory=list)

    @property
    def positive(self) -> list[Token]:
        return [t for t in self.tokens if not t.negated and t.words]

    @property
    def negative(self) -> list[Token]:
        return [t for t in self.tokens if t.negated and t.words]

    def highlight_stems(self) -> set[str]:
        return {s for t in self.positive for s in t.stems}


def parse_query(q: str) -> ParsedQuery:
    """Split a web-search style query into words, "quoted phrases" and -exclusions."""
    parsed = ParsedQuery()
    for match in _TOKEN_RE.finditer(q or ""):
        if match.group(2) is not None:
            parsed.tokens.append(
                Token(raw=match.group(0), words=text.words(match.group(2)), negated=bool(match.group(1)), phrase=True)
            )
        else:
            raw = match.group(3)
            negated = raw.startswith("-") and len(raw) > 1
            body = raw[1:] if negated else raw
            if body.lower() == "or":
                continue
            parsed.tokens.append(Token(raw=raw, words=text.words(body), negated=negated))
    return parsed


def query_codes(q: str) -> list[str]:
    """Candidate error codes in a query: the whole query and each token containing a digit."""
    candidates = {text.normalise_code(q or "")}
    for token in parse_query(q).positive:
        body = token.raw.strip('"')
        if any(c.isdigit() for c in body):
            candidates.add(text.normalise_code(body))
    return sorted(c for c in candidates if c)


# --- Ranked search ---------------------------------------------------------------


def search_articles(
    qs: QuerySet[Article],
    q: str,
    *,
    prefer_category_ids: frozenset[int] = frozenset(),
    match_any: bool = False,
    candidates: int | None = None,
) -> QuerySet:
    """Filter ``qs`` to the articles matching ``q``, best first (see ``search_with_count``)."""
    return search_with_count(
        qs, q, prefer_category_ids=prefer_category_ids, match_any=match_any, candidates=candidates
    )[0]


def search_with_count(
    qs: QuerySet[Article],
    q: str,
    *,
    prefer_category_ids: frozenset[int] = frozenset(),
    match_any: bool = False,
    candidates: int | None = None,
    all_published: bool = False,
) -> tuple[QuerySet, int | None]:
    """Filter ``qs`` to the articles matching ``q``, best first, with how many match when known.

    ``match_any`` matches articles holding any of the words (suggestions while
    typing, related articles) instead of all of them; ranking still puts the
    articles holding more of them first on PostgreSQL.

    Exact code matches come first, then by rank; articles of
    ``prefer_category_ids`` weigh double (on SQLite, without a rank, they
    simply come first). The code lookup runs first (one indexed query)
    so that the main query is ``vector @@ query OR id IN (…)``, which
    PostgreSQL answers with a BitmapOr of the GIN and primary-key indexes; an
    ``EXISTS`` sub-query in the OR would force a sequential scan.

    ``candidates`` (PostgreSQL): rank only the ``candidates`` most recently
    published matches (and the exact codes). A common word matches a third of
    a million-article base; ranking every match to show 50 cost 600 ms, while
    walking the (status, published_at) index until enough rows match costs a
    few. The public search passes its count cap, so every page it can show is
    ranked whole. The candidates are then a list of ids already filtered by
    ``qs``: their number is the count (returned, so that the page and the typo
    check do not count again), and they are sent as one array parameter
    (``id = ANY(%s)``): a thousand ``IN`` placeholders cost ≈ 30 ms of Python
    per search to build, split and send, three times over.

    ``all_published``: the caller vouches that ``qs`` is exactly the
    published articles (the public search without filters), which lets
    common words take the masked walk of ``knowledge.lexemes`` (same
    candidates, far fewer rows read). Not with filters: the walk would test
    every article of the base holding the words, and the plain query may
    start from the filter's index instead.
    """
    count = None
    code_ids = list(ArticleCode.objects.filter(code__in=query_codes(q)).values_list("article_id", flat=True)[:1000])
    by_code = Q(pk__in=code_ids) if code_ids else Q(pk__in=[])
    order = []
    if code_ids:
        qs = qs.alias(code_match=by_code)
        order.append(F("code_match").desc())
    if match_any:
        q = " or ".join(any_words(q))
    if is_postgres():
        query = SearchQuery(q, search_type="websearch", config=CONFIG)
        rank = SearchRank(F("search_vector"), query, weights=RANK_WEIGHTS, cover_density=True)
        if prefer_category_ids:
            # Articles of the category being filed into weigh double, without hiding better matches elsewhere.
            rank = rank * Case(
                When(category_id__in=prefer_category_ids, then=Value(2.0)),
                default=Value(1.0),
                output_field=FloatField(),
            )
        matches = qs.filter(Q(search_vector=query) | by_code)
        if candidates and all_published and not code_ids and not match_any and lexemes.walk_eligible(q):
            # Common words: the masked walk when it pays, decided in the same statement (knowledge.lexemes).
            ids = lexemes.candidate_ids(qs, q, query, candidates)
            matches, count = qs.filter(_pk_in_array(ids)), len(ids)
        elif candidates:
            # Read once, as a list: as a sub-query ORed with the codes it defeated every index (3.4 s),
            # and the count and the page would each run it again.
            ids = list(matches.order_by("-published_at", "-pk").values_list("pk", flat=True)[:candidates])
            older_codes = set(code_ids).difference(ids)
            if older_codes:  # exact codes beyond the most recent matches: kept, if ``qs`` allows them
                ids += qs.filter(pk__in=older_codes).values_list("pk", flat=True)
            matches, count = qs.filter(_pk_in_array(ids)), len(ids)
        qs = matches.annotate(rank=rank)
        order.append(F("rank").desc(nulls_last=True))
    else:
        if prefer_category_ids:
            qs = qs.alias(preferred=Q(category_id__in=prefer_category_ids))
            order.append(F("preferred").desc())
        condition = _fallback_any(q) if match_any else _fallback_condition(parse_query(q))
        qs = qs.filter(condition | by_code)
    return qs.order_by(*order, F("published_at").desc(nulls_last=True), "-pk"), count


def _pk_in_array(ids: list[int]) -> RawSQL:
    """``id = ANY(%s)`` with the ids as one array parameter (PostgreSQL)."""
    column = f'"{Article._meta.db_table}"."{Article._meta.pk.column}"'
    # The SQL is built from the model's own names; the ids travel as a parameter.
    return RawSQL(f"{column} = ANY(%s)", (ids,), output_field=BooleanField())  # noqa: S611


def _phrase(token: Token) -> str:
    return " " + " ".join(token.stems) + " "


def _fallback_condition(parsed: ParsedQuery) -> Q:
    condition = Q()
    for token in parsed.positive:
        condition &= Q(search_text__contains=_phrase(token))
    for token in parsed.negative:
        condition &= ~Q(search_text__contains=_phrase(token))
    if not parsed.positive and not parsed.negative:
        return Q(pk__in=[])
    return condition


def any_words(q: str) -> list[str]:
    """The significant words of free text (4 letters or more: skips most French stop words)."""
    return list(dict.fromkeys(w for w in text.words(q) if len(w) >= 4)) or text.words(q)[:1]


def _fallback_any(q: str) -> Q:
    condition = Q(pk__in=[])
    for word in any_words(q):
        condition |= Q(search_text__contains=f" {text.light_stem(word)} ")
    return condition


def faq_matching(qs: QuerySet, q: str) -> QuerySet:
    """FAQ entries whose question or answer holds any significant word of ``q`` (both backends)."""
    return qs.filter(_fallback_any(q))


# --- Relevance of free text (suggestions, related articles) ------------------------

# An article is about a text when it holds every significant word of it, or at
# least two of them and this share of those the knowledge base knows.
RELEVANCE_THRESHOLD = 0.5
RELEVANCE_MIN_WORDS = 2
# How many ranked candidates the rule is applied to.
RELEVANCE_CANDIDATES = 50
# Words that say nothing about the subject of a request, folded.
_STOP_WORDS_TEXT = (
    "alors apres aucun aucune aussi autre avant avec avoir bonjour cela celle cette ceux chez comme comment "
    "dans depuis "
    "donc elle elles encore erreur etre fait faire impossible leur leurs lors mais merci meme message messages "
    "moins nous notre pour pourquoi probleme problemes quand quel quelle quoi sans sont sous souci suis "
    "tout toute tous tres vers votre vous what with from this that have"
)
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


def _root(stem: str) -> str:
    """A stem without its feminine ending as well: "bloquée" and "bloqués" meet at "bloque"."""
    if len(stem) > 4 and stem.endswith("ee"):
        return stem[:-1]
    return stem


def significant_stems(q: str) -> list[str]:
    """The roots of the words of free text worth matching: 4 letters or more, or with digits; no stop words."""
    words = (w for w in text.words(q) if (len(w) >= 4 or any(c.isdigit() for c in w)) and w not in STOP_WORDS)
    return list(dict.fromkeys(_root(text.light_stem(w)) for w in words))


@dataclass
class Relevance:
    stems: list[str]  # significant roots of the text
    known: set[str]  # those some row of the searched corpus holds

    def score(self, search_text: str) -> float:
        """0 when the row is not about the text, else the share of the known roots it holds."""
        held = set(map(_root, search_text.split())) & set(self.stems)
        if not held:
            return 0.0
        share = len(held) / max(len(self.known), 1)
        if len(held) == len(self.stems) or (len(held) >= RELEVANCE_MIN_WORDS and share >= RELEVANCE_THRESHOLD):
            return share
        return 0.0


def _known_article_roots(stems: list[str]) -> set[str]:
    """Roots some published article holds (``SearchWord`` is the articles' word list)."""
    candidates = {w for stem in stems for w in (stem, stem + "e", stem + "s", stem + "es")}
    words = SearchWord.objects.filter(word__in=candidates).values_list("word", flat=True)
    return {_root(text.light_stem(w)) for w in words} & set(stems)


def relevant_articles(
    qs: QuerySet[Article], q: str, *, limit: int = 5, prefer_category_ids: frozenset[int] = frozenset()
) -> list[Article]:
    """Articles about ``q`` (free text: a title being typed, another article's title), best first.

    Articles holding one of the codes of ``q`` come first; then the same
    ranked search as the public search page (``search_articles``) on any of
    the significant words, kept only when ``Relevance`` says the article is
    about the text (nothing rather than noise), the most relevant first and in
    rank order among equals.
    """
    by_code = list(qs.filter(code_rows__code__in=query_codes(q)).distinct().order_by("-helpful_count", "-pk")[:limit])
    stems = significant_stems(q)
    if not stems:
        return by_code
    relevance = Relevance(stems=stems, known=_known_article_roots(stems))
    ranked = search_articles(qs, " ".join(stems), prefer_category_ids=prefer_category_ids, match_any=True)
    # An article is about what its title, codes and problem say; its solution may mention anything.
    scored = [
        (relevance.score(text.search_text(a.title, a.codes, a.problem)), a)
        for a in ranked[:RELEVANCE_CANDIDATES]
        if a not in by_code
    ]
    kept = [a for score, a in sorted(scored, key=lambda pair: -pair[0]) if score > 0]
    return (by_code + kept)[:limit]


def relevant_faq_entries(qs: QuerySet, q: str, *, limit: int = 5) -> list:
    """FAQ entries about ``q``, by the same ``Relevance`` over the words the entries use."""
    stems = significant_stems(q)
    if not stems:
        return []
    candidates = list(faq_matching(qs, " ".join(stems))[:RELEVANCE_CANDIDATES])
    known = {root for e in candidates for root in map(_root, e.search_text.split())} & set(stems)
    relevance = Relevance(stems=stems, known=known)
    scored = [(relevance.score(entry.search_text), entry) for entry in candidates]
    return [entry for score, entry in sorted(scored, key=lambda pair: -pair[0]) if score > 0][:limit]


# --- Typo tolerance ------------------------------------------------------------


def correct_query(q: str) -> str:
    """``q`` with each unknown plain word replaced by the closest known word.

    Quoted phrases, exclusions, codes and short words are left as typed.
    """
    tokens = parse_query(q).tokens
    candidates = {
        t.words[0]
        for t in tokens
        if not t.negated and not t.phrase and len(t.words) == 1 and len(t.words[0]) >= 4 and t.words[0].isalpha()
    }
    if not candidates:
        return q
    known = set(SearchWord.objects.filter(word__in=candidates).values_list("word", flat=True))
    replacements = {w: _closest_word(w) for w in candidates - known}
    out = []
    for token in tokens:
        plain = not token.negated and not token.phrase and len(token.words) == 1
        out.append((replacements.get(token.words[0]) if plain else None) or token.raw)
    return " ".join(out)


def _closest_word(word: str) -> str | None:
    if is_postgres():
        with connection.cursor() as cursor:
            # ``%`` uses the GIN trigram index (threshold pg_trgm.similarity_threshold, 0.3).
            cursor.execute(
                "SELECT word FROM knowledge_searchword WHERE word %% %s "
                "ORDER BY similarity(word, %s) DESC, ndoc DESC, word LIMIT 1",
                [word, word],
            )
            row = cursor.fetchone()
        return row[0] if row else None
    pool = list(SearchWord.objects.filter(word__startswith=word[0]).values_list("word", flat=True)[:20000])
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.75)
    return matches[0] if matches else None


def index_article_words(article: Article) -> None:
    """Add the words of a published article to the word list (cheap, on save)."""
    found = {
        w
        for w in text.words(" ".join([article.title, article.codes, article.problem, article.solution]))
        if 3 <= len(w) <= 100 and w[0].isalpha()
    }
    SearchWord.objects.bulk_create([SearchWord(word=w, ndoc=1) for w in found], ignore_conflicts=True)


_PG_REBUILD = """
DELETE FROM knowledge_searchword;
INSERT INTO knowledge_searchword (word, ndoc)
SELECT word, ndoc FROM ts_stat($q$
    SELECT to_tsvector('simple', unaccent(title || ' ' || codes || ' ' || problem || ' ' || solution))
    FROM knowledge_article WHERE status = 'published'
$q$) WHERE length(word) BETWEEN 3 AND 100 AND word ~ '^[a-z][a-z0-9]*$';
"""


def rebuild_search_words() -> int:
    """Recompute the word list from the published articles (periodic; drops words of archived ones),
    and on PostgreSQL the common lexemes' shares and bits (``knowledge.lexemes``)."""
    with transaction.atomic():
        if is_postgres():
            with connection.cursor() as cursor:
                cursor.execute(_PG_REBUILD)
            lexemes.assign_lexeme_bits()
        else:
            counts: dict[str, int] = {}
            for row in Article.objects.published().values_list("title", "codes", "problem", "solution"):
                for w in {w for w in text.words(" ".join(row)) if 3 <= len(w) <= 100 and w[0].isalpha()}:
                    counts[w] = counts.get(w, 0) + 1
            SearchWord.objects.all().delete()
            SearchWord.objects.bulk_create([SearchWord(word=w, ndoc=n) for w, n in counts.items()], batch_size=2000)
    return SearchWord.objects.count()


# --- Highlighting ----------------------------------------------------------------


def _marked(value: str) -> SafeString:
    """Escape ts_headline output, then turn its private-use markers into <mark>."""
    html = escape(value).replace(text.MARK_START, "<mark>").replace(text.MARK_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - built from escaped text and our own tags only


def highlight(source: str, stems: set[str], *, max_words: int | None = None) -> SafeString:
    """Escape ``source`` and wrap the words whose folded stem is in ``stems`` in <mark>.

    With ``max_words``, keep a window of that many words around the first hit.
    """
    tokens = list(_WORD_RE.finditer(source or ""))
    hits = {i for i, m in enumerate(tokens) if text.light_stem(text.fold(m.group())) in stems}
    lo, hi = 0, len(tokens)
    if max_words and len(tokens) > max_words:
        first = min(hits) if hits else 0
        lo = max(0, first - max_words // 3)
        hi = min(len(tokens), lo + max_words)
    if not tokens:
        return escape(source or "")
    start = 0 if lo == 0 else tokens[lo].start()
    end = len(source) if hi == len(tokens) else tokens[hi - 1].end()
    out, pos = ["… " if lo > 0 else ""], start
    for i in range(lo, hi):
        if i in hits:
            m = tokens[i]
            out += [str(escape(source[pos : m.start()])), "<mark>", str(escape(m.group())), "</mark>"]
            pos = m.end()
    out.append(str(escape(source[pos:end])))
    out.append(" …" if hi < len(tokens) else "")
    return mark_safe("".join(out))  # noqa: S308 - every piece of source text went through escape()


def _headlines(q: str) -> dict[str, SearchHeadline]:
    query = SearchQuery(q, search_type="websearch", config=CONFIG)
    options = {"config": CONFIG, "start_sel": text.MARK_START, "stop_sel": text.MARK_STOP}
    return {
        "headline_title": SearchHeadline("title", query, highlight_all=True, **options),
        "headline_snippet": SearchHeadline(
            Concat("problem", Value("\n"), "solution", output_field=TextField()),
            query,
            max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS // 2,
            max_fragments=2,
            fragment_delimiter=" … ",
            **options,
        ),
    }


def with_highlights(qs: QuerySet, q: str) -> QuerySet:
    """Annotate the page's highlights on the ranked query itself (PostgreSQL), saving a round trip:
    ts_headline is expensive enough that the planner computes it above the sort and limit, for the
    page's rows only (EXPLAIN: a Result node over the top-N sort)."""
    if q.strip() and is_postgres():
        return qs.annotate(**_headlines(q))
    return qs


def attach_highlights(articles: list[Article], q: str) -> None:
    """Set ``title_html`` and ``snippet_html`` on each article of a page.

    On PostgreSQL the headlines come from ``with_highlights`` when the page was
    read through it, else from one extra query for the page's rows only, so
    ts_headline is never computed for rows beyond the page.
    """
    if q.strip() and is_postgres() and articles:
        if all(hasattr(a, "headline_title") for a in articles):
            found = {a.pk: (a.headline_title, a.headline_snippet) for a in articles}
        else:
            rows = Article.objects.filter(pk__in=[a.pk for a in articles]).values_list("pk", *_headlines(q).values())
            found = {pk: (title, snippet) for pk, title, snippet in rows}
        for article in articles:
            title, snippet = found.get(article.pk, (article.title, article.problem))
            article.title_html, article.snippet_html = _marked(title), _marked(snippet)
        return
    stems = parse_query(q).highlight_stems() if q.strip() else set()
    for article in articles:
        article.title_html = highlight(article.title, stems)
        body = f"{article.problem}\n{article.solution}"
        article.snippet_html = (
            highlight(body, stems, max_words=SNIPPET_WORDS)
            if stems
            else escape(Truncator(article.problem).words(SNIPPET_WORDS))
        )
