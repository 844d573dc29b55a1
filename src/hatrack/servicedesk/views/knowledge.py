"""Writing the knowledge base: technicians and leaders list, write, preview, publish and
take back articles. Readers use the portal's pages (views/portal_articles.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hatrack.core.lists import count_label, keyset_page
from hatrack.core.permissions import requires
from hatrack.core.search import clean_query, text_filter
from hatrack.directory.views.pages import acting_user, render_list
from hatrack.servicedesk.article_html import article_body, preview_body
from hatrack.servicedesk.forms.knowledge import ArticleForm, ArticleSearchForm
from hatrack.servicedesk.models import Article
from hatrack.servicedesk.services import knowledge as knowledge_services

ORDER = ("title", "id")
COLUMNS = ("id", "title", "slug", "audience", "published", "views", "updated_at", "queue__name")
AUDIENCE_LABELS = dict(Article.Audience.choices)


def _rows(query: str) -> QuerySet[Article, dict[str, Any]]:
    """Every article, drafts included, matching the words (all of them) if any."""
    return text_filter(Article.objects.all(), ["search_text"], query).values(*COLUMNS)


def _present(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["audience_label"] = AUDIENCE_LABELS.get(row["audience"], row["audience"])
    return rows


@requires("knowledge.write")
@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    """The articles to manage, by title: drafts and published, both audiences."""
    form = ArticleSearchForm(request.GET or None)
    query = clean_query(request.GET.get("q"))
    rows = _rows(query)
    page = keyset_page(
        rows, order=ORDER, after=request.GET.get("after"), before=request.GET.get("before")
    )
    context = {
        "form": form,
        "page": page,
        "rows": _present(page.rows),
        "count": count_label(rows),
        "filtered": bool(query),
    }
    return render_list(request, "servicedesk/article_manage_list.html", context)


def _render_form(
    request: HttpRequest, form: ArticleForm, article: Article | None, preview: Any = None
) -> HttpResponse:
    context = {"form": form, "article": article, "preview": preview}
    if article is not None and preview is None:
        context["current"] = article_body(article)
    return render(request, "servicedesk/article_form.html", context)


def _wants_preview(request: HttpRequest) -> bool:
    return request.method == "POST" and "preview" in request.POST


@requires("knowledge.write")
@require_http_methods(["GET", "POST"])
def article_create(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _wants_preview(request):
            return _render_form(request, form, None, preview_body(form.cleaned_data["body"]))
        try:
            article = knowledge_services.create_article(
                by=acting_user(request),
                published="publish" in request.POST,
                **form.values(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            state = "published" if article.published else "saved as a draft"
            messages.success(request, f"“{article.title}” was {state}.")
            return redirect("servicedesk:article_edit", pk=article.pk)
    return _render_form(request, form, None)


@requires("knowledge.write")
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("queue", "category"), pk=pk)
    form = ArticleForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        if _wants_preview(request):
            return _render_form(request, form, article, preview_body(form.cleaned_data["body"]))
        try:
            knowledge_services.update_article(
                article=article, by=acting_user(request), **form.values()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"“{form.cleaned_data['title']}” was saved.")
            return redirect("servicedesk:article_edit", pk=article.pk)
    return _render_form(request, form, article)


@requires("knowledge.write")
@require_POST
def article_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the article, or with `published=0` take it back to a draft."""
    article = get_object_or_404(Article, pk=pk)
    published = request.POST.get("published", "1") != "0"
    knowledge_services.set_article_published(
        article=article, published=published, by=acting_user(request)
    )
    if published:
        messages.success(request, f"“{article.title}” is published for its readers.")
    else:
        messages.success(
            request, f"“{article.title}” is back to a draft; readers no longer see it."
        )
    return redirect("servicedesk:article_edit", pk=article.pk)
