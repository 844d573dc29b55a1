"""The knowledge base's changes: writing, publishing and reading articles, and deflections.

Articles are written in Markdown. On every save the body is rendered with markdown-it-py
(the CommonMark preset, raw HTML disabled, so `<script>` in the source stays text) and
the result is sanitized by nh3 (ammonia), which also drops `javascript:` and other
unsafe link targets; `body_html` is therefore safe to put on a page as is. `search_text`
keeps the lower-cased words the SQLite search fallback matches.

Every change is one transaction with its audit entry. Reading an article only bumps its
view counter (an F() update, not audited: a counter, not a change anyone reviews).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.text import slugify
from markdown_it import MarkdownIt

from hatrack.core import audit
from hatrack.servicedesk.models import Article, Category, Deflection, Queue

if TYPE_CHECKING:
    from hatrack.accounts.models import User

SLUG_MAX = 200
# Markdown's own output, nothing more: no attributes beyond link targets and code
# languages, no styles, frames or forms. No images: the page's Content-Security-Policy
# allows only our own origin, and an outside image would also tell a stranger who reads.
ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "strong", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "code": {"class"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_markdown = MarkdownIt("commonmark", {"html": False})


def render_markdown(text: str) -> str:
    """The sanitized HTML of a Markdown text: never a script, a style, an event handler
    or a `javascript:` link, whatever the text holds."""
    html = _markdown.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def search_text_of(article: Article) -> str:
    """The words search matches: title, summary and body, lower-cased, spaces collapsed."""
    return " ".join(f"{article.title} {article.summary} {article.body}".lower().split())


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """A URL slug made from the title, with -2, -3, … added when another article has it."""
    base = slugify(title)[: SLUG_MAX - 10].strip("-") or "article"
    others = Article.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_placement(queue: Queue | None, category: Category | None) -> None:
    if category is not None and queue is not None and category.queue_id != queue.pk:
        raise ValidationError({"category": f"Choose a category of the {queue.name} queue."})


def _prepare(article: Article) -> None:
    """Fill what is derived from the text, then validate the whole record."""
    article.title = article.title.strip()
    article.summary = article.summary.strip()
    if not article.body.strip():
        raise ValidationError({"body": "Write the article's text."})
    if article.category is not None and article.queue is None:
        article.queue = article.category.queue
    _check_placement(article.queue, article.category)
    article.body_html = render_markdown(article.body)
    article.search_text = search_text_of(article)
    article.full_clean()


def create_article(
    *,
    by: User | None,
    title: str,
    body: str,
    summary: str = "",
    audience: str = Article.Audience.STAFF,
    queue: Queue | None = None,
    category: Category | None = None,
    published: bool = False,
) -> Article:
    """Write a new article (a draft unless `published`), its slug made unique from the
    title. Raises ValidationError per field in words; writes nothing then. Audited."""
    if not title.strip():
        raise ValidationError({"title": "Give the article a title."})
    article = Article(
        title=title,
        summary=summary,
        body=body,
        audience=audience,
        queue=queue,
        category=category,
        published=published,
        author=by,
        slug=unique_slug(title),
    )
    _prepare(article)
    with transaction.atomic():
        article.save()
        audit.record_create(article, by=by)
    return article


EDITABLE = ("title", "summary", "body", "audience", "queue", "category")


def update_article(*, article: Article, by: User | None, **values: Any) -> Article:
    """Change an article's text, audience or placement. The slug stays as it was, so
    links people saved keep working. Raises ValidationError in words. Audited."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"update_article() cannot change {sorted(unknown)}")
    if "title" in values and not str(values["title"]).strip():
        raise ValidationError({"title": "Give the article a title."})
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        before = audit.snapshot(article)
        for name, value in values.items():
            setattr(article, name, value)
        _prepare(article)
        article.save()
        audit.record_update(article, before, by=by)
    return article


def set_article_published(*, article: Article, published: bool, by: User | None) -> Article:
    """Publish an article (it shows on the portal and in suggestions for its audience)
    or take it back to draft. Doing what is already done changes nothing. Audited."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.published == published:
            return article
        before = audit.snapshot(article)
        article.published = published
        article.save()
        audit.record_update(article, before, by=by)
    return article


def record_view(article: Article) -> None:
    """Count one reading of the article: one UPDATE, safe under concurrent readers."""
    Article.objects.filter(pk=article.pk).update(views=F("views") + 1)


def record_deflection(*, article: Article, by: User | None, query: str = "") -> Deflection:
    """Record that a suggested article answered someone's question, so no ticket was
    filed. `query` is what they had typed (trimmed to 200 characters). Audited."""
    deflection = Deflection(article=article, user=by, query=" ".join(query.split())[:200])
    with transaction.atomic():
        deflection.save()
        audit.record_create(deflection, by=by)
    return deflection
