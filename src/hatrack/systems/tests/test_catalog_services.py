import pytest
from django.core.exceptions import ValidationError

from hatrack.core.models import AuditEntry
from hatrack.directory.models import Person
from hatrack.directory.tests.factories import make_person, make_site
from hatrack.systems.models import Dependency, System, SystemsSettings
from hatrack.systems.services import catalog as services
from hatrack.systems.tests.factories import make_dependency, make_system

pytestmark = pytest.mark.django_db


def graph_version():
    return SystemsSettings.load().graph_version


def entries(obj):
    return AuditEntry.objects.filter(
        object_id=str(obj.pk), content_type__model=obj._meta.model_name
    )


def new_system(leader, **values):
    fields = {"name": "Student information system", "kind": "sis", "hosting": "saas", "tier": 1}
    fields.update(values)
    return services.create_system(by=leader, **fields)


def test_creating_a_system_renders_its_markdown_audits_it_and_moves_the_graph_version(leader):
    before = graph_version()
    site = make_site()
    system = new_system(
        leader,
        runbook="# Restart\n<script>alert(1)</script> **now**",
        continuity_plan="Use *paper* rosters.",
        sites=[site],
        audiences=["teacher", "student", "teacher"],
        links=[{"title": " Admin guide ", "url": "https://example.org/guide"}],
    )
    assert "<strong>now</strong>" in system.runbook_html
    assert "<script" not in system.runbook_html
    assert "<em>paper</em>" in system.continuity_html
    assert system.audiences == ["teacher", "student"]
    assert system.links == [{"title": "Admin guide", "url": "https://example.org/guide"}]
    assert list(system.sites.all()) == [site]
    assert graph_version() > before
    actions = set(entries(system).values_list("action", flat=True))
    assert AuditEntry.Action.CREATE in actions
    assert entries(system).filter(summary="Sites changed").exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"audiences": ["parents"]}, "audiences"),
        ({"data_held": ["secrets"]}, "data_held"),
        ({"links": [{"title": "x", "url": "javascript:alert(1)"}]}, "links"),
        ({"links": [{"title": "x", "url": "ftp://example.org/"}]}, "links"),
        ({"data_held": ["health"], "privacy": "internal"}, "privacy"),
        ({"tier": 7}, "tier"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_system_input_is_refused_by_field_and_writes_nothing(leader, values, field):
    with pytest.raises(ValidationError) as caught:
        new_system(leader, **values)
    assert field in caught.value.message_dict
    assert not System.objects.exists()
    assert not AuditEntry.objects.exists()


def test_student_records_need_a_confidential_or_restricted_privacy(leader):
    with pytest.raises(ValidationError, match="Confidential or Restricted"):
        new_system(leader, data_held=["student_records"], privacy="public")
    system = new_system(leader, data_held=["student_records"], privacy="restricted")
    assert system.privacy == "restricted"


def test_a_student_cannot_own_a_system(leader):
    student = make_person(role=Person.Role.STUDENT)
    with pytest.raises(ValidationError) as caught:
        new_system(leader, owner=student)
    assert "owner" in caught.value.message_dict


def test_a_taken_name_is_refused_beside_the_name(leader):
    make_system(name="Email")
    with pytest.raises(ValidationError) as caught:
        new_system(leader, name="Email")
    assert "name" in caught.value.message_dict


def test_updating_a_system_audits_the_change_and_a_refused_change_leaves_it_alone(leader):
    system = make_system(name="Phones", tier=3)
    owner = make_person(role=Person.Role.STAFF)
    services.update_system(system=system, by=leader, tier=1, owner=owner, runbook="*call*")
    system.refresh_from_db()
    assert (system.tier, system.owner_id) == (1, owner.pk)
    assert "<em>call</em>" in system.runbook_html
    update = entries(system).get(action=AuditEntry.Action.UPDATE)
    assert update.changes["tier"] == [3, 1]
    with pytest.raises(ValidationError):
        services.update_system(system=system, by=leader, tier=1, data_held=["health"])
    assert system.data_held == []
    system.refresh_from_db()
    assert system.data_held == []


def test_retiring_and_activating_a_system_are_audited(leader):
    system = make_system()
    services.retire_system(system=system, by=leader)
    assert not system.active
    services.activate_system(system=system, by=leader)
    assert system.active
    assert entries(system).filter(action=AuditEntry.Action.UPDATE).count() == 2


def test_a_dependency_takes_its_kinds_usual_effect_and_is_audited(leader):
    lms, sso = make_system(name="LMS"), make_system(name="SSO")
    before = graph_version()
    dependency = services.add_dependency(
        system=lms, depends_on=sso, kind="authenticates", note=" login ", by=leader
    )
    assert (dependency.effect, dependency.note) == ("fails", "login")
    data = services.add_dependency(system=lms, depends_on=sso, kind="receives_data", by=leader)
    assert data.effect == "degrades"
    assert graph_version() > before
    assert entries(dependency).filter(action=AuditEntry.Action.CREATE).exists()


def test_a_duplicate_or_self_dependency_is_refused_with_the_constraints_message(leader):
    lms, sso = make_system(name="LMS"), make_system(name="SSO")
    make_dependency(lms, sso, kind="authenticates")
    with pytest.raises(ValidationError, match="already recorded"):
        services.add_dependency(system=lms, depends_on=sso, kind="authenticates", by=leader)
    with pytest.raises(ValidationError, match="cannot depend on itself"):
        services.add_dependency(system=lms, depends_on=lms, kind="runs_on", by=leader)
    with pytest.raises(ValidationError):
        services.add_dependency(system=lms, depends_on=sso, kind="telepathy", by=leader)
    assert Dependency.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_a_dependency_on_a_retired_system_is_refused(leader):
    lms, old = make_system(name="LMS"), make_system(name="Old SSO", active=False)
    with pytest.raises(ValidationError) as caught:
        services.add_dependency(system=lms, depends_on=old, kind="authenticates", by=leader)
    assert "depends_on" in caught.value.message_dict


def test_cycles_are_allowed_in_the_data(leader):
    sis, lms = make_system(name="SIS"), make_system(name="LMS")
    services.add_dependency(system=lms, depends_on=sis, kind="receives_data", by=leader)
    services.add_dependency(system=sis, depends_on=lms, kind="receives_data", by=leader)
    assert Dependency.objects.count() == 2


def test_updating_and_removing_a_dependency_are_audited(leader):
    dependency = make_dependency(make_system(), make_system(), kind="integrates")
    services.update_dependency(dependency=dependency, by=leader, effect="fails", note="hard")
    assert (dependency.effect, dependency.note) == ("fails", "hard")
    assert entries(dependency).get(action=AuditEntry.Action.UPDATE).changes["effect"] == [
        "degrades",
        "fails",
    ]
    with pytest.raises(ValidationError):
        services.update_dependency(dependency=dependency, by=leader, effect="explodes")
    pk = dependency.pk
    before = graph_version()
    services.remove_dependency(dependency=dependency, by=leader)
    assert not Dependency.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(object_id=str(pk), action=AuditEntry.Action.DELETE).exists()
    assert graph_version() > before
