"""The device list that the pages and the API share, its search, and one device.

Shaped for 600,000 devices. Every filter is an equality or a short IN list on a column
that an index of `devices.models.Device` leads with, and the list is ordered by serial
number, which each of those indexes ends with (or the unique serial index walked in
order). The search is one index range, chosen by what the text names:

- a serial number prefix (`5CD12`): the unique serial index, in list order;
- else an asset tag prefix (`MV1002`): the unique asset tag index, listed by asset tag;
- else a holder's name (`smi`, `jo smi`, `smith, jo`, as the people list reads it): the
  people whose name key starts so, then their devices by the holder index.

Codes are compared as stored (`normalize_code`: upper case, no spaces) with a half-open
range, `low <= code < high`, which both SQLite and PostgreSQL answer from a B-tree
(LIKE is not index-friendly on SQLite). The one or two probes that choose the kind of
search are single index seeks.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.core.cache import cache
from django.db.models import F, Q, QuerySet
from django.db.models.lookups import Exact as ExactLookup
from django.db.models.lookups import In
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from hatrack.core.permissions import can
from hatrack.core.search import clean_query
from hatrack.devices.models import IN_FLEET, Category, Device, DeviceModel, Status, normalize_code
from hatrack.directory.models import FundingSource, Person, Site
from hatrack.directory.queries.people import person_search, site_choices

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from hatrack.accounts.models import User

SERIAL_ORDER = ("serial_number",)
ASSET_TAG_ORDER = ("asset_tag",)
HOLDER_ORDER = ("holder__family_key", "holder__given_key", "holder_id", "serial_number")
# Filters that select sets of models walk the (model, serial number) index model by model.
MODEL_ORDER = ("model_id", "serial_number")
FLEET = "fleet"  # the status filter's "still in the district's hands"
STATUS_LABELS = dict(Status.choices)
STATUS_BADGES = {
    Status.DEPLOYED: "badge-success",
    Status.LOANER: "badge-warning",
    Status.IN_REPAIR: "badge-warning",
    Status.LOST: "badge-danger",
    Status.STOLEN: "badge-danger",
    Status.RETIRED: "badge-muted",
    Status.DISPOSED: "badge-muted",
}
CATEGORY_LABELS = dict(Category.choices)
# What a list row reads: its own columns, the model's and the holder's and room's names.
LIST_COLUMNS = (
    "id",
    "serial_number",
    "asset_tag",
    "status",
    "site_id",
    "room_id",
    "holder_id",
    "auto_update_expiration",
    "warranty_ends_on",
    "model_id",
    "model__manufacturer",
    "model__name",
    "model__category",
    "model__auto_update_expiration",
    "room__name",
    "holder__given_name",
    "holder__family_name",
    "holder__family_key",
    "holder__given_key",
)
FILTER_KEYS = (
    "q",
    "site",
    "room",
    "status",
    "model",
    "category",
    "holder",
    "funding_source",
    "warranty_expired",
    "aue_expired",
)
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._/-]*$")
_TOP = "\U0010ffff"


@dataclass(frozen=True)
class DeviceSelection:
    """The devices a list's search and filters select, and the order to page them in."""

    devices: QuerySet[Device]
    order: tuple[str, ...]
    search: str = ""  # "serial", "asset_tag", "holder" or "" (no search)
    # The same devices for counting, with every filter indexable: a count has no order
    # to keep, so the planner may start from the site's index (see `_broad_equal`).
    counted: QuerySet[Device] | None = None


def _prefix(column: str, code: str) -> Q:
    return Q(**{f"{column}__gte": code, f"{column}__lt": code + _TOP})


def _code_search(text: str) -> tuple[Q, tuple[str, ...], str] | None:
    """The serial number or asset tag range a code-like query names, if any device has one."""
    if any(ch.isspace() for ch in text):
        return None
    code = normalize_code(text)
    if not _CODE.match(code):
        return None
    serial = _prefix("serial_number", code)
    if Device.objects.filter(serial).exists():
        return serial, SERIAL_ORDER, "serial"
    tag = _prefix("asset_tag", code)
    if Device.objects.filter(tag).exists():
        return tag, ASSET_TAG_ORDER, "asset_tag"
    return None


def _prefixed(condition: Q, prefix: str) -> Q:
    """A person filter (`family_key__gte`...) as a filter on devices' holders."""
    copied = Q(_connector=condition.connector, _negated=condition.negated)
    for child in condition.children:
        if isinstance(child, Q):
            copied.children.append(_prefixed(child, prefix))
        else:
            lookup, value = cast("tuple[str, Any]", child)
            if lookup.endswith("_key__startswith"):
                # The given name beside a family name range: as a range too, the name
                # index checks it on its own entries instead of reading each person.
                column = lookup.removesuffix("__startswith")
                copied.children.append(_prefixed(_prefix(column, value), prefix))
                continue
            copied.children.append((f"{prefix}{lookup}", value))
    return copied


def _names_a_person_by_name(text: str) -> bool:
    """True when `person_search` reads the text as a name (not an email or a SIS id)."""
    if "@" in text or ("." in text and " " not in text):
        return False
    return " " in text or "," in text or not any(ch.isdigit() for ch in text)


def device_search(text: str) -> tuple[Q, tuple[str, ...], str]:
    """The filter, list order and kind of search a query makes (see the module doc).

    A holder's name lists devices by holder name: the database walks the people's name
    index in order and picks up each one's devices, stopping at a page. A query that
    names nothing gives a filter that matches nothing, never a full scan.
    """
    text = clean_query(text)
    if not text:
        return Q(), SERIAL_ORDER, ""
    found = _code_search(text)
    if found is not None:
        return found
    if not any(ch.isalpha() for ch in text):
        return Q(pk__in=[]), SERIAL_ORDER, "serial"
    if _names_a_person_by_name(text):
        return _prefixed(person_search(text), "holder__"), HOLDER_ORDER, "holder"
    people = Person.objects.filter(person_search(text)).values("id")
    return Q(holder_id__in=people), SERIAL_ORDER, "holder"


def _model_ids(**conditions: Any) -> list[int]:
    return list(DeviceModel.objects.filter(**conditions).values_list("id", flat=True))


def _in_models(ids: list[int], *, broad: bool) -> Q:
    """`model_id IN ids`; `broad` hides it from the planner (`model_id + 0`), so that a
    search's own index range leads rather than every device of the models."""
    if not broad:
        return Q(model_id__in=ids)
    return Q(In(F("model_id") + 0, ids)) if ids else Q(pk__in=[])


def _expired_update(today: datetime.date, *, broad: bool = False) -> Q:
    """Past its auto-update expiration, read on the (model, serial number) index.

    A device of a model whose date has passed, unless the console reported a later date
    for the device; a device of a model with no date, when the console's date for it
    has passed. (A device whose console date passed while its model's date is still
    ahead is not listed: Google reports the model's date for every device of a model,
    so the two differ only when the catalog is wrong.)
    """
    expired = _model_ids(auto_update_expiration__lt=today)
    undated = _model_ids(auto_update_expiration__isnull=True, category=Category.CHROMEBOOK)
    not_later = Q(auto_update_expiration__isnull=True) | Q(auto_update_expiration__lt=today)
    return _in_models(expired, broad=broad) & not_later | (
        _in_models(undated, broad=broad) & Q(auto_update_expiration__lt=today)
    )


def _status_filter(status: str) -> Q:
    if status == FLEET:
        return Q(status__in=IN_FLEET)
    return Q(status=status)


def _broad_equal(column: str, value: int) -> Q:
    """`column = value` that the planner will not read from an index (`column + 0`).

    A site or a funding source holds thousands of devices: reading them all from their
    own index to sort them by serial number costs more than walking an index that is
    already in list order (serial number, or model then serial number) and checking
    each row. Room and holder stay indexable: they hold a handful."""
    return Q(ExactLookup(F(column) + 0, value))


def _in_list_order(column: str, filters: Mapping[str, Any], by_models: bool, kind: str) -> bool:
    """Whether `column = value` may be read from its index: a site together with one
    status (the (site, status, serial number) index is in list order), or beside a
    search, whose short range the planner may combine with the site's index."""
    if column == "funding_source_id":
        return bool(kind)
    if column == "site_id":
        return bool(kind) or (not by_models and filters.get("status") not in (None, "", FLEET))
    return True


def devices_matching(filters: Mapping[str, Any]) -> DeviceSelection:
    """The devices a list's search and filters select, with the order of their pages.

    `filters` keys (all optional, empty means any): q, site, room, status (a Status or
    "fleet"), model, category, holder (a person id), funding_source, warranty_expired,
    aue_expired. Costs no query except the search's probes and, for category and AUE,
    one read of the model ids (a catalog of tens or hundreds of rows).
    """
    condition, order, kind = device_search(filters.get("q") or "")
    qs = Device.objects.filter(condition)
    model_sets = []
    searching = bool(kind)
    if filters.get("category"):
        ids = _model_ids(category=filters["category"])
        model_sets.append(_in_models(ids, broad=searching))
    today = timezone.localdate()
    if filters.get("aue_expired"):
        model_sets.append(_expired_update(today, broad=searching))
    by_models = bool(model_sets) and not kind and not filters.get("model")
    if by_models:
        # Devices cluster by maker in serial order; a set of models is read model by
        # model on the (model, serial number) index instead.
        order = MODEL_ORDER
    for item in model_sets:
        qs = qs.filter(item)
    equal = {
        "site_id": filters.get("site"),
        "room_id": filters.get("room"),
        "model_id": filters.get("model"),
        "holder_id": filters.get("holder"),
        "funding_source_id": filters.get("funding_source"),
    }
    rest = Q()
    if filters.get("status"):
        rest &= _status_filter(filters["status"])
    if filters.get("warranty_expired"):
        rest &= Q(warranty_ends_on__lt=today)
    plain = Q(**{column: value for column, value in equal.items() if value})
    counted = qs.filter(plain & rest)
    for column, value in equal.items():
        if value and _in_list_order(column, filters, by_models, kind):
            qs = qs.filter(**{column: value})
        elif value:
            qs = qs.filter(_broad_equal(column, value))
    qs = qs.filter(rest)
    return DeviceSelection(devices=qs, order=order, search=kind, counted=counted)


def is_filtered(filters: Mapping[str, Any]) -> bool:
    return any(filters.get(key) for key in FILTER_KEYS)


def device_list_rows(selection: DeviceSelection) -> QuerySet[Any]:
    """The columns a list row shows, as dicts, in one query with its three small joins."""
    rows: QuerySet[Any] = selection.devices.values(*LIST_COLUMNS)
    return rows


def model_label(manufacturer: str, name: str) -> str:
    """As `DeviceModel.__str__`: 'Lenovo 300e Chromebook', without repeating the maker."""
    if name.lower().startswith(manufacturer.lower()):
        return name
    return f"{manufacturer} {name}"


def _name(given: str | None, family: str | None) -> str:
    return " ".join(p for p in (given, family) if p)


def present_device_rows(
    rows: list[dict[str, Any]], site_names: Mapping[int, str], today: datetime.date | None = None
) -> list[dict[str, Any]]:
    """List rows pre-formatted, so the template only prints strings."""
    today = today or timezone.localdate()
    base = reverse("devices:device_list")
    presented = []
    for row in rows:
        update_end = row["auto_update_expiration"] or row["model__auto_update_expiration"]
        warranty = row["warranty_ends_on"]
        presented.append(
            {
                "id": row["id"],
                "url": f"{base}{row['id']}/",
                "serial_number": row["serial_number"],
                "asset_tag": row["asset_tag"] or "",
                "model": model_label(row["model__manufacturer"], row["model__name"]),
                "category": CATEGORY_LABELS.get(row["model__category"], ""),
                "status": row["status"],
                "status_label": STATUS_LABELS.get(row["status"], row["status"]),
                "badge": STATUS_BADGES.get(row["status"], ""),
                "site": site_names.get(row["site_id"], "") if row["site_id"] else "",
                "holder": _name(row["holder__given_name"], row["holder__family_name"]),
                "room": row["room__name"] or "",
                "update_end": update_end.isoformat() if update_end else "",
                "update_end_label": update_end.strftime("%b %Y") if update_end else "",
                "update_expired": bool(update_end and update_end < today),
                "warranty_expired": bool(warranty and warranty < today),
            }
        )
    return presented


DEVICE_CSV_HEADER = [
    "Serial number",
    "Asset tag",
    "Manufacturer",
    "Model",
    "Category",
    "Status",
    "Condition",
    "Site",
    "Room",
    "Holder",
    "Holder SIS id",
    "Purchase order",
    "Purchased on",
    "Cost",
    "Funding source",
    "Warranty ends",
    "Auto-update expiration",
    "OS version",
    "Last check-in",
]


def device_csv_rows(filters: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
    """Every device the filters select, in list order, streamed from the database."""
    selection = devices_matching(filters)
    rows = selection.devices.order_by(*selection.order).values_list(
        "serial_number",
        "asset_tag",
        "model__manufacturer",
        "model__name",
        "model__category",
        "status",
        "condition",
        "site__name",
        "room__name",
        "holder__given_name",
        "holder__family_name",
        "holder__sis_id",
        "purchase_order",
        "purchased_on",
        "cost",
        "funding_source__name",
        "warranty_ends_on",
        "auto_update_expiration",
        "model__auto_update_expiration",
        "os_version",
        "last_checkin_at",
    )
    for row in rows.iterator(chunk_size=2000):
        (serial, tag, maker, name, category, status, condition, site, room) = row[:9]
        given, family, sis_id, po, bought, cost, fund, warranty, own, model_aue = row[9:19]
        os_version, last_checkin = row[19:]
        yield (
            serial, tag or "", maker, name, CATEGORY_LABELS.get(category, category),
            STATUS_LABELS.get(status, status), condition, site or "", room or "",
            _name(given, family), sis_id or "", po, bought, cost, fund or "", warranty,
            own or model_aue, os_version, last_checkin,
        )  # fmt: skip


@dataclass(frozen=True)
class ListChoices:
    """The device list's filter options: sites, models and funding sources by name."""

    sites: list[tuple[int, str]]
    models: list[tuple[int, str]]
    funds: list[tuple[int, str]]

    @property
    def site_names(self) -> dict[int, str]:
        return dict(self.sites)


LIST_CHOICES_KEY = "devices:list-choices"
LIST_CHOICES_SECONDS = 60


def list_choices() -> ListChoices:
    """The filter options, cached for a minute: three small tables the list would
    otherwise read on every request. Saving or deleting a site, model or funding source
    drops the cached copy at once in this process (`forget_list_choices`); other app
    processes see the change within the minute."""
    cached = cache.get(LIST_CHOICES_KEY)
    if isinstance(cached, ListChoices):
        return cached
    choices = ListChoices(sites=site_choices(), models=model_choices(), funds=fund_choices())
    cache.set(LIST_CHOICES_KEY, choices, LIST_CHOICES_SECONDS)
    return choices


@receiver([post_save, post_delete], sender=Site, dispatch_uid="devices-choices-site")
@receiver([post_save, post_delete], sender=DeviceModel, dispatch_uid="devices-choices-model")
@receiver([post_save, post_delete], sender=FundingSource, dispatch_uid="devices-choices-fund")
def forget_list_choices(**kwargs: Any) -> None:
    cache.delete(LIST_CHOICES_KEY)


def model_choices() -> list[tuple[int, str]]:
    """Every model in the catalog, for the list's filter (a catalog has tens or hundreds)."""
    rows = DeviceModel.objects.order_by("manufacturer", "name").values_list(
        "id", "manufacturer", "name"
    )
    return [(pk, model_label(maker, name)) for pk, maker, name in rows]


def fund_choices() -> list[tuple[int, str]]:
    return list(FundingSource.objects.order_by("name").values_list("id", "name"))


# --- One device ---------------------------------------------------------------------------


def get_device_for(user: User | AnonymousUser, pk: int) -> Device:
    """The device with its model, site, room, holder, funding source and vendor, for a
    user who may see devices; Http404 otherwise (and when there is no such device)."""
    if not can(user, "devices.view"):
        raise Http404("No such device.")
    device = (
        Device.objects.select_related("model", "site", "room", "holder", "funding_source", "vendor")
        .filter(pk=pk)
        .first()
    )
    if device is None:
        raise Http404("No such device.")
    return device
