"""The global search finds tickets and articles, each within what the searcher may read."""

from django.urls import reverse

from hatrack.servicedesk.models import Article
from hatrack.servicedesk.tests.factories import make_queue, make_ticket

SEARCH = reverse("search")


def found(client, text):
    response = client.get(SEARCH, {"q": text})
    return {g.key: [hit.title for hit in g.hits] for g in response.context["groups"]}


def article(title, audience=Article.Audience.STAFF):
    return Article.objects.create(
        title=title,
        slug=title.lower().replace(" ", "-"),
        body="Steps.",
        search_text=title.lower(),
        audience=audience,
        published=True,
    )


def test_a_technician_finds_tickets_of_their_queues_by_subject(queue, technician, client_for):
    mine = make_ticket(queue=queue, subject="Projector flickers in 204")
    make_ticket(queue=make_queue(name="Facilities"), subject="Projector screen torn")
    assert found(client_for(technician), "projector")["tickets"] == [
        f"{mine.reference} Projector flickers in 204"
    ]


def test_a_reference_finds_its_ticket(queue, viewer_client):
    ticket = make_ticket(queue=queue, subject="Printer jams")
    assert found(viewer_client, ticket.reference)["tickets"] == [f"{ticket.reference} Printer jams"]


def test_technician_articles_are_found_by_workers_only(technician, viewer, client_for):
    article("Reimage a Chromebook", audience=Article.Audience.TECHNICIANS)
    article("Reset your Chromebook password")
    assert found(client_for(technician), "chromebook")["articles"] == [
        "Reimage a Chromebook",
        "Reset your Chromebook password",
    ]
    assert found(client_for(viewer), "chromebook")["articles"] == ["Reset your Chromebook password"]
