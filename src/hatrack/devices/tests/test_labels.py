"""Asset labels: the sheet layouts, the PDF (read back uncompressed) and the print page."""

import re

import pytest
from django.urls import reverse

from hatrack.devices import labels
from hatrack.devices.tests.factories import make_device, make_device_model

# Code 128 symbol widths (bar, space, bar, space, bar, space), values 0 to 106, as the
# standard lists them; the test decodes the drawn bars with this table, not reportlab's.
CODE128_WIDTHS = (  # noqa: SIM905 - the table reads as the standard prints it
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 "
    "112232 122132 122231 113222 123122 123221 223211 221132 221231 213212 223112 312131 "
    "311222 321122 321221 312212 322112 322211 212123 212321 232121 111323 131123 131321 "
    "112313 132113 132311 211313 231113 231311 112133 112331 132131 113123 113321 133121 "
    "313121 211331 231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 "
    "314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 112412 122114 "
    "122411 142112 142211 241211 221114 413111 241112 134111 111242 121142 121241 114212 "
    "124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113 "
    "114311 411113 411311 113141 114131 311141 411131 211412 211214 211232"
).split()
STOP = "2331112"
RECT = re.compile(rb"(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re")
PAGE = re.compile(rb"/Type /Page\b(?!s)")


def decode_code128(bars: list[tuple[float, float]]) -> str:
    """The text of a Code 128 symbol given its bars as (x, width), left to right."""
    bars = sorted(bars)
    elements = []
    for (x, width), (next_x, _) in zip(bars, [*bars[1:], (None, None)], strict=True):
        elements.append(width)
        if next_x is not None:
            elements.append(next_x - x - width)
    module = min(elements)
    digits = "".join(str(round(e / module)) for e in elements)
    assert digits.endswith(STOP), "no stop character"
    values = [CODE128_WIDTHS.index(digits[i : i + 6]) for i in range(0, len(digits) - 7, 6)]
    *data, check = values
    assert check == (data[0] + sum(i * v for i, v in enumerate(data[1:], 1))) % 103
    code_set = {103: "A", 104: "B", 105: "C"}[data[0]]
    text = ""
    for value in data[1:]:
        if code_set == "C" and value < 100:
            text += f"{value:02d}"
        elif value in (99, 100, 101) and not (code_set == "B" and value == 100):
            code_set = {99: "C", 100: "B", 101: "A"}[value]
        else:
            text += chr(32 + value) if value < 64 or code_set == "B" else chr(value - 64)
    return text


def sample(n=1, **overrides):
    values = {
        "heading": "Springfield Public Schools",
        "code": f"T{n:06d}",
        "model": "Lenovo 300e Chromebook Gen 3",
        "serial_number": f"5CD{n:07d}X",
        "link": f"https://hatrack.example.org/devices/{n}/",
    }
    values.update(overrides)
    return labels.Label(**values)


def pdf_of(items, stock="avery5160", start_at=1):
    return labels.render_labels(
        items, stock=labels.STOCKS[stock], start_at=start_at, compress=False
    )


@pytest.mark.parametrize(
    ("stock", "count", "start_at", "pages"),
    [
        ("avery5160", 30, 1, 1),
        ("avery5160", 31, 1, 2),
        ("avery5160", 2, 30, 2),
        ("avery5163", 10, 1, 1),
        ("avery5163", 11, 1, 2),
        ("avery5163", 5, 7, 2),
        ("dymo30252", 3, 1, 3),
    ],
)
def test_the_pdf_has_one_page_per_sheet_the_labels_fill(stock, count, start_at, pages):
    pdf = pdf_of([sample(n) for n in range(count)], stock, start_at)
    assert (
        len(PAGE.findall(pdf))
        == pages
        == labels.pages_needed(count, labels.STOCKS[stock], start_at)
    )


def test_every_label_shows_its_tag_model_serial_number_and_the_district():
    pdf = pdf_of([sample(7), sample(8)])
    for text in (b"(T000007) Tj", b"(T000008) Tj", b"(S/N 5CD0000007X) Tj"):
        assert text in pdf
    assert pdf.count(b"(Springfield Public Schools) Tj") == 2
    assert b"(Lenovo 300e Chromebook Gen 3) Tj" in pdf


def test_a_device_without_an_asset_tag_carries_its_serial_number_as_the_barcode():
    label = labels.label_for(
        heading="District", asset_tag=None, serial_number="5CD1234567", model="HP", link=""
    )
    assert label.code == "5CD1234567"
    pdf = pdf_of([label])
    assert b"(5CD1234567) Tj" in pdf
    assert b"S/N" not in pdf


@pytest.mark.parametrize("code", ["T000123", "5CD-ABC/12.9", "LHS-2024-0042", "A"])
def test_the_barcode_drawn_on_the_label_decodes_to_its_code(code):
    pdf = pdf_of([sample(code=code, link="")], "avery5160")
    bars = [(float(x), float(w)) for x, _, w, _ in RECT.findall(pdf)]
    assert decode_code128(bars) == code


def test_the_barcode_and_its_quiet_zones_fit_inside_the_label():
    stock = labels.STOCKS["avery5160"]
    width = stock.label_size[0]
    pdf = pdf_of([sample(code="ABCDEFGHIJKLMNOP", link="")])
    bars = sorted((float(x), float(w)) for x, _, w, _ in RECT.findall(pdf))
    module = min(w for _, w in bars)
    drawn = bars[-1][0] + bars[-1][1] - bars[0][0] + 2 * labels.QUIET_MODULES * module
    assert drawn <= width - 8 + 0.01


def test_the_qr_code_holds_the_link_as_a_square_matrix():
    matrix = labels.qr_matrix("https://hatrack.example.org/devices/42/")
    assert len(matrix) == len(matrix[0]) >= 21
    # The three finder patterns: 7x7 dark squares' corners.
    assert matrix[0][0] and matrix[0][-1] and matrix[-1][0]


def test_a_label_without_a_link_draws_no_qr_code():
    with_qr = pdf_of([sample(code="T1")])
    without = pdf_of([sample(code="T1", link="")])
    assert len(RECT.findall(with_qr)) > len(RECT.findall(without)) + 50


def test_starting_at_a_later_position_leaves_the_used_labels_blank():
    stock = labels.STOCKS["avery5160"]
    assert stock.slot_origin(0) == (0.1875 * 72, 792 - 36 - 72)
    assert stock.slot_origin(4)[0] == pytest.approx((0.1875 + 2.75) * 72)
    first = pdf_of([sample(code="T1", link="")], start_at=1)
    later = pdf_of([sample(code="T1", link="")], start_at=5)
    assert first != later


def test_a_start_position_the_sheet_does_not_have_is_refused():
    with pytest.raises(ValueError, match="between 1 and 30"):
        labels.render_labels([sample()], stock=labels.STOCKS["avery5160"], start_at=31)


def test_long_text_is_shrunk_then_cut_to_fit_the_label():
    pdf = pdf_of([sample(model="A" * 200)])
    assert b"\xe2\x80\xa6" in pdf or b"\\205" in pdf or b"\x85" in pdf


# --- The print page --------------------------------------------------------------------


URL = "/devices/labels/"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("leader", 200), ("technician", 200), ("viewer", 403), ("staff", 403), ("outsider", 302)],
    indirect=["persona"],
)
def test_only_leaders_and_technicians_print_labels(persona, status):
    _, client = persona
    assert client.get(URL).status_code == status


def test_the_form_lists_the_selection_from_the_device_list(technician_client):
    devices = [make_device(), make_device(asset_tag=None)]
    response = technician_client.get(URL, {"ids": f"{devices[0].pk},{devices[1].pk}"})
    html = response.content.decode()
    assert "2 labels" in html
    assert devices[0].asset_tag in html and devices[1].serial_number in html
    assert f'value="{devices[0].pk},{devices[1].pk}"' in html or "no asset tag" in html


def test_repeated_device_values_posted_by_the_list_are_accepted(technician_client):
    devices = [make_device() for _ in range(3)]
    response = technician_client.post(URL, {"device": [d.pk for d in devices]})
    assert response.status_code == 200
    assert "3 labels" in response.content.decode()


def test_submitting_the_form_downloads_a_pdf(technician_client, settings):
    settings.HATRACK_BASE_URL = "https://hatrack.example.org"
    model = make_device_model()
    ids = ",".join(str(make_device(model=model).pk) for _ in range(31))
    data = {"ids": ids, "stock": "avery5160", "start_at": "1", "qr": "code"}
    response = technician_client.post(URL, data)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="asset-labels-31')
    assert response.content.startswith(b"%PDF")


@pytest.fixture
def qr_values(monkeypatch):
    """What the QR codes of a PDF hold, in the order they are drawn."""
    seen = []
    encode = labels.qr_matrix
    monkeypatch.setattr(labels, "qr_matrix", lambda value: seen.append(value) or encode(value))
    return seen


def test_the_qr_code_holds_the_devices_page_at_the_base_url(technician_client, settings, qr_values):
    settings.HATRACK_BASE_URL = "https://hatrack.example.org/"
    device = make_device()
    data = {"ids": str(device.pk), "stock": "dymo30252", "start_at": "1", "qr": "link"}
    response = technician_client.post(URL, data)
    assert response["Content-Type"] == "application/pdf"
    path = reverse("devices:device_detail", args=[device.pk])
    assert qr_values == [f"https://hatrack.example.org{path}"]


def test_the_qr_code_can_hold_the_tag_or_nothing(technician_client, qr_values):
    device = make_device(asset_tag=None)
    data = {"ids": str(device.pk), "stock": "avery5163", "start_at": "1", "qr": "code"}
    technician_client.post(URL, data)
    technician_client.post(URL, {**data, "qr": "none"})
    assert qr_values == [device.serial_number]


def test_a_start_position_past_the_sheet_is_refused_beside_the_field(technician_client):
    device = make_device()
    data = {"ids": str(device.pk), "stock": "avery5163", "start_at": "11", "qr": "none"}
    response = technician_client.post(URL, data)
    assert response.status_code == 400
    assert "start at 1 to 10" in response.content.decode()


def test_a_selection_over_the_cap_is_refused_with_a_message(technician_client, monkeypatch):
    from hatrack.devices.views import labels as views

    monkeypatch.setattr(views, "MAX_LABELS", 2)
    ids = ",".join(str(make_device().pk) for _ in range(3))
    response = technician_client.post(
        URL, {"ids": ids, "stock": "avery5160", "start_at": "1", "qr": "none"}
    )
    assert response.status_code == 400
    assert "print at most 2 labels at a time" in response.content.decode()


def test_ids_that_are_not_numbers_are_named_and_left_out(technician_client):
    device = make_device()
    response = technician_client.get(URL, {"ids": f"{device.pk},abc,'1=1"})
    html = response.content.decode()
    assert "1 label" in html
    assert "not device ids" in html and "abc" in html


def test_an_empty_selection_explains_where_to_select(technician_client):
    response = technician_client.get(URL)
    assert "No devices to label" in response.content.decode()


@pytest.mark.parametrize("count", [1, 40])
def test_the_form_reads_the_selection_in_one_query(
    technician_client, django_assert_num_queries, count
):
    ids = ",".join(str(make_device().pk) for _ in range(count))
    technician_client.get(URL, {"ids": ids})  # warms the session and the district name
    with django_assert_num_queries(3):  # session, user, devices
        technician_client.get(URL, {"ids": ids})


@pytest.mark.parametrize("count", [1, 40])
def test_the_pdf_reads_the_devices_in_one_query(
    technician_client, django_assert_num_queries, count
):
    ids = ",".join(str(make_device().pk) for _ in range(count))
    data = {"ids": ids, "stock": "avery5160", "start_at": "1", "qr": "code"}
    technician_client.post(URL, data)
    with django_assert_num_queries(3):
        technician_client.post(URL, data)
