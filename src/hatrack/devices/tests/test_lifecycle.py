"""The leader's lifecycle view: the fleet by model, age, site and status, what reaches
auto-update expiration or leaves warranty, repair rates, losses and the replacement bill,
correct on a small fleet, for the readers only, in a fixed number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hatrack.devices.lifecycle import Scope, add_years, compute, fiscal_label, fiscal_year
from hatrack.devices.models import Category, Device, Status
from hatrack.devices.tests.factories import make_device, make_device_model, make_repair
from hatrack.directory.tests.factories import make_site

LIFECYCLE = reverse("devices:lifecycle")


@pytest.fixture(autouse=True)
def no_cached_figures():
    cache.clear()
    yield
    cache.clear()


def today() -> dt.date:
    return timezone.localdate()


def ago(days: int) -> dt.date:
    return today() - dt.timedelta(days=days)


def ahead(days: int) -> dt.date:
    return today() + dt.timedelta(days=days)


@pytest.fixture
def fleet(db):
    """Two schools: old Chromebooks past their expiration, newer ones reaching it within
    months (one with a later date of its own), Windows laptops, one lost, one retired."""
    north, south = make_site(name="North School"), make_site(name="South School")
    old = make_device_model(
        manufacturer="Dell",
        name="Chromebook 3100",
        category=Category.CHROMEBOOK,
        auto_update_expiration=ago(200),
        replacement_cost=Decimal("300.00"),
    )
    near = make_device_model(
        manufacturer="HP",
        name="Chromebook 11 G8 EE",
        auto_update_expiration=ahead(100),
        replacement_cost=Decimal("280.00"),
    )
    laptop = make_device_model(
        manufacturer="Dell", name="Latitude 3440", category=Category.WINDOWS, expected_life_years=5
    )
    made = {
        "old": [
            make_device(
                model=old,
                site=north,
                status=Status.DEPLOYED,
                purchased_on=ago(5 * 365 + 30),
                warranty_ends_on=ago(2 * 365),
                cost=Decimal("250.00"),
            )
            for _ in range(3)
        ],
        "near": [
            make_device(
                model=near,
                site=south,
                status=Status.IN_STOCK,
                purchased_on=ago(400),
                warranty_ends_on=ahead(60),
                cost=Decimal("260.00"),
            )
            for _ in range(4)
        ],
        "laptop": [
            make_device(
                model=laptop,
                site=north,
                status=Status.IN_REPAIR,
                purchased_on=ago(30),
                warranty_ends_on=ahead(3 * 365),
                cost=Decimal("900.00"),
            )
        ],
        "lost": make_device(model=old, site=north, status=Status.LOST, purchased_on=ago(5 * 365)),
        "retired": make_device(
            model=old, site=south, status=Status.RETIRED, purchased_on=ago(6 * 365)
        ),
    }
    # One of the newer Chromebooks reports a later date of its own (another board).
    later = made["near"][0]
    later.auto_update_expiration = ahead(3 * 365)
    later.save()
    Device.objects.filter(pk=made["lost"].pk).update(
        updated_at=timezone.make_aware(dt.datetime.combine(ago(400), dt.time(12)))
    )
    now = timezone.now()
    make_repair(device=made["near"][1], opened_at=now - dt.timedelta(days=20), status="repaired")
    make_repair(device=made["near"][2], opened_at=now - dt.timedelta(days=200), status="repaired")
    make_repair(device=made["near"][2], opened_at=now - dt.timedelta(days=500), status="repaired")
    made.update(north=north, south=south, old_model=old, near_model=near, laptop_model=laptop)
    return made


def figures(site=None):
    return compute(Scope(site=site, today=today()))


def by_label(rows):
    return {row.label: row for row in rows}


def test_the_fleet_is_counted_by_status(fleet):
    counts = {row["key"]: row["devices"] for row in figures()["statuses"]}

    assert counts == {
        "in_stock": 4,
        "deployed": 3,
        "loaner": 0,
        "in_repair": 1,
        "lost": 1,
        "stolen": 0,
        "retired": 1,
        "disposed": 0,
    }


def test_models_count_what_is_in_the_fleet_and_what_left_it(fleet):
    models = by_label(figures()["models"])
    old = models["Dell Chromebook 3100"]

    assert old.in_fleet == 3
    assert old.by_status == {"deployed": 3, "lost": 1, "retired": 1}
    assert models["HP Chromebook 11 G8 EE"].in_fleet == 4
    assert models["Dell Latitude 3440"].in_fleet == 1


def test_sites_count_their_devices_in_the_fleet(fleet):
    sites = {row["label"]: row for row in figures()["sites"]}

    assert sites["North School"] == {
        "label": "North School",
        "deployed": 3,
        "in_stock": 0,
        "in_repair": 1,
        "in_fleet": 4,
    }
    assert sites["South School"]["in_stock"] == 4


def test_ages_count_whole_years_since_purchase(fleet):
    ages = {row["label"]: row["devices"] for row in figures()["ages"]}

    assert ages["Under 1 year"] == 1
    assert ages["1 year"] == 4
    assert ages["5 years"] == 3
    assert "Purchase date unknown" not in ages


def test_auto_update_expiration_is_the_devices_own_date_else_its_models(fleet):
    models = by_label(figures()["models"])

    assert models["Dell Chromebook 3100"].aue_past == 3
    assert models["HP Chromebook 11 G8 EE"].aue_near == 3  # the fourth has a later date
    assert models["HP Chromebook 11 G8 EE"].aue_past == 0
    assert [m.label for m in figures()["expiring"]] == [
        "HP Chromebook 11 G8 EE",
        "Dell Chromebook 3100",
    ]


def test_warranty_counts_the_ended_and_the_ending_within_a_year(fleet):
    models = by_label(figures()["models"])

    assert models["Dell Chromebook 3100"].warranty_expired == 3
    assert models["HP Chromebook 11 G8 EE"].warranty_near == 4
    assert models["Dell Latitude 3440"].warranty_expired == 0
    assert models["Dell Latitude 3440"].warranty_near == 0


def test_repair_rates_count_the_last_12_months_per_100_devices(fleet):
    near = by_label(figures()["models"])["HP Chromebook 11 G8 EE"]

    assert near.repairs == 2  # the repair of 500 days ago is left out
    assert near.repairs_per_100 == 50.0
    assert [m.label for m in figures()["repair_rates"]] == ["HP Chromebook 11 G8 EE"]


def test_losses_are_counted_in_the_school_year_they_were_marked(fleet):
    year = fiscal_year(ago(400))

    assert figures()["losses"] == [{"label": fiscal_label(year), "lost": 1, "stolen": 0}]


def test_replacement_cost_falls_in_the_year_each_device_reaches_end_of_life(fleet):
    forecast = {row["label"]: row for row in figures()["forecast"]}
    this_year = fiscal_year(today())
    overdue = forecast[f"Overdue (before {fiscal_label(this_year)})"]

    # Past expiration: overdue, priced at the model's replacement cost.
    assert (overdue["devices"], overdue["cost"]) >= (3, Decimal("900.00"))
    soon = fiscal_year(ahead(100))
    assert forecast[fiscal_label(soon)]["devices"] >= 3
    # The laptop's model has no replacement cost: priced at what it cost, five years on.
    laptop_year = fiscal_year(add_years(ago(30), 5))
    assert forecast[fiscal_label(laptop_year)]["cost"] >= Decimal("900.00")
    assert sum(row["devices"] for row in forecast.values()) == 8


def test_a_site_filter_keeps_that_sites_devices_and_repairs(fleet):
    south = figures(site=fleet["south"].pk)

    assert {row["label"] for row in south["sites"]} == {"South School"}
    assert by_label(south["models"])["HP Chromebook 11 G8 EE"].repairs == 2
    assert "Dell Latitude 3440" not in by_label(south["models"])
    assert south["losses"] == []


@pytest.mark.parametrize(
    ("persona", "status"),
    [("leader", 200), ("technician", 200), ("viewer", 200), ("staff", 403), ("outsider", 302)],
    indirect=["persona"],
)
def test_who_may_open_the_lifecycle_page(persona, status):
    _, client = persona

    assert client.get(LIFECYCLE).status_code == status


def test_the_page_shows_charts_as_images_beside_tables_of_the_same_figures(leader_client, fleet):
    page = leader_client.get(LIFECYCLE).content.decode()

    assert page.count('src="data:image/svg+xml;base64,') >= 6
    assert "<svg" not in page and "<script>" not in page
    assert "Dell Chromebook 3100" in page
    assert "Replacement cost by year" in page
    assert 'aria-current="page"' in page  # the lifecycle tab


def test_the_site_filter_narrows_the_page(leader_client, fleet):
    page = leader_client.get(LIFECYCLE, {"site": fleet["south"].pk}).content.decode()

    assert "Devices at South School" in page
    assert "Dell Latitude 3440" not in page


def test_an_unknown_site_is_refused_beside_the_field(leader_client, fleet):
    response = leader_client.get(LIFECYCLE, {"site": "99999"})
    page = response.content.decode()

    assert response.status_code == 200
    assert 'class="error"' in page and "Select a valid choice" in page
    assert "Replacement cost by year" not in page


def test_an_empty_district_gets_an_empty_state(leader_client, db):
    page = leader_client.get(LIFECYCLE).content.decode()

    assert "No devices yet" in page


def test_the_figures_are_cached_until_refreshed(leader_client, fleet):
    leader_client.get(LIFECYCLE)
    make_device(model=fleet["laptop_model"], site=fleet["north"], status=Status.DEPLOYED)

    cached = leader_client.get(LIFECYCLE).content.decode()
    fresh = leader_client.get(LIFECYCLE, {"refresh": "1"}).content.decode()

    assert '<span class="value">8</span>' in cached
    assert '<span class="value">9</span>' in fresh


# Session, user, site choices, models, devices by status, site names, purchases,
# repairs, losses, the district's name in the layout.
PAGE_QUERIES = 10


def test_the_page_takes_the_same_queries_for_one_device_or_many(
    leader_client, db, django_assert_num_queries
):
    site = make_site()
    model = make_device_model(auto_update_expiration=ahead(30))
    make_device(model=model, site=site, status=Status.DEPLOYED, purchased_on=ago(300))
    leader_client.get(LIFECYCLE)  # the session settles
    cache.clear()
    with django_assert_num_queries(PAGE_QUERIES):
        leader_client.get(LIFECYCLE)
    for n in range(40):
        other = make_device_model(name=f"Model {n}") if n % 10 == 0 else model
        device = make_device(
            model=other,
            site=make_site() if n % 8 == 0 else site,
            status=Status.LOST if n % 7 == 0 else Status.DEPLOYED,
            purchased_on=ago(100 * n),
        )
        make_repair(device=device, opened_at=timezone.now(), status="repaired")
    cache.clear()

    with django_assert_num_queries(PAGE_QUERIES):
        leader_client.get(LIFECYCLE)


def test_the_cached_page_reads_no_device(leader_client, fleet):
    leader_client.get(LIFECYCLE)

    with CaptureQueriesContext(connection) as captured:
        leader_client.get(LIFECYCLE)

    assert not [q for q in captured if "devices_device" in q["sql"]]
