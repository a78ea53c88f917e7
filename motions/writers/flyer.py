"""Flyer documents -> PDF: the three flyer layouts, registered writers like any other.

A flyer Document (``compose.flyer``) is laid out by ``templates/flyer/flyer.html.j2``
in the HTML writer's sandboxed, autoescaped environment, then printed by
:func:`motions.writers.pdf.html_to_pdf` (fonts and stylesheets built once per
Resources, every resource through the local-only fetcher). Text never overflows silently:
after layout, the page count and the height of each panel's content are
checked; a flyer that is too long is set a little smaller, step by step down
to a floor, then loses its last argument if the user did not choose them, and
is otherwise refused with a :class:`~motions.errors.FitError` that says by
how much and which argument to drop.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..document import Document, ItemList, Paragraph, Section, iter_notes, plain_text
from ..errors import FitError, UsageError
from ..log import warn
from . import WriterOptions, missing_resources
from .html import inline_html
from .pdf import html_to_pdf
from .logo import cmyk_data_uri, load_logo, png_data_uri
from .pdf_finish import PrintMarks

MIN_ARGUMENTS = 3

TEMPLATE = "flyer/flyer.html.j2"
#: Font scale steps tried when the text is too long; the last is the floor.
SCALES = (1.0, 0.95, 0.9, 0.85)
PX_TO_MM = 25.4 / 96
#: Tolerance for rounding in the layout, in CSS px.
_EPSILON = 0.5


@dataclass(frozen=True)
class Format:
    name: str  # also the <html> class the stylesheets select on
    stylesheet: str  # relative to the template folders
    pages: int  # how many pages the PDF must have
    label: str
    trim_mm: tuple[float, float]  # page (trim) size


FORMATS = {
    "a5": Format("a5", "flyer/a5.css", 2, "A5 recto-verso", (148, 210)),
    "a6x4": Format("a6x4", "flyer/a6x4.css", 2, "A6 four-up on A4, for duplex printing", (210, 297)),
    "a4": Format("a4", "flyer/a4.css", 1, "A4 poster", (210, 297)),
}
#: A print shop imposes A6 flyers itself: --format a6x4 --print-shop gives A6 pages.
A6_SINGLE = Format("a6", "flyer/a6.css", 2, "A6 recto-verso", (105, 148))

#: Four-up duplex imposition on portrait A4. Sheet 1 holds the rectos of copies
#: 1-4; sheet 2 their versos. Flipped on the long edge, the back of a sheet is
#: its mirror image left to right: the verso of the copy at top-left must sit
#: at top-right, and so on. Rows stay where they are.
RECTO_SLOTS = ("top-left", "top-right", "bottom-left", "bottom-right")
MIRROR = {"top-left": "top-right", "top-right": "top-left",
          "bottom-left": "bottom-right", "bottom-right": "bottom-left"}


def duplex_sheets() -> list[dict]:
    """The two sheets of the a6x4 imposition, as the template places them."""
    rectos = [{"number": i + 1, "position": pos} for i, pos in enumerate(RECTO_SLOTS)]
    by_position = {MIRROR[s["position"]]: s["number"] for s in rectos}
    versos = [{"number": by_position[pos], "position": pos} for pos in RECTO_SLOTS]
    return [{"side": "recto", "slots": rectos}, {"side": "verso", "slots": versos}]


def format_for(name: str, print_shop: bool) -> Format:
    try:
        fmt = FORMATS[name]
    except KeyError:
        raise UsageError(f"unknown flyer format '{name}'; choose a5, a6x4 or a4.") from None
    return A6_SINGLE if (print_shop and fmt.name == "a6x4") else fmt


# --------------------------------------------------------------------------- images


def qr_data_uri(payload: str) -> str:
    """The QR code of ``payload`` as a greyscale PNG data URI.

    Greyscale (not RGB, not SVG) because WeasyPrint writes it as a DeviceGray
    image with no transparency group, which every PDF/X flavour accepts; at 8
    pixels a module it prints sharp at any flyer size.
    """
    import segno
    from PIL import Image

    qr = segno.make(payload, error="m", micro=False)
    border = 4
    size = len(qr.matrix) + 2 * border
    img = Image.new("L", (size, size), 255)
    px = img.load()
    for y, row in enumerate(qr.matrix):
        for x, dark in enumerate(row):
            if dark:
                px[x + border, y + border] = 0
    img = img.resize((size * 8, size * 8), Image.NEAREST)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


# --------------------------------------------------------------------------- fit check


@dataclass
class Overflow:
    side: str  # "recto", "verso", "poster"
    mm: float
    ratio: float  # the panel's height over the text's: below 1 when too long


@dataclass
class Layout:
    """What the fit check saw in one rendering."""

    pages: int
    overflows: list[Overflow] = field(default_factory=list)
    panels: list[dict] = field(default_factory=list)  # side, copy, page, x, y, width, height (mm)


def _classes(box) -> list[str]:
    element = getattr(box, "element", None)
    if element is None or not getattr(box, "element_tag", None):
        return []
    return (element.get("class") or "").split()


def inspect_layout(document) -> Layout:
    """Pages, panels and overflows of a WeasyPrint document.

    A panel is a fixed-size frame (a page, or a quarter sheet); its ``.fit``
    child holds the text at its natural height. The text overflows when that
    height (summed over fragments, if it spilled onto another page) exceeds the
    panel's, or when a box sticks out of the panel's sides. Boxes come in
    document order (a parent before its children), so a ``.fit`` belongs to the
    panel seen last, and a panel to the cell seen last.
    """
    layout = Layout(pages=len(document.pages))
    panels: dict[int, dict] = {}
    for page_number, page in enumerate(document.pages, 1):
        seen: set = set()
        copy = None
        current = None
        for box in page._page_box.descendants(placeholders=True):
            classes = _classes(box)
            if not classes:
                continue
            key = (classes[0], id(box.element))
            if key in seen:
                continue  # an anonymous box of the same element
            seen.add(key)
            if "cell" in classes:
                copy = box.element.get("data-copy")
            elif "panel" in classes:
                current = panels.get(id(box.element))
                if current is None:
                    side = next((c for c in ("recto", "verso", "poster") if c in classes), "panel")
                    current = panels[id(box.element)] = {
                        "side": side, "copy": int(copy) if copy else None, "box": box, "page": page_number,
                        "height": box.height, "content": 0.0, "wide": 0.0,
                    }
            elif "fit" in classes and current is not None:
                current["content"] += box.margin_height()
                left = current["box"].content_box_x()
                right = left + current["box"].width
                for child in box.descendants(placeholders=True):
                    if getattr(child, "position_x", None) is None or not hasattr(child, "margin_width"):
                        continue
                    current["wide"] = max(current["wide"], child.position_x + child.margin_width() - right,
                                          left - child.position_x)
    for info in panels.values():
        box = info["box"]
        layout.panels.append({
            "side": info["side"], "copy": info["copy"], "page": info["page"],
            "x": box.border_box_x() * PX_TO_MM, "y": box.border_box_y() * PX_TO_MM,
            "width": box.border_width() * PX_TO_MM, "height": box.border_height() * PX_TO_MM,
        })
        excess = max(info["content"] - info["height"], info["wide"])
        if excess > _EPSILON:
            ratio = info["height"] / max(info["content"], info["height"] + _EPSILON)
            layout.overflows.append(Overflow(info["side"], round(excess * PX_TO_MM, 1), ratio))
    return layout


class _DoesNotFit(Exception):
    def __init__(self, layout: Layout):
        self.layout = layout


# --------------------------------------------------------------------------- render


def flyer_parts(document: Document) -> dict:
    """What the flyer template places, read from the document by role."""
    out: dict = {"points": [], "decide": None, "ask": None, "session": None, "group": None, "contact": None,
                 "url": None, "kicker": None, "headline": None, "references": [], "printer": None}
    for section, block in document.walk():
        if isinstance(block, Paragraph):
            key = {"flyer-kicker": "kicker", "flyer-headline": "headline", "flyer-session": "session",
                   "flyer-group": "group", "flyer-contact": "contact"}.get(block.role)
            if key:
                out[key] = block.inlines
            elif section.role == "flyer-printer":
                out["printer"] = block.inlines
            elif block.role == "flyer-url":
                out["url"] = plain_text(block.inlines)
        elif isinstance(block, ItemList) and block.role == "flyer-point":
            out["points"] = list(block.items)
        elif isinstance(block, ItemList) and section.role in ("flyer-decide", "flyer-ask"):
            out[section.role.removeprefix("flyer-")] = (section.heading, list(block.items))
    refs = []
    for item in out["points"]:
        refs += [plain_text(n.content) for n in iter_notes(item)]
    out["references"] = list(dict.fromkeys(refs))
    return out


def _with_points(document: Document, n: int) -> Document:
    """The same flyer with only its first ``n`` arguments."""
    from dataclasses import replace

    def cut(section: Section) -> Section:
        blocks = tuple(replace(b, items=b.items[:n]) if isinstance(b, ItemList) and b.role == "flyer-point" else b
                       for b in section.blocks)
        return replace(section, blocks=blocks)
    ids = document.metadata.provenance.get("arguments", "").split(",")[:n]
    meta = replace(document.metadata, provenance=dict(document.metadata.provenance, arguments=",".join(ids)))
    return replace(document, sections=tuple(cut(s) for s in document.sections), metadata=meta)


def flyer_html(document: Document, resources, fmt: Format, *, print_shop: bool = False, scale: dict | None = None,
               logo_uri: str | None = None, icc_url: str | None = None) -> str:
    from ..templating import render

    info = flyer_parts(document)
    qr = resources.memo(("qr", info["url"]), lambda: qr_data_uri(info["url"])) if info["url"] else None
    return render(resources.html_env(), TEMPLATE, {
        "doc": document, "flyer": info, "fmt": fmt.name, "print_shop": print_shop,
        "fit": {side: f"{value:.3f}" for side, value in (scale or {"recto": 1.0, "verso": 1.0}).items()},
        "qr": qr, "logo": logo_uri, "logo_alt": logo_alt(info), "icc_url": icc_url,
        "created": resources.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sheets": duplex_sheets() if fmt.name == "a6x4" else None,
    })


def logo_alt(parts: dict) -> str:
    """The logo's text for screen readers (PDF/UA wants one on every figure):
    the group it stands for, when known."""
    group = plain_text(parts["group"]).strip() if parts.get("group") else ""
    return f"Logo : {group}" if group else "Logo du groupe"


def stylesheets(fmt: Format, print_shop: bool, pdfx: bool) -> list[str]:
    sheets = ["flyer/flyer.css", fmt.stylesheet, "flyer/theme.css"]
    if print_shop:
        sheets.append("flyer/print-shop.css")
    if pdfx:
        sheets.append("flyer/pdfx.css")
    return sheets


def render_flyer(document: Document, resources, fmt_name: str, options: WriterOptions) -> bytes:
    """Lay ``document`` out in ``fmt_name``; raise FitError if it cannot fit."""
    print_shop, icc, logo = options.print_shop, options.icc, options.logo
    if icc is not None and not print_shop:
        raise UsageError("--icc is for print shops: add --print-shop.")
    fmt = format_for(fmt_name, print_shop)
    extra_roots: list[Path] = []
    logo_uri = icc_url = None
    pdfx = None
    if icc is not None:
        icc = _check_icc(icc)
        extra_roots.append(icc.parent)
        icc_url = icc.as_uri()
        pdfx = "pdf/x-1a"
    if logo is not None:
        # pixels, never a file: the renderer is not allowed the logo's folder (see logo.py)
        def build():
            image = load_logo(logo)
            return cmyk_data_uri(image, icc) if pdfx else png_data_uri(image)
        key = ("logo", str(Path(logo).expanduser().resolve()), _mtime(logo), str(icc) if pdfx else None)
        logo_uri = resources.memo(key, build)
    sheets = stylesheets(fmt, print_shop, bool(pdfx))
    pdf_options = {"cache": resources.memo("weasyprint:images", dict)}
    if pdfx:
        pdf_options.update(output_intent="device-cmyk")
    variant = pdfx or options.pdf_variant
    explicit = document.metadata.provenance.get("explicit") == "1"
    ids = document.metadata.provenance.get("arguments", "").split(",")

    def check(doc):
        layout = inspect_layout(doc)
        if layout.pages != fmt.pages or layout.overflows:
            raise _DoesNotFit(layout)

    total = len(flyer_parts(document)["points"])
    n = total
    last_failure: Layout | None = None
    while True:
        candidate = document if n == total else _with_points(document, n)
        step = {"recto": 0, "verso": 0}
        while True:
            scale = {side: SCALES[i] for side, i in step.items()}
            html = flyer_html(candidate, resources, fmt, print_shop=print_shop, scale=scale,
                              logo_uri=logo_uri, icc_url=icc_url)
            try:
                data = html_to_pdf(html, resources, sheets, variant=variant, extra_roots=extra_roots,
                                   inspect=check, print_marks=PrintMarks() if print_shop else None,
                                   **pdf_options)
            except _DoesNotFit as exc:
                last_failure = exc.layout
                if not _step_down(step, exc.layout):
                    break
                continue
            if n < total:
                warn(f"the flyer holds {n} arguments, not {total}: the text did not fit the {fmt.label} format; "
                     f"left out: {', '.join(ids[n:])}.")
            return data
        if explicit or n <= MIN_ARGUMENTS:
            raise FitError(_fit_message(candidate, fmt, last_failure, explicit))
        n -= 1  # arguments drawn by the template: the last one gives way


class _FlyerWriter:
    extension = ".pdf"
    media_type = "application/pdf"
    resources = (TEMPLATE, "flyer/flyer.css", "flyer/theme.css", "flyer/print-shop.css", "flyer/pdfx.css")
    kinds = ("flyer",)
    layout = "a5"

    def check(self, template_dirs) -> list[str]:
        return missing_resources(template_dirs, self.resources + (FORMATS[self.layout].stylesheet,))

    def write(self, document: Document, resources, options: WriterOptions | None = None) -> bytes:
        from .pdf import choose_engine

        options = options or WriterOptions()
        if choose_engine(options.pdf_engine, resources) == "typst":
            from .typst import render_flyer as typst_flyer

            return typst_flyer(document, resources, self.layout, options)
        return render_flyer(document, resources, self.layout, options)


class FlyerA5(_FlyerWriter):
    name = "flyer-a5"
    layout = "a5"


class FlyerA6x4(_FlyerWriter):
    name = "flyer-a6x4"
    layout = "a6x4"
    resources = _FlyerWriter.resources + ("flyer/a6.css",)


class FlyerA4(_FlyerWriter):
    name = "flyer-a4"
    layout = "a4"


def _step_down(step: dict, layout: Layout) -> bool:
    """Set the overflowing sides smaller: straight to the size the overflow
    suggests (a text block's height goes roughly with the square of its font
    size), at least one step. False when a side is already at the floor."""
    sides = {("recto" if o.side == "poster" else o.side): o.ratio for o in layout.overflows}
    if not sides:  # an extra page with no measurable overflow: shrink both
        sides = {"recto": 1.0, "verso": 1.0}
    last = len(SCALES) - 1
    if any(step[side] == last for side in sides):
        return False
    for side, ratio in sides.items():
        target = SCALES[step[side]] * ratio ** 0.5
        nxt = step[side] + 1
        while nxt < last and SCALES[nxt] > target:
            nxt += 1
        step[side] = nxt
    return True


def _fit_message(document: Document, fmt: Format, layout: Layout | None, explicit: bool) -> str:
    points = flyer_parts(document)["points"]
    ids = document.metadata.provenance.get("arguments", "").split(",")
    lengths = [len(plain_text(p)) for p in points]
    i = max(range(len(points)), key=lambda k: lengths[k]) if points else 0

    class _Longest:
        argument_id = ids[i] if i < len(ids) else "?"
        text = "x" * (lengths[i] if lengths else 0)
    longest = _Longest()
    parts = []
    if layout is not None:
        worst: dict[str, float] = {}
        for o in layout.overflows:
            worst[o.side] = max(worst.get(o.side, 0.0), o.mm)
        for side, mm in worst.items():
            parts.append(f"the {side} is {mm:.0f} mm too long")
        if layout.pages != fmt.pages and not worst:
            parts.append(f"it takes {layout.pages} pages instead of {fmt.pages}")
    what = "; ".join(parts) or "it does not fit"
    floor = round(SCALES[-1] * 100)
    how = (f"drop the longest argument, '{longest.argument_id}' ({len(longest.text)} characters), "
           "or choose shorter ones with --arguments")
    if explicit:
        how = f"drop the longest argument you chose, '{longest.argument_id}' ({len(longest.text)} characters)"
    extra = ""
    if layout is not None and any(o.side == "verso" for o in layout.overflows) and not any(
            o.side in ("recto", "poster") for o in layout.overflows):
        extra = " (the back lists each argument's sources) or shorten --place and --contact"
    return (f"the flyer does not fit the {fmt.label} format, even set at {floor} % of its size with "
            f"{len(points)} arguments: {what}. To make it fit, {how}{extra}.")


def _mtime(path) -> int:
    try:
        return Path(path).expanduser().stat().st_mtime_ns
    except OSError:
        return 0  # load_logo says what is wrong


def _check_icc(path: Path) -> Path:
    path = Path(path).expanduser()
    if not path.is_file():
        raise UsageError(f"{path}: no such ICC profile; ask your print shop for its CMYK profile (.icc).")
    head = path.read_bytes()[:20]
    if len(head) < 20 or head[16:20] != b"CMYK" or head[12:16] != b"prtr":
        raise UsageError(f"{path}: not a CMYK printer profile (ICC class 'prtr', colour space CMYK); "
                         "ask your print shop for the profile of its press, e.g. PSO Coated v3 (FOGRA51).")
    return path.resolve()

