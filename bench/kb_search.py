#!/usr/bin/env python
"""Knowledge-base search benchmark on PostgreSQL: 200,000 articles.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/guichet_kb_bench .venv/bin/python bench/kb_search.py

Loads the articles with COPY (the trigger fills ``search_vector`` row by row,
exactly as in production), rebuilds the typo word list from ``ts_stat``, then
times the full public search path (``knowledge.selectors.article_search``:
typo check, count, ranked page of 50, ts_headline for the page) for common,
rare, typo and error-code queries, 50 runs each, and prints median and p95.

Options: ``--articles N`` (default 200000), ``--runs N`` (default 50),
``--reload`` to drop and reload the articles even if enough are present.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

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


# Each article is about a few topic words drawn with a flattened Zipf law: the
# first words ("imprimante") end up in about a third of the articles, the last
# ones in a few percent.
TOPIC_WEIGHTS = [1 / (i + 1) ** 0.5 for i in range(len(COMMON))]


def topics(rng: random.Random) -> list[str]:
    return list(dict.fromkeys(rng.choices(COMMON, weights=TOPIC_WEIGHTS, k=6)))


def sentence(rng: random.Random, rare: list[str], n_words: int, n_rare: int, about: list[str]) -> str:
    chosen = rng.choices(about, k=n_words // 2)
    chosen += rng.choices(FILLER, k=n_words - len(chosen))
    chosen += rng.sample(rare, n_rare)
    rng.shuffle(chosen)
    return " ".join(chosen).capitalize() + "."


def load(n: int, seed: int = 42) -> None:
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    rng = random.Random(seed)
    rare = rare_vocabulary(rng, 5000)
    QUERIES["rare"] = rare[100:105]
    codes = [f"ORA-{rng.randint(0, 99999):05d}" for _ in range(3000)] + ["BC-0042", "IA-117"]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE knowledge_article RESTART IDENTITY CASCADE")
        raw = cursor.cursor
        started = time.perf_counter()
        columns = (
            "title, problem, solution, domain, version, codes, language, status, created_at, updated_at, "
            "published_at, view_count, helpful_count, scrub_report, search_text"
        )
        with raw.copy(f"COPY knowledge_article ({columns}) FROM STDIN") as copy:
            for i in range(n):
                code = rng.choice(codes) if rng.random() < 0.05 else ""
                about = topics(rng)
                title = sentence(rng, rare, rng.randint(4, 9), 0, about)
                problem = sentence(rng, rare, rng.randint(30, 60), 1, about)
                solution = sentence(rng, rare, rng.randint(30, 80), 1, about)
                domain = rng.choice(DOMAINS)
                copy.write_row(
                    (title, problem, solution, domain, "", code, "fr", "published", now, now, now, 0, 0, "[]", "")
                )
                if i and i % 50000 == 0:
                    print(f"  {i} rows…", flush=True)
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
        cursor.execute("VACUUM ANALYZE knowledge_article")
        cursor.execute("ANALYZE knowledge_articlecode")
        cursor.execute("ANALYZE knowledge_searchword")
    print(f"Loaded {n} articles in {loaded:.1f} s (COPY, vector filled by the trigger)")
    print(f"Word list rebuilt from ts_stat: {words} words in {rebuilt:.1f} s")


def run(runs: int) -> None:
    from django.db import connection

    from knowledge.selectors import ArticleFilters, article_search

    print(f"\n{'queries':<8} {'runs':>5} {'median ms':>10} {'p95 ms':>10} {'results':>9}  example")
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
        print(
            f"{kind:<8} {runs:>5} {statistics.median(timings):>10.1f} {percentile(timings, 95):>10.1f} "
            f"{int(statistics.median(counts)):>9}  {example}"
        )
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/guichet_kb_bench")

    import django

    django.setup()
    from django.core.management import call_command

    from knowledge.models import Article

    call_command("migrate", verbosity=0)
    rng = random.Random(42)
    QUERIES["rare"] = rare_vocabulary(rng, 5000)[100:105]
    if args.reload or Article.objects.count() != args.articles:
        load(args.articles)
    else:
        print(f"Reusing {args.articles} articles already loaded (--reload to load again)")
    run(args.runs)


if __name__ == "__main__":
    main()
