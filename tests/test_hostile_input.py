"""Hostile or odd input that used to end badly: logos that leak or are not
logos, bytes that are not UTF-8, a full disk, absurd dates.

Each case runs the real command in a subprocess (as a shell would, with its
bytes), and checks the exit code, the sentence, and that no traceback and no
internal error (exit 70) reaches the user.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from helpers import ROOTS

FLYER = ROOTS / "flyer"
GS_CMYK = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")


def motions(*args, cwd=None, stdout=subprocess.PIPE, env=None):
    """Run ``motions`` with raw bytes arguments (what a shell passes)."""
    argv = [sys.executable, "-m", "motions", *[a if isinstance(a, bytes) else str(a) for a in args]]
    proc = subprocess.run(argv, cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, timeout=240,
                          env=dict(os.environ, **(env or {})))
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and proc.returncode != 70, err
    return proc.returncode, (proc.stdout or b"").decode("utf-8", "replace") + err


def png(path: Path, size=(120, 60), colour=(20, 120, 60)) -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)
    return path


def images(pdf: Path) -> list:
    reader = PdfReader(str(pdf))
    out = []
    for page in reader.pages:
        for x in page["/Resources"].get("/XObject", {}).values():
            out.append(x.get_object())
    return out


# --------------------------------------------------------------------------- logos


def test_an_svg_logo_cannot_embed_other_files_of_its_folder(tmp_path):
    """The SVG is rasterised in safe mode: its <image href> to a private file draws nothing."""
    pytest.importorskip("cairosvg", reason="CairoSVG (and libcairo2) are not installed")
    folder = tmp_path / "logo"
    png(folder / "private" / "id.png", (64, 64), (255, 0, 0))  # pure red: easy to find
    (folder / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="100">'
        '<rect width="200" height="100" fill="#1d5f8a"/>'
        '<image href="private/id.png" x="0" y="0" width="100" height="100"/>'
        '<image xlink:href="file://' + str(folder / "private" / "id.png") + '" x="100" width="100" height="100"/>'
        '<image href="private/id.png" opacity="0.01" width="200" height="100"/></svg>', encoding="utf-8")
    code, out = motions("--library", FLYER, "flyer", "Amiens", "--logo", folder / "logo.svg", "-o", tmp_path / "o")
    assert code == 0, out
    pdf = tmp_path / "o" / "80021-amiens-flyer-a5.pdf"
    found = images(pdf)
    assert not any(x.get("/Width") == 64 for x in found)  # the private image is not in the PDF
    from PIL import Image

    subprocess.run(["pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    page = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    pixels = list(page.get_flattened_data() if hasattr(page, "get_flattened_data") else page.getdata())
    reds = sum(1 for r, g, b in pixels if r > 200 and g < 60 and b < 60)
    assert reds == 0, f"{reds} pure red pixels: the private image was drawn"
    blue = sum(1 for r, g, b in pixels if abs(r - 0x1d) < 12 and abs(g - 0x5f) < 12 and abs(b - 0x8a) < 12)
    assert blue > 1000  # while the logo itself is there


@pytest.mark.skipif(not GS_CMYK.is_file(), reason="no CMYK profile (apt install libgs-common)")
def test_an_svg_logo_now_prints_in_pdfx_too(tmp_path):
    pytest.importorskip("cairosvg", reason="CairoSVG (and libcairo2) are not installed")
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10">'
                                       '<rect width="20" height="10" fill="#1d5f8a"/></svg>', encoding="utf-8")
    code, out = motions("--library", FLYER, "flyer", "Amiens", "--logo", tmp_path / "logo.svg", "--print-shop",
                        "--icc", GS_CMYK, "-o", tmp_path / "o")
    assert code == 0, out
    [pdf] = (tmp_path / "o").glob("*.pdf")
    assert any(x.get("/ColorSpace") == "/DeviceCMYK" for x in images(pdf))


@pytest.mark.parametrize("content", [b"not an image at all\n", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
                                     b"<html><body>logo</body></html>"])
def test_a_logo_that_is_not_an_image_is_refused_with_a_sentence(tmp_path, content):
    logo = tmp_path / "logo.png"
    logo.write_bytes(content)
    code, out = motions("--library", FLYER, "flyer", "Amiens", "--logo", logo, "-o", tmp_path / "o")
    assert code == 2 and "logo.png: this file is not an image motions can read" in out
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("icc", [False, True], ids=["home", "pdfx"])
def test_a_huge_logo_is_refused_with_its_limit(tmp_path, icc):
    """A 20,000-pixel square PNG: once exit 70 with --icc (Pillow's decompression bomb)."""
    if icc and not GS_CMYK.is_file():
        pytest.skip("no CMYK profile (apt install libgs-common)")
    from PIL import Image

    logo = tmp_path / "big.png"
    Image.new("1", (20000, 20000), 1).save(logo)  # a few kB on disk, 1.6 GB decoded in RGBA
    extra = ["--print-shop", "--icc", GS_CMYK] if icc else []
    code, out = motions("--library", FLYER, "flyer", "Amiens", "--logo", logo, *extra, "-o", tmp_path / "o")
    assert code == 2 and "at most 6,000 pixels wide or high" in out, out
    wide = png(tmp_path / "wide.png", (7000, 10))
    code, out = motions("--library", FLYER, "flyer", "Amiens", "--logo", wide, "-o", tmp_path / "o")
    assert code == 2 and "7,000 × 10 pixels" in out


def test_a_logo_is_embedded_as_pixels_without_its_metadata(tmp_path):
    from PIL import Image

    logo = tmp_path / "photo.jpg"
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    Image.new("RGB", (90, 45), (200, 30, 30)).save(logo, exif=exif.tobytes())
    code, out = motions("--library", FLYER, "flyer", "Amiens", "--logo", logo, "-o", tmp_path / "o")
    assert code == 0, out
    data = next((tmp_path / "o").glob("*.pdf")).read_bytes()
    assert b"secret description" not in data
    assert any(x.get("/Width") == 90 for x in images(next((tmp_path / "o").glob("*.pdf"))))


# --------------------------------------------------------------------------- bytes that are not UTF-8


@pytest.mark.parametrize("argv", [
    ["generate", "Amiens", "--format", "txt", "--group", b"Amiens \xff\xfe en commun"],
    ["flyer", "Amiens", "--place", b"caf\xe9 de la mairie"],  # Latin-1, not UTF-8
    ["flyer", "Amiens", "--contact", b"\xc3"],  # a UTF-8 sequence cut short
    ["flyer", "Amiens", "--headline", b"Non \xe0 la reconnaissance faciale"],
    ["explain", "Amiens", "--motion", b"vs\xe4"],
])
def test_text_that_is_not_utf8_is_refused_with_a_sentence(tmp_path, argv):
    code, out = motions("--library", FLYER, *argv, "-o", tmp_path / "o") if argv[0] != "explain" else \
        motions("--library", FLYER, *argv)
    assert code == 2, out
    assert "is not valid UTF-8" in out and "LANG=C.UTF-8" in out
    assert not (tmp_path / "o").exists()


def test_a_file_name_that_is_not_utf8_is_still_a_file_name(tmp_path):
    """Paths are bytes on Linux: a logo named in Latin-1 is found, not refused."""
    name = os.fsdecode(b"logo-\xe9.png")
    png(tmp_path / name)
    code, out = motions("--library", FLYER, "flyer", "Amiens", "--logo", os.fsencode(str(tmp_path / name)),
                        "-o", tmp_path / "o")
    assert code == 0, out


# --------------------------------------------------------------------------- outputs and dates


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_schema_to_a_full_disk_is_exit_9_with_a_sentence():
    with open("/dev/full", "wb") as full:
        code, out = motions("schema", stdout=full)
    assert code == 9
    assert "cannot write the schema to standard output (No space left on device)" in out and "--output" in out


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
def test_implausible_session_dates_are_refused(tmp_path, date):
    code, out = motions("--library", FLYER, "generate", "Amiens", "--format", "txt", "--date", date,
                        "-o", tmp_path / "o")
    assert code == 2 and f"--date: {date} is not a plausible session date" in out
    code, out = motions("--library", FLYER, "flyer", "Amiens", "--date", date, "-o", tmp_path / "o")
    assert code == 2 and "not a plausible session date" in out
    assert not (tmp_path / "o").exists()


def test_the_edges_of_the_plausible_range_are_accepted(tmp_path):
    for date in ("2000-01-01", "2100-12-31"):
        code, out = motions("--library", FLYER, "generate", "Amiens", "--format", "txt", "--date", date,
                            "-o", tmp_path / date)
        assert code == 0, out
