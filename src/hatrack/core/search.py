"""One search interface for every app: parse the words, match text, group the hits.

Apps provide sources (a function from the query to a `Group` of hits); the search page
runs the sources a user may use and shows the groups. Two ways to match text:

- `key_prefix` for names kept as folded keys (people's `family_key`/`given_key`): a
  half-open range on a plain B-tree index, fast on SQLite and PostgreSQL alike.
- `text_filter` for free text over a few columns (site and department names): on
  PostgreSQL a full-text match with prefix terms (`lincoln:* & hi:*`, the 'simple'
  configuration, so names are not stemmed); elsewhere every word must appear in one of
  the columns (case-insensitive containment), which is plenty for small tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

MAX_QUERY_LENGTH = 100
_WORD = re.compile(r"[\w@.'-]+", re.UNICODE)
_TSQUERY_UNSAFE = re.compile(r"[^\w]+", re.UNICODE)


def clean_query(text: str | None) -> str:
    """The query as typed, trimmed and capped, with runs of spaces collapsed."""
    return " ".join((text or "").split())[:MAX_QUERY_LENGTH]


def words(text: str) -> list[str]:
    """The searchable words of a query (punctuation other than @ . ' - dropped)."""
    return _WORD.findall(text)


def key_prefix(column: str, low_high: tuple[str, str]) -> Q:
    """`column` starts with a key: low <= column < high (from directory.names.prefix_range)."""
    low, high = low_high
    return Q(**{f"{column}__gte": low, f"{column}__lt": high})


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def text_filter(queryset: QuerySet[Any], fields: Sequence[str], text: str) -> QuerySet[Any]:
    """Rows where every word of `text` starts a word (PostgreSQL) or appears (elsewhere)
    in one of `fields`. An empty query returns the queryset unchanged."""
    terms = words(text)
    if not terms:
        return queryset
    if uses_postgres():
        prefixes = [_TSQUERY_UNSAFE.sub("", t.lower()) for t in terms]
        prefixes = [p for p in prefixes if p]
        if prefixes:
            return _postgres_match(queryset, fields, prefixes)
    per_word = [reduce(or_, (Q(**{f"{f}__icontains": t}) for f in fields)) for t in terms]
    return queryset.filter(reduce(and_, per_word))


def _postgres_match(queryset: QuerySet[Any], fields: Sequence[str], prefixes: list[str]) -> Any:
    from django.contrib.postgres.search import SearchQuery, SearchVector

    raw = " & ".join(f"{p}:*" for p in prefixes)
    vector = SearchVector(*fields, config="simple")
    query = SearchQuery(raw, search_type="raw", config="simple")
    return queryset.annotate(_search=vector).filter(_search=query)


@dataclass(frozen=True)
class Hit:
    """One result: what it is, where it leads, and a line of detail."""

    title: str
    url: str
    detail: str = ""


@dataclass
class Group:
    """The hits of one kind of record, with a link to the full filtered list."""

    key: str
    label: str
    hits: list[Hit] = field(default_factory=list)
    more_url: str = ""
    more: bool = False


Source = Callable[[str, int], Group]


def search(text: str, sources: Sequence[Source], *, limit: int = 10) -> list[Group]:
    """Run each source on the cleaned query; groups without hits are left out."""
    query = clean_query(text)
    if not words(query):
        return []
    groups = [source(query, limit) for source in sources]
    return [g for g in groups if g.hits]
