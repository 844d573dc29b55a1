"""Finding articles: audience and drafts, every word for search, any word for suggestions,
title hits first."""

import pytest

from hatrack.servicedesk.knowledge_search import (
    articles_visible_to,
    search_articles,
    search_terms,
    suggest_articles,
)
from hatrack.servicedesk.models import Article
from hatrack.servicedesk.services.knowledge import create_article

TECHNICIANS = Article.Audience.TECHNICIANS
BOTH = ["Printer jams", "Connect to the staff Wi-Fi"]


def article(title, body="Some steps.", **values):
    values.setdefault("published", True)
    return create_article(by=None, title=title, body=body, **values)


@pytest.fixture
def shelf(db):
    return {
        "printer": article("Printer jams", "Open tray 2 and pull the paper out."),
        "wifi": article(
            "Connect to the staff Wi-Fi", "Choose MVUSD-Staff; the printer is not needed."
        ),
        "draft": article("Printer drivers", "Draft.", published=False),
        "tech": article(
            "Printer firmware updates",
            "Use the admin panel.",
            audience=Article.Audience.TECHNICIANS,
        ),
    }


def titles(rows):
    return [row["title"] for row in rows]


def test_staff_see_only_published_articles_for_everyone(shelf, staff):
    assert set(articles_visible_to(staff).values_list("title", flat=True)) == {
        "Printer jams",
        "Connect to the staff Wi-Fi",
    }


@pytest.mark.parametrize("role", ["technician", "leader"])
def test_those_who_work_tickets_also_see_technician_articles(shelf, request, role):
    user = request.getfixturevalue(role)
    assert "Printer firmware updates" in articles_visible_to(user).values_list("title", flat=True)


def test_viewers_read_only_the_articles_for_everyone(shelf, viewer):
    visible = articles_visible_to(viewer).values_list("title", flat=True)
    assert "Printer firmware updates" not in visible


def test_drafts_are_never_found(shelf, leader):
    assert "Printer drivers" not in titles(search_articles(leader, "printer"))


def test_articles_with_the_words_in_their_title_come_first(shelf, staff):
    assert titles(search_articles(staff, "printer")) == [
        "Printer jams",
        "Connect to the staff Wi-Fi",
    ]


def test_search_needs_every_word(shelf, staff):
    assert titles(search_articles(staff, "printer tray")) == ["Printer jams"]


def test_a_half_typed_word_already_matches(shelf, staff):
    assert titles(search_articles(staff, "prin")) == BOTH


def test_search_finds_nothing_for_no_words(shelf, staff):
    assert search_articles(staff, "  ") == []


def test_suggestions_match_any_meaningful_word_of_a_subject(shelf, staff):
    rows = suggest_articles(staff, "My printer keeps eating paper")
    assert titles(rows)[0] == "Printer jams"


def test_suggestions_ignore_common_words(shelf, staff):
    assert suggest_articles(staff, "how do I get help with this") == []


def test_suggestions_never_offer_technician_articles_to_staff(shelf, staff):
    assert "Printer firmware updates" not in titles(suggest_articles(staff, "printer firmware"))


def test_search_terms_drop_short_and_common_words_only_for_suggestions():
    assert search_terms("My Wi-Fi is down") == ["my", "wi-fi", "is", "down"]
    assert search_terms("My Wi-Fi is down", drop_common=True) == ["wi-fi", "down"]
