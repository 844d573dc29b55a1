"""Sessions slide with activity, but a page view writes the session at most every few minutes."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db
HOME = reverse("home")


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_page_views_within_the_refresh_interval_do_not_rewrite_the_session(staff_client):
    staff_client.get(HOME)
    first = _expiry(staff_client)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=60)):
        staff_client.get(HOME)
    assert _expiry(staff_client) == first


def test_a_page_view_after_the_refresh_interval_extends_the_session(staff_client):
    staff_client.get(HOME)
    first = _expiry(staff_client)
    later = datetime.timedelta(seconds=settings.SESSION_REFRESH_INTERVAL + 30)
    with time_machine.travel(timezone.now() + later):
        staff_client.get(HOME)
    assert _expiry(staff_client) > first


def test_anonymous_visits_create_no_session(client):
    client.get(reverse("accounts:login"))
    assert Session.objects.count() == 0
