"""Writing articles: rendering and sanitizing, slugs, publishing, views and deflections."""

import pytest
from django.core.exceptions import ValidationError

from hatrack.core.audit import history_of
from hatrack.servicedesk.models import Article, Deflection
from hatrack.servicedesk.services import knowledge
from hatrack.servicedesk.tests.factories import make_category, make_queue

pytestmark = pytest.mark.django_db


def write(**values):
    data = {"by": None, "title": "Reset your password", "body": "Go to **Settings**."}
    data.update(values)
    return knowledge.create_article(**data)


def test_markdown_is_rendered_into_html_on_save():
    article = write(body="Go to **Settings**.\n\n- one\n- two")
    assert "<strong>Settings</strong>" in article.body_html
    assert "<li>one</li>" in article.body_html


def test_a_script_in_the_text_is_shown_as_text_and_never_runs():
    article = write(body="Hello <script>alert('x')</script> and <img src=x onerror=alert(1)>")
    assert "<script" not in article.body_html
    assert "<img" not in article.body_html
    assert "&lt;script&gt;" in article.body_html


def test_javascript_links_never_reach_the_page():
    article = write(
        body="[click](javascript:alert(1)) [again](JaVaScRiPt:alert(3)) "
        "<a href='javascript:alert(2)'>x</a>"
    )
    assert "<a" not in article.body_html  # no link survives, only the words
    assert "&lt;a href=" in article.body_html


def test_the_sanitizer_drops_javascript_links_whatever_the_renderer_lets_through():
    import nh3

    from hatrack.servicedesk.services.knowledge import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

    html = nh3.clean(
        '<a href="javascript:alert(1)">x</a><script>alert(2)</script>',
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=knowledge.URL_SCHEMES,
    )
    assert "javascript" not in html
    assert "script" not in html


def test_links_open_safely():
    article = write(body="[Portal](https://example.org/help)")
    assert 'href="https://example.org/help"' in article.body_html
    assert 'rel="noopener noreferrer nofollow"' in article.body_html


def test_search_text_keeps_the_lower_cased_words():
    article = write(title="Printer Jams", summary="Paper stuck", body="Open **Tray 2**.")
    assert article.search_text == "printer jams paper stuck open **tray 2**."


def test_the_slug_comes_from_the_title_and_stays_unique():
    first = write(title="Connect to Wi-Fi")
    second = write(title="Connect to Wi-Fi")
    assert (first.slug, second.slug) == ("connect-to-wi-fi", "connect-to-wi-fi-2")


def test_editing_the_title_keeps_the_slug_so_links_keep_working():
    article = write(title="Old title")
    article = knowledge.update_article(article=article, by=None, title="New title")
    assert (article.title, article.slug) == ("New title", "old-title")


def test_editing_renders_the_text_again():
    article = write()
    article = knowledge.update_article(article=article, by=None, body="*new*")
    assert "<em>new</em>" in article.body_html
    assert article.search_text.endswith("*new*")


def test_an_article_needs_a_title_and_text():
    with pytest.raises(ValidationError) as error:
        write(title=" ")
    assert "title" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        write(body="   ")
    assert "body" in error.value.message_dict
    assert not Article.objects.exists()


def test_a_category_of_another_queue_is_refused():
    technology, facilities = make_queue(name="Technology"), make_queue(name="Facilities")
    boilers = make_category(queue=facilities, name="Boilers")
    with pytest.raises(ValidationError) as error:
        write(queue=technology, category=boilers)
    assert "category" in error.value.message_dict


def test_a_category_alone_places_the_article_in_its_queue():
    boilers = make_category(queue=make_queue(name="Facilities"), name="Boilers")
    assert write(category=boilers).queue == boilers.queue


def test_new_articles_are_drafts_and_publishing_is_audited(leader):
    article = write(by=leader)
    assert not article.published
    knowledge.set_article_published(article=article, published=True, by=leader)
    article.refresh_from_db()
    assert article.published
    assert [e.action for e in history_of(article)][:2] == ["update", "create"]


def test_publishing_twice_records_one_change(leader):
    article = write(by=leader)
    knowledge.set_article_published(article=article, published=True, by=leader)
    knowledge.set_article_published(article=article, published=True, by=leader)
    assert len(list(history_of(article))) == 2


def test_reading_counts_a_view_without_an_audit_entry():
    article = write()
    knowledge.record_view(article)
    knowledge.record_view(article)
    article.refresh_from_db()
    assert article.views == 2
    assert len(list(history_of(article))) == 1


def test_a_deflection_records_the_article_reader_and_what_they_typed(staff):
    article = write(published=True)
    deflection = knowledge.record_deflection(article=article, by=staff, query="  reset   pw ")
    assert (deflection.article, deflection.user, deflection.query) == (article, staff, "reset pw")
    assert Deflection.objects.count() == 1
