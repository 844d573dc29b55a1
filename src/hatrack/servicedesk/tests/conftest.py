"""Service desk fixtures: a Technology queue and a teacher who asks for help."""

import pytest

from hatrack.accounts.models import User
from hatrack.directory.models import Person
from hatrack.directory.tests.factories import make_person, make_site
from hatrack.servicedesk.models import Queue, Ticket
from hatrack.servicedesk.tests.factories import make_queue, make_team, make_ticket


@pytest.fixture
def queue(technician: User) -> Queue:
    """The Technology queue, worked by the technician persona's help desk team."""
    tech = make_queue(name="Technology", code="tech")
    make_team(queue=tech, name="Help desk", members=[technician])
    return tech


@pytest.fixture
def teacher(db: None) -> Person:
    return make_person(role=Person.Role.TEACHER, primary_site=make_site(name="Lincoln High"))


@pytest.fixture
def asker(staff: User, teacher: Person) -> User:
    """The staff persona, linked to the teacher's directory record."""
    staff.person = teacher
    staff.save()
    return staff


@pytest.fixture
def ticket(queue: Queue, teacher: Person, asker: User) -> Ticket:
    return make_ticket(queue=queue, requester=teacher, created_by=asker, site=teacher.primary_site)
