"""Asset labels as a PDF for common label stock: pure layout, no database and no request.

Each label shows the district's name, the asset tag as a Code 128 barcode with its text
below, a QR code (the device's page in Hatrack, so a phone camera opens it), the model
and the serial number. Sheets can start at any position, so a partly used sheet goes
back into the printer. Everything is drawn with reportlab (one well-kept library for
the PDF, the Code 128 symbol and the QR matrix); the fonts are the PDF's standard
Helvetica, so nothing is embedded and a sheet of 30 labels stays small.

Code 128 needs a quiet zone of ten bar widths on each side; the bar width is the
largest that fits the label (at most 15 mils, the width handheld scanners read best),
so short tags print wide bars and long serial numbers narrower ones.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.code128 import Code128Auto
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

FONT = "Helvetica"
BOLD = "Helvetica-Bold"
MAX_BAR_WIDTH = 0.015 * inch
QUIET_MODULES = 10
QR_BORDER_MODULES = 2
MIN_FONT_SIZE = 4.0


@dataclass(frozen=True)
class LabelStock:
    """A label product: its page, its label size and where the labels sit on the page.

    Positions are measured from the page's top-left corner, as the maker's template
    gives them; `pitch` is the distance from one label's edge to the next one's.
    """

    key: str
    name: str
    page_size: tuple[float, float]
    label_size: tuple[float, float]
    columns: int = 1
    rows: int = 1
    margin_left: float = 0.0
    margin_top: float = 0.0
    pitch_x: float = 0.0
    pitch_y: float = 0.0

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def is_roll(self) -> bool:
        """A label printer's roll: one label per page, no start position to choose."""
        return self.per_page == 1

    def slot_origin(self, slot: int) -> tuple[float, float]:
        """The bottom-left corner (PDF coordinates) of position `slot` (0-based), filled
        row by row from the top-left, as people count labels on a sheet."""
        row, column = divmod(slot, self.columns)
        x = self.margin_left + column * self.pitch_x
        top = self.margin_top + row * self.pitch_y
        return x, self.page_size[1] - top - self.label_size[1]


STOCKS: dict[str, LabelStock] = {
    stock.key: stock
    for stock in (
        LabelStock(
            key="avery5160",
            name='Avery 5160 / 8160: 30 per sheet, 2⅝" × 1"',
            page_size=letter,
            label_size=(2.625 * inch, 1 * inch),
            columns=3,
            rows=10,
            margin_left=0.1875 * inch,
            margin_top=0.5 * inch,
            pitch_x=2.75 * inch,
            pitch_y=1 * inch,
        ),
        LabelStock(
            key="avery5163",
            name='Avery 5163 / 8163: 10 per sheet, 4" × 2"',
            page_size=letter,
            label_size=(4 * inch, 2 * inch),
            columns=2,
            rows=5,
            margin_left=0.15625 * inch,
            margin_top=0.5 * inch,
            pitch_x=4.1875 * inch,
            pitch_y=2 * inch,
        ),
        LabelStock(
            key="dymo30252",
            name='Dymo 30252 roll: one label at a time, 3½" × 1⅛"',
            page_size=(3.5 * inch, 1.125 * inch),
            label_size=(3.5 * inch, 1.125 * inch),
        ),
    )
}
DEFAULT_STOCK = "avery5160"


@dataclass(frozen=True)
class Label:
    """What one label says. `code` is the barcode's value (the asset tag, else the serial
    number); `link` is what the QR code holds (empty for no QR code)."""

    heading: str
    code: str
    model: str
    serial_number: str
    link: str = ""


def label_for(
    *, heading: str, asset_tag: str | None, serial_number: str, model: str, link: str
) -> Label:
    """A device's label; one without an asset tag carries its serial number as the barcode."""
    return Label(
        heading=heading,
        code=asset_tag or serial_number,
        model=model,
        serial_number=serial_number,
        link=link,
    )


def pages_needed(count: int, stock: LabelStock, start_at: int = 1) -> int:
    """How many pages `count` labels take, the first page starting at position `start_at`."""
    if count <= 0:
        return 0
    used = count + _first_slot(stock, start_at)
    return -(-used // stock.per_page)


def _first_slot(stock: LabelStock, start_at: int) -> int:
    if not 1 <= start_at <= stock.per_page:
        raise ValueError(f"start_at must be between 1 and {stock.per_page}")
    return start_at - 1


def render_labels(
    labels: Iterable[Label],
    *,
    stock: LabelStock,
    start_at: int = 1,
    compress: bool = True,
    title: str = "Asset labels",
) -> bytes:
    """The PDF of `labels` on `stock`, the first one at position `start_at` (1-based).

    `compress=False` writes the page streams uncompressed (tests read the text back).
    Raises ValueError for a start position the stock does not have.
    """
    first = _first_slot(stock, start_at)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=stock.page_size, pageCompression=int(compress))
    canvas.setTitle(title)
    canvas.setCreator("Hatrack")
    drawn = False
    for slot, label in zip(_slots(stock, first), labels, strict=False):
        if slot == 0 and drawn:
            canvas.showPage()
        x, y = stock.slot_origin(slot)
        draw_label(canvas, label, x, y, *stock.label_size)
        drawn = True
    if drawn:
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _slots(stock: LabelStock, first: int) -> Iterator[int]:
    """Positions in fill order: from `first` to the end of the first page, then every
    position of each following page."""
    yield from range(first, stock.per_page)
    yield from itertools.cycle(range(stock.per_page))


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    width: float
    height: float


def draw_label(
    canvas: Canvas, label: Label, x: float, y: float, width: float, height: float
) -> None:
    """One label in the box at (x, y) of `width` × `height` points."""
    scale = min(height / 72.0, 2.0)
    pad = 4.0 * scale
    inner = _Box(x + pad, y + pad, width - 2 * pad, height - 2 * pad)
    if label.link:
        side = min(inner.height, inner.width * 0.36)
        draw_qr(
            canvas,
            label.link,
            inner.x + inner.width - side,
            inner.y + (inner.height - side) / 2,
            side,
        )
        inner = _Box(inner.x, inner.y, inner.width - side - pad, inner.height)
    _draw_text_column(canvas, label, inner, scale)


def _draw_text_column(canvas: Canvas, label: Label, box: _Box, scale: float) -> None:
    heading_size, code_size, small_size = 6.5 * scale, 8.0 * scale, 5.5 * scale
    lines = [f"{label.model}"]
    if label.serial_number != label.code:
        lines.append(f"S/N {label.serial_number}")
    top = box.y + box.height
    top = _draw_line(canvas, label.heading, box, top, BOLD, heading_size)
    bottom = box.y
    for text in reversed(lines):
        bottom = _draw_line_up(canvas, text, box, bottom, FONT, small_size)
    text_height = code_size * 1.15
    bar_top, bar_bottom = top - 1.5 * scale, bottom + text_height + 0.5 * scale
    draw_code128(canvas, label.code, box.x, bar_bottom, box.width, bar_top - bar_bottom)
    size = fitted_size(label.code, BOLD, code_size, box.width)
    canvas.setFont(BOLD, size)
    canvas.drawCentredString(box.x + box.width / 2, bottom + 0.25 * code_size, label.code)


def _draw_line(canvas: Canvas, text: str, box: _Box, top: float, font: str, size: float) -> float:
    """A line of text hanging from `top`; returns the new top below it."""
    size = fitted_size(text, font, size, box.width)
    canvas.setFont(font, size)
    baseline = top - size * 0.8
    canvas.drawString(box.x, baseline, fitted_text(text, font, size, box.width))
    return top - size * 1.15


def _draw_line_up(
    canvas: Canvas, text: str, box: _Box, bottom: float, font: str, size: float
) -> float:
    """A line of text standing on `bottom`; returns the new bottom above it."""
    size = fitted_size(text, font, size, box.width)
    canvas.setFont(font, size)
    canvas.drawString(box.x, bottom + size * 0.22, fitted_text(text, font, size, box.width))
    return bottom + size * 1.15


def fitted_size(text: str, font: str, size: float, width: float) -> float:
    """`size`, or smaller (down to 4 pt) until `text` fits in `width`."""
    natural = float(stringWidth(text, font, size))
    if natural <= width:
        return size
    return max(MIN_FONT_SIZE, size * width / natural)


def fitted_text(text: str, font: str, size: float, width: float) -> str:
    """`text`, cut with an ellipsis when even the smallest size does not fit."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def code128_modules(value: str) -> int:
    """The symbol's width in narrowest-bar units (start, data, check and stop characters)."""
    symbol = Code128Auto(value, barWidth=1.0, quiet=0, humanReadable=0)
    return round(float(symbol.width))


def draw_code128(
    canvas: Canvas, value: str, x: float, y: float, width: float, height: float
) -> None:
    """`value` as Code 128 (subsets chosen for the shortest symbol), centred in the box,
    with its quiet zones inside the box."""
    modules = code128_modules(value)
    bar = min(MAX_BAR_WIDTH, width / (modules + 2 * QUIET_MODULES))
    quiet = QUIET_MODULES * bar
    symbol = Code128Auto(
        value, barWidth=bar, barHeight=height, humanReadable=0, lquiet=quiet, rquiet=quiet
    )
    symbol.drawOn(canvas, x + (width - symbol.width) / 2, y)


def qr_matrix(value: str) -> list[list[bool]]:
    """The QR code's modules (True is dark), error correction level M."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(value)
    code.make()
    return [[bool(module) for module in row] for row in code.modules]


def draw_qr(canvas: Canvas, value: str, x: float, y: float, side: float) -> None:
    """`value` as a QR code filling the square at (x, y), with a two-module margin. It is
    drawn in module units (row 0 at the top): each run of dark modules in a row is one
    rectangle with whole-number corners, which keeps the page stream short."""
    matrix = qr_matrix(value)
    count = len(matrix)
    module = side / (count + 2 * QR_BORDER_MODULES)
    canvas.saveState()
    canvas.translate(x + QR_BORDER_MODULES * module, y + side - QR_BORDER_MODULES * module)
    canvas.scale(module, -module)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        column = 0
        for dark, run in itertools.groupby(row):
            length = len(list(run))
            if dark:
                path.rect(column, r, length, 1)
            column += length
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
