"""What a print shop checks on a --print-shop flyer: the boxes, the crop marks,
the black of the text, and (PDF/X) that no colour is RGB.

The boxes are read from the page dictionaries (pypdf; ``pdfinfo -box`` prints
every box, defaults included, so it cannot tell which ones the file has). The
marks and the inks are seen as the press would see them: Ghostscript's
``tiffsep`` device renders one grey image per printing plate (cyan, magenta,
yellow, black), 0 meaning full ink.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from motions.communes import lookup
from motions.compose.flyer import FlyerOptions, compose_flyer
from motions.writers import WriterOptions
from motions.writers.flyer import render_flyer
from motions.writers.pdf_finish import PrintMarks

pytestmark = pytest.mark.library("flyer")

MM = 72 / 25.4
GS_CMYK = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
TRIM = {"a5": (148, 210), "a6x4": (105, 148), "a4": (210, 297)}  # a6x4 --print-shop: single A6 pages
DPI = 100
PLATES = ("Cyan", "Magenta", "Yellow", "Black")


@pytest.fixture(scope="module")
def doc():
    from motions.library import load_library
    from motions.resources import Resources

    resources = Resources(load_library(Path(__file__).parent / "roots" / "flyer", with_cwd=False),
                          now=dt.datetime(2026, 11, 29, 12))
    options = FlyerOptions(date=dt.date(2026, 3, 14), place="salle du conseil", contact="collectif@example.org",
                           url="https://example.org/amiens", group="Amiens en commun")
    return resources, compose_flyer(resources, lookup("Amiens"), options=options)


def render(doc, layout="a5", **options) -> bytes:
    resources, document = doc
    return render_flyer(document, resources, layout, WriterOptions(print_shop=True, **options))


def write(tmp_path: Path, data: bytes, name="flyer.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def mm(box) -> list[float]:
    return [round(float(v) / MM, 2) for v in box]


# --------------------------------------------------------------------------- boxes


@pytest.mark.parametrize("layout", ["a5", "a6x4", "a4"])
def test_one_set_of_boxes_trim_bleed_media(doc, tmp_path, layout):
    reader = PdfReader(str(write(tmp_path, render(doc, layout))))
    w, h = TRIM[layout]
    marks = PrintMarks()
    for page in reader.pages:
        keys = {k for k in page if k.endswith("Box")}
        assert keys == {"/MediaBox", "/TrimBox", "/BleedBox"}  # no ArtBox beside the TrimBox, no CropBox
        assert mm(page["/TrimBox"]) == [0, 0, w, h]
        assert mm(page["/BleedBox"]) == [-3, -3, w + 3, h + 3]
        m = marks.media
        assert mm(page["/MediaBox"]) == [-m, -m, w + m, h + m]  # room for the marks outside the bleed


@pytest.mark.skipif(not GS_CMYK.is_file(), reason="no CMYK profile (apt install libgs-common)")
def test_pdfx_has_the_same_boxes_and_its_marks(doc, tmp_path):
    data = render(doc, icc=GS_CMYK)
    reader = PdfReader(str(write(tmp_path, data)))
    assert reader.metadata["/GTS_PDFXVersion"] == "PDF/X-1a:2003"
    for page in reader.pages:
        assert {k for k in page if k.endswith("Box")} == {"/MediaBox", "/TrimBox", "/BleedBox"}
        assert mm(page["/BleedBox"]) == [-3, -3, 151, 213]
        assert b"/motionsAll CS" in page.get_contents().get_data()


# --------------------------------------------------------------------------- marks and inks


def separations(pdf: Path, page: int, tmp_path: Path) -> dict:
    """The four plates of one page (PIL greyscale images: 0 is full ink)."""
    if shutil.which("gs") is None:
        pytest.skip("Ghostscript is not installed")
    from PIL import Image

    out = tmp_path / f"p{page}"
    out.mkdir()
    subprocess.run(["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=tiffsep", f"-r{DPI}",
                    f"-dFirstPage={page}", f"-dLastPage={page}", f"-sOutputFile={out}/sep.tif", str(pdf)],
                   check=True, capture_output=True, timeout=120)
    plates = {name: Image.open(out / f"sep({name}).tif").convert("L") for name in PLATES}
    assert len({im.size for im in plates.values()}) == 1
    return plates


def px(length_mm: float) -> int:
    return round(length_mm / 25.4 * DPI)


def inked(image, box=None):
    """A 1-bit image of the pixels with more than half ink."""
    region = image.crop(box) if box else image
    return region.point(lambda v: 255 if v < 128 else 0).convert("1")


def _columns(mask) -> list[int]:
    w, h = mask.size
    data = mask.load()
    return [x for x in range(w) if any(data[x, y] for y in range(h))]


@pytest.mark.parametrize("layout", ["a5", "a4"])
def test_crop_marks_are_outside_the_bleed_in_registration_colour_on_every_page(doc, tmp_path, layout):
    from PIL import ImageChops

    path = write(tmp_path, render(doc, layout))
    pages = len(PdfReader(str(path)).pages)
    marks = PrintMarks()
    slug = marks.media - marks.bleed  # the frame outside the BleedBox
    for number in range(1, pages + 1):
        plates = separations(path, number, tmp_path)
        w, h = plates["Black"].size
        s = px(slug) - 1  # a pixel short of the BleedBox, where the band may begin
        strips = {"top": (0, 0, w, s), "bottom": (0, h - s, w, h), "left": (0, 0, s, h), "right": (w - s, 0, w, h)}
        for where, box in strips.items():
            masks = {name: inked(im, box) for name, im in plates.items()}
            black = masks["Black"]
            assert black.getbbox() is not None, f"page {number}: no mark in the {where} strip"
            for name in ("Cyan", "Magenta", "Yellow"):  # registration: every plate, the same strokes
                assert ImageChops.difference(masks[name], black).getbbox() is None, (number, where, name)
        # the vertical marks of the top strip stand on the trim lines (10 mm and width - 10 mm)
        columns = _columns(inked(plates["Black"], strips["top"]))
        trim_x = (px(marks.media), w - px(marks.media))
        assert columns and all(min(abs(x - t) for t in trim_x) <= 1 for x in columns), columns
        assert any(abs(x - trim_x[0]) <= 1 for x in columns) and any(abs(x - trim_x[1]) <= 1 for x in columns)


def test_marks_stay_visible_beside_the_full_bleed_band(doc, tmp_path):
    """The recto's band runs into the bleed; the marks start where the bleed ends."""
    path = write(tmp_path, render(doc, "a5"))
    plates = separations(path, 1, tmp_path)
    marks = PrintMarks()
    edge = px(marks.media - marks.bleed)  # the BleedBox's top, from the sheet's top
    band = plates["Magenta"].crop((px(marks.media), edge + 1, px(marks.media) + px(20), edge + px(2)))
    assert band.getextrema()[1] < 128  # the band's red is there, up to the bleed's edge
    above = plates["Black"].crop((px(marks.media) - 1, 0, px(marks.media) + 2, edge - 1))
    assert above.getextrema()[0] < 128  # and the vertical mark is above it, on the trim line


def test_text_is_solid_black_not_a_tint_nor_a_rich_black(doc, tmp_path):
    from PIL import ImageChops

    path = write(tmp_path, render(doc, "a5"))
    plates = separations(path, 2, tmp_path)  # the verso: text on white
    m = px(PrintMarks().media) + px(2)
    k = plates["Black"].crop((m, m, plates["Black"].width - m, plates["Black"].height - m))
    full = k.point(lambda v: 255 if v == 0 else 0)
    histogram = k.histogram()
    # Ghostscript renders text without anti-aliasing: a tint of black (95 % K
    # gives 13) would show as thousands of dark-but-not-full pixels
    assert histogram[0] > 5000 and sum(histogram[1:41]) < histogram[0] / 100, "the text is a tint of black"
    for name in ("Cyan", "Magenta", "Yellow"):
        plate = plates[name].crop((m, m, plates[name].width - m, plates[name].height - m))
        under = ImageChops.lighter(plate, ImageChops.invert(full))
        assert under.getextrema()[0] == 255, f"{name} under the black text"


# --------------------------------------------------------------------------- no RGB in PDF/X


def rgb_uses(path: Path) -> list[str]:
    """Every RGB colour a PDF could paint: operators in any content stream, RGB colour spaces and images."""
    import pypdf.generic as g

    reader = PdfReader(str(path))
    found = []
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(number)
        if obj is None:
            continue
        if isinstance(obj, g.StreamObject):
            if obj.get("/Subtype") == "/Image":
                cs = obj.get("/ColorSpace")
                if cs in ("/DeviceRGB", "/CalRGB") or (isinstance(cs, list) and cs and cs[0] == "/ICCBased"
                                                       and cs[1].get_object().get("/N") == 3):
                    found.append(f"image {number}: {cs}")
            elif obj.get("/Subtype") in (None, "/Form"):
                data = obj.get_data()
                if re.search(rb"(^|\s)(rg|RG)(\s|$)", data) or b"/DeviceRGB" in data:
                    found.append(f"content stream {number}: RGB operator")
        elif isinstance(obj, g.DictionaryObject):
            for value in obj.values():
                if value == "/DeviceRGB":
                    found.append(f"object {number}: DeviceRGB")
    return found


@pytest.mark.skipif(not GS_CMYK.is_file(), reason="no CMYK profile (apt install libgs-common)")
def test_pdfx_paints_nothing_in_rgb_even_with_a_logo(doc, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGBA", (120, 60), (20, 120, 60, 200)).save(logo)
    path = write(tmp_path, render(doc, icc=GS_CMYK, logo=logo))
    assert rgb_uses(path) == []
    plates = separations(path, 1, tmp_path)
    assert all(im.getextrema()[0] < 128 for im in plates.values())  # every plate prints something


def test_the_home_flyer_is_untouched(doc, tmp_path):
    """Without --print-shop: the page is the paper, no marks, no bleed."""
    resources, document = doc
    data = render_flyer(document, resources, "a5", WriterOptions())
    page = PdfReader(str(write(tmp_path, data))).pages[0]
    assert mm(page["/MediaBox"]) == [0, 0, 148, 210]
    assert b"motionsAll" not in page.get_contents().get_data()
