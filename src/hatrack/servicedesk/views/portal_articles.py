"""The knowledge base as readers see it: browse and search published articles, read one,
and say that a suggested article answered the question (no ticket needed)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from hatrack.core.lists import keyset_page
from hatrack.core.permissions import requires
from hatrack.core.search import clean_query
from hatrack.directory.views.pages import acting_user, render_list
from hatrack.servicedesk import knowledge_search
from hatrack.servicedesk.article_html import article_body
from hatrack.servicedesk.models import Article
from hatrack.servicedesk.services import knowledge as knowledge_services

ARTICLE_ORDER = ("title", "id")
FROM_SUGGESTION = "suggestion"


@requires("knowledge.read")
@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    """All articles the reader may see by title, a page at a time; or, with words in the
    search box, the best matches (at most SEARCH_LIMIT, best first)."""
    user = acting_user(request)
    query = clean_query(request.GET.get("q"))
    context: dict[str, object] = {"query": query}
    if query:
        context["rows"] = knowledge_search.search_articles(user, query)
        context["page"] = None
    else:
        rows = knowledge_search.articles_visible_to(user).values(*knowledge_search.LIST_COLUMNS)
        page = keyset_page(
            rows,
            order=ARTICLE_ORDER,
            after=request.GET.get("after"),
            before=request.GET.get("before"),
            size=25,
        )
        context["rows"], context["page"] = page.rows, page
    context["search_limit"] = knowledge_search.SEARCH_LIMIT
    return render_list(request, "servicedesk/article_list.html", context)


def readable_article(request: HttpRequest, slug: str) -> Article:
    article = (
        knowledge_search.articles_visible_to(request.user)
        .select_related("queue", "category")
        .filter(slug=slug)
        .first()
    )
    if article is None:
        raise Http404("No such article.")
    return article


@requires("knowledge.read")
@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One article. A reader who came from a suggestion on the portal is offered "This
    answered my question", which records a deflection instead of a ticket."""
    article = readable_article(request, slug)
    knowledge_services.record_view(article)
    from_suggestion = request.GET.get("from") == FROM_SUGGESTION
    context = {
        "article": article,
        "body": article_body(article),
        "from_suggestion": from_suggestion,
        "query": " ".join(request.GET.get("q", "").split())[:200],
    }
    return render(request, "servicedesk/article_detail.html", context)


@requires("knowledge.read")
@require_POST
def deflect(request: HttpRequest, slug: str) -> HttpResponse:
    """Record that the article answered the reader's question and take them back to the
    portal, without filing anything."""
    article = readable_article(request, slug)
    knowledge_services.record_deflection(
        article=article, by=acting_user(request), query=request.POST.get("q", "")
    )
    messages.success(
        request,
        f"Glad “{article.title}” helped. No ticket was filed; ask for help here any time.",
    )
    return redirect("portal:home")


def suggestion_url(article_url: str, subject: str) -> str:
    """The article's address marked as reached from a suggestion for `subject`."""
    return f"{article_url}?{urlencode({'from': FROM_SUGGESTION, 'q': subject})}"
