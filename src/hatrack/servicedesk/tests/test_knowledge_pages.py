"""Knowledge base pages: writers manage articles under /servicedesk/articles/, everyone
reads published ones under /help/articles/, and suggestions lead to deflections."""

import pytest
from django.urls import reverse

from hatrack.servicedesk.models import Article, Deflection, Ticket
from hatrack.servicedesk.services.knowledge import create_article

EVIL = "Steps.\n\n<script>alert('x')</script>\n\n[Open](javascript:alert(1))"


def article(title="Reset your password", body="Go to **Settings**.", **values):
    values.setdefault("published", True)
    return create_article(by=None, title=title, body=body, **values)


def form_data(**values):
    data = {"title": "Printer jams", "summary": "", "body": "Open tray 2.", "audience": "staff"}
    data.update(values)
    return data


# --- Writers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [("leader", 200), ("technician", 200), ("staff", 403), ("viewer", 403)]
)
def test_only_writers_manage_articles(request, client_for, role, status):
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("servicedesk:article_list")).status_code == status
    assert client.get(reverse("servicedesk:article_create")).status_code == status


def test_the_manage_list_shows_drafts_and_technician_articles(technician_client, db):
    article(title="Printer jams")
    article(title="Draft notes", published=False)
    article(title="Switch configs", audience=Article.Audience.TECHNICIANS)
    page = technician_client.get(reverse("servicedesk:article_list")).content.decode()
    assert "Draft notes" in page
    assert "Switch configs" in page
    assert "3 articles" in page


def test_the_manage_list_searches_drafts_too(technician_client, db):
    article(title="Printer jams")
    article(title="Draft about printers", published=False)
    article(title="Wi-Fi")
    response = technician_client.get(reverse("servicedesk:article_list") + "?q=print")
    assert [r["title"] for r in response.context["rows"]] == [
        "Draft about printers",
        "Printer jams",
    ]


def test_the_manage_list_invites_writing_the_first_article(technician_client, db):
    page = technician_client.get(reverse("servicedesk:article_list")).content.decode()
    assert "No articles yet" in page
    assert "Write an article" in page


@pytest.mark.parametrize("count", [1, 50])
def test_the_manage_list_costs_the_same_queries_for_one_or_many(
    technician_client, count, django_assert_num_queries
):
    for n in range(count):
        article(title=f"Article {n:02d}")
    url = reverse("servicedesk:article_list")
    technician_client.get(url)
    with django_assert_num_queries(4):  # session, user, the page, the bounded count
        response = technician_client.get(url)
    assert response.status_code == 200


def test_a_preview_renders_the_text_and_saves_nothing(technician_client, db):
    response = technician_client.post(
        reverse("servicedesk:article_create"), form_data(body="**Bold** move", preview="1")
    )
    page = response.content.decode()
    assert "<strong>Bold</strong>" in page
    assert "Not saved yet." in page
    assert not Article.objects.exists()


def test_a_preview_never_runs_a_script(technician_client, db):
    response = technician_client.post(
        reverse("servicedesk:article_create"), form_data(body=EVIL, preview="1")
    )
    preview = response.content.decode().split('id="preview-heading"')[1]
    assert "<script>alert" not in preview
    assert 'href="javascript' not in preview


def test_a_technician_writes_a_draft(technician_client, technician):
    response = technician_client.post(reverse("servicedesk:article_create"), form_data())
    created = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("servicedesk:article_edit", args=[created.pk])
    assert (created.title, created.published, created.author) == ("Printer jams", False, technician)


def test_save_and_publish_publishes_at_once(technician_client, db):
    technician_client.post(reverse("servicedesk:article_create"), form_data(publish="1"))
    assert Article.objects.get().published


def test_an_article_without_a_title_is_refused_beside_the_field(technician_client, db):
    response = technician_client.post(reverse("servicedesk:article_create"), form_data(title=""))
    assert "This field is required." in response.content.decode()
    assert not Article.objects.exists()


def test_editing_an_article_saves_the_changes(technician_client, db):
    existing = article()
    technician_client.post(
        reverse("servicedesk:article_edit", args=[existing.pk]),
        form_data(title="Reset a forgotten password", body="Call us."),
    )
    existing.refresh_from_db()
    assert existing.title == "Reset a forgotten password"
    assert existing.body_html == "<p>Call us.</p>\n"


def test_unpublishing_takes_an_article_off_the_portal(technician_client, staff_client, db):
    existing = article()
    technician_client.post(
        reverse("servicedesk:article_publish", args=[existing.pk]), {"published": "0"}
    )
    existing.refresh_from_db()
    assert not existing.published
    url = reverse("portal:article_detail", args=[existing.slug])
    assert staff_client.get(url).status_code == 404


def test_staff_cannot_publish(staff_client, db):
    existing = article(published=False)
    response = staff_client.post(reverse("servicedesk:article_publish", args=[existing.pk]))
    assert response.status_code == 403
    existing.refresh_from_db()
    assert not existing.published


# --- Readers ---------------------------------------------------------------------------


def test_staff_read_a_published_article(staff_client, db):
    existing = article(body="Go to **Settings**.")
    page = staff_client.get(reverse("portal:article_detail", args=[existing.slug])).content.decode()
    assert "<strong>Settings</strong>" in page


def test_a_script_or_javascript_link_in_the_markdown_never_reaches_the_page(staff_client, db):
    existing = article(body=EVIL)
    page = staff_client.get(reverse("portal:article_detail", args=[existing.slug])).content.decode()
    body = page.split('class="card article-body"')[1]
    assert "<script>alert" not in body
    assert 'href="javascript' not in body
    assert "&lt;script&gt;" in body


def test_reading_an_article_counts_a_view(staff_client, db):
    existing = article()
    staff_client.get(reverse("portal:article_detail", args=[existing.slug]))
    existing.refresh_from_db()
    assert existing.views == 1


def test_staff_cannot_read_technician_articles_or_drafts(staff_client, db):
    for hidden in (
        article(title="Switch configs", audience=Article.Audience.TECHNICIANS),
        article(title="Unfinished", published=False),
    ):
        url = reverse("portal:article_detail", args=[hidden.slug])
        assert staff_client.get(url).status_code == 404


def test_technicians_read_technician_articles(technician_client, db):
    hidden = article(title="Switch configs", audience=Article.Audience.TECHNICIANS)
    url = reverse("portal:article_detail", args=[hidden.slug])
    assert technician_client.get(url).status_code == 200


def test_the_article_list_searches_what_the_reader_may_see(staff_client, db):
    article(title="Printer jams")
    article(title="Printer firmware", audience=Article.Audience.TECHNICIANS)
    response = staff_client.get(reverse("portal:article_list") + "?q=printer")
    assert [r["title"] for r in response.context["rows"]] == ["Printer jams"]


def test_the_article_list_says_what_to_do_when_nothing_matches(staff_client, db):
    article(title="Printer jams")
    page = staff_client.get(reverse("portal:article_list") + "?q=boiler").content.decode()
    assert "No answer matches" in page
    assert "Ask for help" in page


@pytest.mark.parametrize("count", [1, 50])
def test_the_article_list_costs_the_same_queries_for_one_or_many(
    staff_client, count, django_assert_num_queries
):
    for n in range(count):
        article(title=f"Article {n:02d}")
    url = reverse("portal:article_list")
    staff_client.get(url)
    with django_assert_num_queries(3):  # session, user, the page
        response = staff_client.get(url)
    assert response.status_code == 200


# --- Suggestions and deflections -------------------------------------------------------


def test_suggestions_appear_for_a_subject_that_matches_an_article(staff_client, db):
    existing = article(title="Printer jams", summary="Paper stuck in tray 2")
    url = reverse("portal:suggestions") + "?subject=the+printer+is+jammed"
    page = staff_client.get(url).content.decode()
    assert "These answers might help" in page
    assert "Paper stuck in tray 2" in page
    detail = reverse("portal:article_detail", args=[existing.slug])
    assert f'href="{detail}?from=suggestion&amp;q=the+printer+is+jammed"' in page


def test_no_suggestions_render_nothing(staff_client, db):
    url = reverse("portal:suggestions") + "?subject=boiler"
    assert staff_client.get(url).content.decode().strip() == ""


def test_an_article_reached_from_a_suggestion_offers_this_answered_my_question(staff_client, db):
    existing = article()
    url = reverse("portal:article_detail", args=[existing.slug]) + "?from=suggestion&q=reset"
    page = staff_client.get(url).content.decode()
    assert "This answered my question" in page
    plain = staff_client.get(reverse("portal:article_detail", args=[existing.slug]))
    assert "This answered my question" not in plain.content.decode()


def test_this_answered_my_question_records_a_deflection_and_files_nothing(staff_client, staff, db):
    existing = article()
    response = staff_client.post(
        reverse("portal:deflect", args=[existing.slug]), {"q": "reset my password"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert "No ticket was filed" in response.content.decode()
    deflection = Deflection.objects.get()
    assert (deflection.article, deflection.user, deflection.query) == (
        existing,
        staff,
        "reset my password",
    )
    assert not Ticket.objects.exists()
