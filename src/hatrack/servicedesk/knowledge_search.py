"""Finding knowledge base articles: who may read which, and which answer a question.

Audience first (deny by default): a reader sees published articles for everyone;
those who work tickets (technicians, leaders) also see technician-only articles.
Drafts never show here; writers manage them from the desk's article list.

Matching: on PostgreSQL a full-text match over title and text (the 'english'
configuration, so "printers" finds "printer", with prefix terms so a half-typed word
already matches); elsewhere a containment match on `search_text`. Results put articles
whose title holds the words first, then the best text matches, then by title.

Two modes: `search_articles` (the search box) needs every word; `suggest_articles`
(while a requester types a subject) needs any meaningful word, since a subject such as
"my laptop will not connect to wifi" rarely shares every word with an answer.
"""

from __future__ import annotations

import re
from functools import reduce
from operator import and_, or_
from typing import TYPE_CHECKING, Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Lower

from hatrack.core.permissions import can
from hatrack.core.search import clean_query, uses_postgres, words
from hatrack.servicedesk.models import Article

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from hatrack.accounts.models import User

SEARCH_LIMIT = 50
SUGGESTION_LIMIT = 5
MAX_TERMS = 8
_TSQUERY_UNSAFE = re.compile(r"[^\w]+", re.UNICODE)
# Words too common to say what a request is about.
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "cannot",
        "could",
        "did",
        "do",
        "does",
        "doesnt",
        "dont",
        "for",
        "from",
        "get",
        "gets",
        "got",
        "had",
        "has",
        "have",
        "help",
        "hi",
        "how",
        "i",
        "im",
        "in",
        "into",
        "is",
        "it",
        "its",
        "ive",
        "just",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "please",
        "so",
        "some",
        "still",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "this",
        "to",
        "too",
        "up",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "will",
        "with",
        "wont",
        "would",
        "you",
        "your",
    ]
)
LIST_COLUMNS = ("id", "title", "slug", "summary", "audience", "updated_at")


def articles_visible_to(user: User | AnonymousUser) -> QuerySet[Article]:
    """The published articles the user may read (see the module docstring)."""
    if not can(user, "knowledge.read"):
        return Article.objects.none()
    qs = Article.objects.filter(published=True)
    if not can(user, "servicedesk.work"):
        qs = qs.filter(audience=Article.Audience.STAFF)
    return qs


def search_terms(text: str, *, drop_common: bool = False) -> list[str]:
    """The lower-cased words of a query worth matching (at most eight, no duplicates)."""
    found: list[str] = []
    for word in words(clean_query(text).lower()):
        word = word.strip(".'-")
        if not word or word in found:
            continue
        if drop_common and (len(word) < 3 or word.replace("'", "") in STOP_WORDS):
            continue
        found.append(word)
    return found[:MAX_TERMS]


def _count_of(conditions: list[Q]) -> Any:
    """An expression counting how many of the conditions a row meets."""
    total: Any = Value(0, output_field=IntegerField())
    for condition in conditions:
        total = total + Case(When(condition, then=Value(1)), default=Value(0))
    return total


def _title_hits(terms: list[str]) -> Any:
    """How many of the words the title holds: the first sort key."""
    return _count_of([Q(title_lower__contains=t) for t in terms])


def _postgres_ranked(qs: QuerySet[Article], terms: list[str], *, every: bool) -> Any:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    prefixes = [p for p in (_TSQUERY_UNSAFE.sub("", t) for t in terms) if p]
    if not prefixes:
        return qs.none()
    joiner = " & " if every else " | "
    query = SearchQuery(
        joiner.join(f"{p}:*" for p in prefixes), search_type="raw", config="english"
    )
    vector = SearchVector("title", weight="A", config="english") + SearchVector(
        "search_text", weight="B", config="english"
    )
    return (
        qs.annotate(_vector=vector)
        .filter(_vector=query)
        .annotate(text_rank=SearchRank(vector, query))
    )


def _fallback_ranked(qs: QuerySet[Article], terms: list[str], *, every: bool) -> Any:
    matches = [Q(search_text__contains=t) for t in terms]
    condition = reduce(and_ if every else or_, matches)
    return qs.filter(condition).annotate(text_rank=_count_of(matches))


def ranked(qs: QuerySet[Article], terms: list[str], *, every: bool) -> QuerySet[Article]:
    """`qs` narrowed to articles matching the words, best first. No words: no articles."""
    if not terms:
        return qs.none()
    match = _postgres_ranked if uses_postgres() else _fallback_ranked
    found = match(qs, terms, every=every)
    found = found.annotate(title_lower=Lower("title"))
    ordered: QuerySet[Article] = found.annotate(title_hits=_title_hits(terms)).order_by(
        "-title_hits", "-text_rank", "title", "id"
    )
    return ordered


def search_articles(
    user: User | AnonymousUser, text: str, *, limit: int = SEARCH_LIMIT
) -> list[dict[str, Any]]:
    """The best `limit` published articles the user may read holding every word of
    `text`, as rows of LIST_COLUMNS. One query."""
    terms = search_terms(text)
    found = ranked(articles_visible_to(user), terms, every=True)
    return list(found.values(*LIST_COLUMNS)[:limit])


def suggest_articles(
    user: User | AnonymousUser, subject: str, *, limit: int = SUGGESTION_LIMIT
) -> list[dict[str, Any]]:
    """Articles that may answer a request whose subject is being typed: any meaningful
    word matches, articles matching more words first. One query; none for an empty or
    all-common-words subject."""
    terms = search_terms(subject, drop_common=True)
    found = ranked(articles_visible_to(user), terms, every=False)
    return list(found.values(*LIST_COLUMNS)[:limit])
