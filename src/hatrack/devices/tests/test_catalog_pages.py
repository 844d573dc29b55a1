import pytest
from django.urls import reverse

from hatrack.core.models import AuditEntry
from hatrack.devices.models import DeviceModel, Kit, Status
from hatrack.devices.tests.factories import make_device, make_device_model, make_kit

pytestmark = pytest.mark.django_db
MODELS = reverse("devices:model_list")
KITS = reverse("devices:kit_list")


def labels(response):
    return [row["label"] for row in response.context["rows"]]


def test_the_model_list_counts_each_models_devices_in_the_fleet_and_in_all(viewer_client):
    device_model = make_device_model(manufacturer="Lenovo", name="300e Gen 3")
    make_device(model=device_model)
    make_device(model=device_model, status=Status.DEPLOYED)
    make_device(model=device_model, status=Status.DISPOSED)
    make_device_model(manufacturer="Dell", name="Latitude 3440", category="windows")
    rows = viewer_client.get(MODELS).context["rows"]
    assert [(r["label"], r["fleet"], r["total"]) for r in rows] == [
        ("Dell Latitude 3440", 0, 0),
        ("Lenovo 300e Gen 3", 2, 3),
    ]


def test_the_model_list_searches_and_filters_by_kind(viewer_client):
    make_device_model(manufacturer="Lenovo", name="300e Gen 3")
    make_device_model(manufacturer="Dell", name="Latitude 3440", category="windows")
    make_device_model(manufacturer="Acer", name="Old One", active=False)
    assert labels(viewer_client.get(MODELS, {"q": "latitude"})) == ["Dell Latitude 3440"]
    assert labels(viewer_client.get(MODELS, {"category": "chromebook"})) == ["Lenovo 300e Gen 3"]
    assert labels(viewer_client.get(MODELS, {"active": "inactive"})) == ["Acer Old One"]


def _model_list_queries(client, django_assert_num_queries):
    client.get(MODELS)
    # session, user, page, bounded count, device counts (one grouped query)
    with django_assert_num_queries(5):
        client.get(MODELS)


def test_the_model_list_costs_the_same_queries_for_one_row_and_fifty(
    viewer_client, django_assert_num_queries
):
    make_device(model=make_device_model())
    _model_list_queries(viewer_client, django_assert_num_queries)
    for _ in range(49):
        make_device(model=make_device_model())
    assert len(viewer_client.get(MODELS).context["rows"]) == 50
    _model_list_queries(viewer_client, django_assert_num_queries)


def test_the_model_page_counts_devices_by_status(viewer_client):
    device_model = make_device_model(name="300e Gen 3")
    make_device(model=device_model)
    make_device(model=device_model, status=Status.LOST)
    make_device(model=device_model, status=Status.LOST)
    response = viewer_client.get(reverse("devices:model_detail", args=[device_model.pk]))
    counts = [(i["status"], i["count"]) for i in response.context["by_status"]]
    assert counts == [("In stock", 1), ("Lost", 2)]


def test_the_model_page_lists_the_kits_that_fit_it(viewer_client):
    device_model = make_device_model(category="chromebook")
    make_kit(name="Chromebook kit", category="chromebook")
    make_kit(name="Any device kit", category="")
    make_kit(name="iPad kit", category="tablet")
    response = viewer_client.get(reverse("devices:model_detail", args=[device_model.pk]))
    assert [k.name for k in response.context["kits"]] == ["Any device kit", "Chromebook kit"]


def test_a_leader_adds_a_model_and_lands_on_its_page(leader_client):
    response = leader_client.post(
        reverse("devices:model_create"),
        {
            "manufacturer": "Lenovo", "name": "300e Chromebook Gen 3", "category": "chromebook",
            "auto_update_expiration": "2030-06-01", "expected_life_years": "5",
            "replacement_cost": "289.00", "active": "on",
        },
    )  # fmt: skip
    device_model = DeviceModel.objects.get()
    assert response["Location"] == reverse("devices:model_detail", args=[device_model.pk])
    assert AuditEntry.objects.filter(action="create", object_id=str(device_model.pk)).exists()


def test_a_duplicate_model_is_explained_and_nothing_is_saved(leader_client):
    make_device_model(manufacturer="Lenovo", name="300e Chromebook Gen 3")
    response = leader_client.post(
        reverse("devices:model_create"),
        {
            "manufacturer": "Lenovo", "name": "300e Chromebook Gen 3", "category": "chromebook",
            "expected_life_years": "5",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "This model is already in the catalog." in response.content.decode()
    assert DeviceModel.objects.count() == 1


def test_a_leader_changes_a_models_replacement_cost(leader_client):
    device_model = make_device_model(manufacturer="Lenovo", name="300e Gen 3")
    leader_client.post(
        reverse("devices:model_edit", args=[device_model.pk]),
        {
            "manufacturer": "Lenovo", "name": "300e Gen 3", "category": "chromebook",
            "expected_life_years": "4", "replacement_cost": "310", "active": "on",
        },
    )  # fmt: skip
    device_model.refresh_from_db()
    assert str(device_model.replacement_cost) == "310.00"


@pytest.mark.parametrize("persona", ["technician", "viewer"], indirect=True)
def test_only_the_leader_may_add_models_or_kits(persona):
    _, client = persona
    assert client.get(reverse("devices:model_create")).status_code == 403
    assert client.post(reverse("devices:kit_create"), {"name": "Kit"}).status_code == 403
    assert not Kit.objects.exists()


@pytest.mark.parametrize("persona", ["technician", "viewer"], indirect=True)
def test_readers_see_the_catalog_without_edit_links(persona):
    _, client = persona
    make_kit(name="Student kit")
    body = client.get(KITS).content.decode()
    assert "Student kit" in body
    assert reverse("devices:kit_create") not in body


def test_staff_cannot_read_the_catalog(staff_client):
    assert staff_client.get(MODELS).status_code == 403


def test_a_leader_adds_a_kit_typing_accessories_one_a_line(leader_client):
    response = leader_client.post(
        KITS + "new/",
        {"name": "Student Chromebook", "category": "chromebook",
         "accessories": "Charger\ncase, Stylus\ncharger", "active": "on"},
    )  # fmt: skip
    assert response["Location"] == KITS
    assert Kit.objects.get().accessories == ["charger", "case", "stylus"]


def test_eleven_accessories_are_explained_beside_the_field(leader_client):
    response = leader_client.post(
        reverse("devices:kit_create"),
        {"name": "Too much", "accessories": "\n".join(f"item {n}" for n in range(11))},
    )
    body = response.content.decode()
    assert 'id="id_accessories_error"' in body
    assert "at most 10 accessories" in body
    assert not Kit.objects.exists()


def test_the_kit_form_shows_its_accessories_one_a_line(leader_client):
    kit = make_kit(accessories=["charger", "case"])
    response = leader_client.get(reverse("devices:kit_edit", args=[kit.pk]))
    assert response.context["form"]["accessories"].value() == "charger\ncase"


def test_the_kit_list_costs_the_same_queries_for_one_row_and_fifty(
    viewer_client, django_assert_num_queries
):
    make_kit()
    viewer_client.get(KITS)
    with django_assert_num_queries(4):  # session, user, page, bounded count
        viewer_client.get(KITS)
    for _ in range(49):
        make_kit()
    viewer_client.get(KITS)
    with django_assert_num_queries(4):
        assert len(viewer_client.get(KITS).context["rows"]) == 50


def test_the_model_page_links_to_the_device_list_filtered_by_model(viewer_client):
    device_model = make_device_model()
    make_device(model=device_model)
    response = viewer_client.get(reverse("devices:model_detail", args=[device_model.pk]))
    url = f"/devices/?model={device_model.pk}"
    assert response.context["devices_url"] == url
    assert f'href="{url}"' in response.content.decode()
