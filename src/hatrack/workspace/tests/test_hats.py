import pytest
from django.urls import reverse
from django.utils.html import escape

from hatrack.workspace.navigation import HATS

pytestmark = pytest.mark.django_db
COMING = [h for h in HATS if h.coming]


@pytest.mark.parametrize("hat", COMING, ids=[h.key for h in COMING])
def test_each_hat_still_to_come_says_what_it_will_hold(staff_client, hat):
    response = staff_client.get(reverse(hat.url_name))
    assert response.status_code == 200
    body = response.content.decode()
    assert escape(hat.label) in body
    assert escape(hat.coming) in body


def test_anonymous_visitors_are_sent_to_sign_in_from_a_hat(client):
    assert client.get(reverse("hats:planning")).status_code == 302
