#!/usr/bin/env python
"""Knowledge-base search benchmark on PostgreSQL: 1,000,000 articles.

    .venv/bin/python bench/kb_search.py        # DATABASE_URL defaults to …/guichet_bench (created if missing)

Loads the articles once with one ``INSERT … SELECT generate_series`` (the
trigger fills ``search_vector`` row by row, exactly as in production; later
runs reuse them), rebuilds the typo word list from ``ts_stat``, then times
the full public search path (``knowledge.selectors.article_search``: typo
check, count, ranked page of 50, ts_headline for the page) and the search
form's domain list for common, rare, typo and error-code queries, 50 runs
each, and prints median and p95 beside the target of issue 22. The machine
may be shared: compare runs made at the same time, not across days.

Options: ``--articles N`` (default 1000000), ``--runs N`` (default 50),
``--reload`` to drop and reload the articles even if enough are present,
``--cpu`` to print first the CPU time of each search (this process plus its
PostgreSQL backend, read from /proc: the server must be local), per query.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

from _data import HASH, setup
from _stats import percentile

# bench/queue.py would shadow the standard library's queue module: run
# from the repository root's point of view, not from this folder.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("GUICHET_TESTING", "0")


def _wordlist(text: str) -> list[str]:
    return text.split()


COMMON = _wordlist(
    "imprimante imprimantes impression messagerie courriel boîte quota réseau wifi connexion accès compte "
    "mot passe identifiant authentification serveur base données extraction erreur message écran bouton "
    "validation inscription étudiant dossier note relevé délibération jury paiement facture commande "
    "engagement budget exercice clôture version montée correctif poste ordinateur logiciel application "
    "navigateur certificat sauvegarde restauration fichier pièce jointe téléchargement lenteur blocage "
    "paramétrage habilitation profil utilisateur session délai traitement requête table vue index "
    "calendrier agenda partage dossier scanner copieur badge salle réservation visioconférence"
)
FILLER = _wordlist(
    "le la les un une des du de au aux et ou pour avec sans dans sur sous après avant depuis lorsque quand "
    "ne pas plus toujours parfois souvent encore déjà très trop bien mal il elle nous vous ils on cela"
)
SYLLABLES = _wordlist(
    "ba be bi bo bu da de di do du fa fe fi fo ga go ka ke la le li lo lu ma me mi mo na ne ni no pa "
    "pe pi po ra re ri ro sa se si so ta te ti to va ve vi vo za ze zo ch ou an on in"
)
DOMAINS = ["Finances", "Scolarité", "Ressources humaines", "Messagerie", "Réseau", "Poste de travail"]
QUERIES = {
    "common": ["imprimante", "mot de passe", "erreur connexion", "messagerie quota", "extraction base données"],
    "rare": [],  # filled with generated words present in ~80 articles each
    "typo": ["imprimnte", "mesagerie", "sauvegrade", "authentifcation", "habiltation"],
    "code": ["ORA-01555", "BC-0042", "IA-117"],
}


def rare_vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4))))
    return sorted(words)


ARTICLE_WORDS = """
CREATE OR REPLACE FUNCTION bench_kb_words(i bigint, salt int, n int, common text[], filler text[], rare text[],
                                          n_rare int) RETURNS text IMMUTABLE PARALLEL SAFE LANGUAGE sql AS $$
    SELECT string_agg(w, ' ') FROM (
        -- Half topic words: six per article (k mod 6), drawn with density ~ 1/sqrt(x) over ``common``,
        -- so the first words end up in about a third of the articles and the last ones in a few percent.
        SELECT CASE WHEN bench_h(i * 1009 + salt * 101 + k) %% 2 = 0
                    THEN common[1 + floor(cardinality(common)
                                          * power(bench_h(i * 7 + k %% 6) / 4294967296.0, 2))::int]
                    ELSE filler[1 + bench_h(i * 1013 + salt * 103 + k) %% cardinality(filler)] END AS w
        FROM generate_series(1, n) AS k
        UNION ALL
        SELECT rare[1 + bench_h(i * 31 + salt * 7 + k) %% cardinality(rare)] FROM generate_series(1, n_rare) AS k
    ) AS words
$$;
"""

ARTICLES = """
INSERT INTO knowledge_article (title, problem, solution, domain, version, codes, language, status, created_at,
    updated_at, published_at, view_count, helpful_count, scrub_report, search_text)
SELECT initcap(left(bench_kb_words(i, 1, 4 + (i %% 6)::int, %(common)s, %(filler)s, %(rare)s, 0), 250)),
    bench_kb_words(i, 2, 30 + (i %% 31)::int, %(common)s, %(filler)s, %(rare)s, 1),
    bench_kb_words(i, 3, 30 + (i %% 51)::int, %(common)s, %(filler)s, %(rare)s, 1),
    (%(domains)s::text[])[1 + bench_h(i * 41) %% cardinality(%(domains)s::text[])], '',
    CASE WHEN bench_h(i * 43) %% 20 = 0 THEN (%(codes)s::text[])[1 + bench_h(i * 47) %% cardinality(%(codes)s::text[])]
         ELSE '' END,
    'fr', 'published', now(), now(), now() - i * interval '1 minute', 0, 0, '[]'::jsonb, ''
FROM generate_series(1, %(n)s) AS i
"""


def load(n: int, seed: int = 42) -> None:
    """``n`` published articles in one ``INSERT … SELECT generate_series`` (the trigger fills the vectors)."""
    from django.db import connection, transaction

    rng = random.Random(seed)
    rare = rare_vocabulary(rng, 5000)
    QUERIES["rare"] = rare[100:105]
    codes = [f"ORA-{rng.randint(0, 99999):05d}" for _ in range(3000)] + ["BC-0042", "IA-117"]
    params = {"n": n, "common": COMMON, "filler": FILLER, "rare": rare, "codes": codes, "domains": DOMAINS}
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE knowledge_article RESTART IDENTITY CASCADE")
        cursor.execute(HASH.replace("%%", "%"))
        cursor.execute(ARTICLE_WORDS.replace("%%", "%"))
        cursor.execute(ARTICLES, params)
        cursor.execute(
            "INSERT INTO knowledge_articlecode (article_id, code) SELECT id, codes FROM knowledge_article "
            "WHERE codes <> ''"
        )
        # The exact article the "code" queries must put first.
        cursor.execute(
            "UPDATE knowledge_article SET codes = 'ORA-01555', title = 'Erreur ORA-01555 snapshot too old' WHERE id = 1"
        )
        cursor.execute("DELETE FROM knowledge_articlecode WHERE article_id = 1")
        cursor.execute("INSERT INTO knowledge_articlecode (article_id, code) VALUES (1, 'ORA-01555')")
    loaded = time.perf_counter() - started
    from knowledge.search import rebuild_search_words

    started = time.perf_counter()
    words = rebuild_search_words()
    rebuilt = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE knowledge_article")
        # The common-lexeme masks (migration 0005, bits set by the rebuild above): the walk reads their index
        # alone once VACUUM has marked the pages all-visible, as autovacuum would after such a load.
        cursor.execute("VACUUM ANALYZE knowledge_articlemask")
        cursor.execute("ANALYZE knowledge_articlecode")
        cursor.execute("ANALYZE knowledge_searchword")
    print(f"Loaded {n:,} articles in {loaded:.1f} s (INSERT … SELECT generate_series, vectors by the trigger)")
    print(f"Word list rebuilt from ts_stat: {words} words in {rebuilt:.1f} s")


# Issue 22's targets (p95, ms) at 1,000,000 articles.
TARGETS = {"common": 50, "typo": 100}


def _backend_cpu_ns(pid: int) -> int:
    """CPU time so far of a local PostgreSQL backend, in ns (first field of /proc/<pid>/schedstat)."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


def cpu_run(runs: int) -> None:
    """CPU time per search, this process plus its PostgreSQL backend: on a shared machine, where
    wall time also counts the waits for a core, the figure to compare before/after (median, p95)."""
    from django.db import connection

    from knowledge.selectors import ArticleFilters, article_search

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    print(f"\n{'cpu: query':<34} {'runs':>5} {'median ms':>10} {'p95 ms':>10}")
    for kind, queries in QUERIES.items():
        per_kind = []
        for q in queries:
            cpu = []
            for _ in range(max(1, runs // len(queries))):
                started, backend = time.process_time(), _backend_cpu_ns(pid)
                outcome = article_search(user=None, filters=ArticleFilters(q=q))
                [str(a.snippet_html) for a in outcome.articles]
                cpu.append((time.process_time() - started) * 1000 + (_backend_cpu_ns(pid) - backend) / 1e6)
            per_kind += cpu
            print(f"{kind + ': ' + q:<34} {len(cpu):>5} {statistics.median(cpu):>10.1f} {percentile(cpu, 95):>10.1f}")
        print(f"{kind + ': all':<34} {len(per_kind):>5} {statistics.median(per_kind):>10.1f} "
              f"{percentile(per_kind, 95):>10.1f}")  # fmt: skip


def run(runs: int) -> None:
    from django.db import connection

    from knowledge.selectors import ArticleFilters, article_search, domain_choices

    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        domain_choices()
        timings.append((time.perf_counter() - started) * 1000)
    print(f"\ndomain list of the search form: median {statistics.median(timings):.1f} ms, "
          f"p95 {percentile(timings, 95):.1f} ms ({len(domain_choices())} domains)")  # fmt: skip
    print(f"\n{'queries':<8} {'runs':>5} {'median ms':>10} {'p95 ms':>10} {'target':>8} {'results':>9}  example")
    for kind, queries in QUERIES.items():
        timings, counts, corrected = [], [], []
        for i in range(runs):
            q = queries[i % len(queries)]
            started = time.perf_counter()
            outcome = article_search(user=None, filters=ArticleFilters(q=q))
            snippets = [str(a.snippet_html) for a in outcome.articles]
            timings.append((time.perf_counter() - started) * 1000)
            counts.append(outcome.page.paginator.count)
            if outcome.corrected_from:
                corrected.append(f"{outcome.corrected_from}→{outcome.query}")
            if kind == "code" and q == "ORA-01555":
                assert outcome.articles[0].pk == 1, "the exact code must come first"
            assert len(snippets) == min(50, outcome.page.paginator.count)
        example = corrected[0] if corrected else queries[0]
        target = f"≤ {TARGETS[kind]}" if kind in TARGETS else "—"
        print(
            f"{kind:<8} {runs:>5} {statistics.median(timings):>10.1f} {percentile(timings, 95):>10.1f} "
            f"{target:>8} {int(statistics.median(counts)):>9}  {example}"
        )
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--cpu", action="store_true", help="also print CPU time per query (process + backend)")
    args = parser.parse_args()
    setup(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/guichet_bench"))
    from knowledge.models import Article

    rng = random.Random(42)
    QUERIES["rare"] = rare_vocabulary(rng, 5000)[100:105]
    if args.reload or Article.objects.count() != args.articles:
        load(args.articles)
    else:
        print(f"Reusing {args.articles} articles already loaded (--reload to load again)")
    if args.cpu:
        cpu_run(args.runs)
    run(args.runs)


if __name__ == "__main__":
    main()
