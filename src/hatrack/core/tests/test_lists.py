import pytest
from django.core.exceptions import BadRequest
from django.http import QueryDict

from hatrack.core.lists import (
    count_label,
    csv_response,
    decode_cursor,
    encode_cursor,
    keyset_page,
    query_without_cursor,
)
from hatrack.directory.models import Person
from hatrack.directory.tests.factories import make_person

pytestmark = pytest.mark.django_db
ORDER = ("family_key", "given_key", "id")


def _people(count):
    return [
        make_person(family_name=f"Family{n:03d}", given_name=f"Given{n % 3}") for n in range(count)
    ]


def _names(page):
    return [p.family_name for p in page.rows]


def test_walking_forward_visits_every_row_once_in_order():
    _people(23)
    seen, cursor = [], None
    while True:
        page = keyset_page(Person.objects.all(), order=ORDER, after=cursor, size=5)
        seen += _names(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [f"Family{n:03d}" for n in range(23)]


def test_stepping_back_returns_the_previous_page_exactly():
    _people(12)
    first = keyset_page(Person.objects.all(), order=ORDER, size=5)
    second = keyset_page(Person.objects.all(), order=ORDER, after=first.next_cursor, size=5)
    back = keyset_page(Person.objects.all(), order=ORDER, before=second.prev_cursor, size=5)
    assert _names(back) == _names(first)
    assert back.is_first
    assert back.prev_cursor is None


def test_the_first_page_has_no_previous_link_and_the_last_no_next():
    _people(7)
    first = keyset_page(Person.objects.all(), order=ORDER, size=5)
    last = keyset_page(Person.objects.all(), order=ORDER, after=first.next_cursor, size=5)
    assert first.is_first and first.prev_cursor is None and first.next_cursor
    assert not last.is_first and last.prev_cursor and last.next_cursor is None
    assert len(last) == 2


def test_descending_order_pages_through_newest_first():
    people = _people(6)
    page = keyset_page(Person.objects.all(), order=("-id",), size=4)
    rest = keyset_page(Person.objects.all(), order=("-id",), after=page.next_cursor, size=4)
    assert [p.pk for p in page.rows + rest.rows] == [p.pk for p in reversed(people)]


def test_values_querysets_page_like_models():
    _people(4)
    qs = Person.objects.values("id", "family_key", "given_key", "family_name")
    page = keyset_page(qs, order=ORDER, size=3)
    nxt = keyset_page(qs, order=ORDER, after=page.next_cursor, size=3)
    assert [r["family_name"] for r in page.rows + nxt.rows] == [f"Family{n:03d}" for n in range(4)]


def test_a_page_costs_one_query(django_assert_num_queries):
    _people(3)
    with django_assert_num_queries(1):
        keyset_page(Person.objects.all(), order=ORDER, size=2)


def test_a_tampered_cursor_is_a_bad_request_not_a_server_error():
    with pytest.raises(BadRequest):
        decode_cursor("not-a-cursor!!", 3)
    with pytest.raises(BadRequest):
        decode_cursor(encode_cursor(["a", "b"]), 3)


def test_counts_stop_at_the_cap():
    _people(5)
    assert count_label(Person.objects.all(), cap=3) == "3+"
    assert count_label(Person.objects.all(), cap=10) == "5"


def test_csv_export_neutralises_spreadsheet_formulas():
    response = csv_response("people.csv", ["name"], [["=HYPERLINK(1)"], ["Ann"]])
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK(1)" in body
    assert body.startswith("\ufeffname")


def test_uuid_keys_page_like_any_other():
    from django_tasks_db.models import DBTaskResult

    from hatrack.directory.tasks import run_oneroster_import

    for n in range(5):
        run_oneroster_import.enqueue(n)
    qs = DBTaskResult.objects.all()
    first = keyset_page(qs, order=("id",), size=3)
    rest = keyset_page(qs, order=("id",), after=first.next_cursor, size=3)
    assert len(first) + len(rest) == 5
    assert {r.id for r in first.rows}.isdisjoint({r.id for r in rest.rows})


def test_the_query_without_cursor_keeps_every_filter_and_drops_both_cursors():
    params = QueryDict("q=smi&site=3&site=4&after=abc&before=def")
    assert query_without_cursor(params) == "q=smi&site=3&site=4"
