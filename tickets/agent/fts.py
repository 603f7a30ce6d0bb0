"""The PostgreSQL full-text expressions of the staff search, shared by the query and its indexes.

The GIN indexes of migration 0002 are built from these very expressions, so
that PostgreSQL matches the query's ``to_tsvector(…)`` with the indexed one.
``french_unaccent`` is the configuration created by knowledge's migration 0002.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector

CONFIG = "french_unaccent"


def ticket_vector() -> SearchVector:
    return SearchVector("title", "description", config=CONFIG)


def message_vector() -> SearchVector:
    return SearchVector("body", config=CONFIG)
