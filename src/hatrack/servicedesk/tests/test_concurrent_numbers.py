"""Ticket numbers stay unique when many requests open tickets at the same moment."""

import threading

import pytest
from django.db import connection

from hatrack.directory.tests.factories import make_person
from hatrack.servicedesk.models import Ticket
from hatrack.servicedesk.services import open_ticket
from hatrack.servicedesk.tests.factories import make_queue

THREADS, EACH = 6, 5


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite admits one writer at a time, so its numbers cannot race",
)
@pytest.mark.django_db(transaction=True)
def test_tickets_opened_at_the_same_moment_get_distinct_increasing_numbers():
    queue, requester = make_queue(), make_person()
    start = threading.Barrier(THREADS)
    numbers: list[list[int]] = [[] for _ in range(THREADS)]
    errors: list[BaseException] = []

    def work(slot: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                ticket = open_ticket(
                    queue=queue,
                    subject=f"Race {slot}-{i}",
                    description="",
                    requester=requester,
                    by=None,
                )
                numbers[slot].append(ticket.pk)
        except BaseException as exc:  # reported below, with the thread's own traceback
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    everyone = [n for mine in numbers for n in mine]
    assert len(set(everyone)) == THREADS * EACH == Ticket.objects.count()
    assert all(mine == sorted(mine) for mine in numbers)
