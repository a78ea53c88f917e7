"""A user's logo, read once, checked, and handed to the flyer as pixels.

A logo is a file the user names (``--logo``, or ``logo:`` in a library someone
else may have written). It is never given to the renderer as a file: the
renderer would then be allowed the logo's folder, and an SVG can embed any
file of that folder, even invisibly (``<image href="private/id.png"
opacity="0.01"/>``). Instead:

- a raster image (PNG, JPEG, GIF, WebP) is decoded by Pillow, after its size
  is read from its header and checked against :data:`MAX_SIDE`, and
  re-encoded as a PNG: what reaches the PDF is pixels only (no EXIF, no
  comment, no GPS position from a phone photo);
- an SVG is **rasterised** by CairoSVG in its safe mode, which resolves no
  entity and fetches no URL but ``data:`` ones (every external and relative
  reference draws nothing), at a resolution fit for print. Rasterising rather
  than stripping references: a list of the SVG features that can load
  something (``image``, ``use``, ``feImage``, CSS ``url()`` and ``@import``,
  fonts…) is never complete, whereas a renderer that fetches nothing needs no
  list. It also makes SVG logos usable with ``--icc`` (PDF/X), which holds
  no RGB vector art. CairoSVG needs the Cairo library (Debian: ``libcairo2``);
  without it, an SVG logo is refused with a sentence.

Anything else — not an image, a truncated file, an image too large — is
refused with a sentence (exit 2), never silently dropped.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from ..errors import UsageError

#: The largest logo accepted, in pixels a side: 6,000 px is 50 cm at 300 dpi,
#: well beyond any flyer; a larger image only costs memory (a 20,000 px square
#: is 1.6 GB once decoded).
MAX_SIDE = 6000
#: The largest logo file read, in bytes.
MAX_BYTES = 20 * 1024 * 1024
#: The height an SVG logo is rasterised to: 1,200 px prints sharp at 600 dpi
#: up to 5 cm high (the themes use 11 to 14 mm).
SVG_HEIGHT_PX = 1200
RASTER_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def load_logo(path: Path):
    """The logo at ``path`` as a Pillow image (RGBA, RGB or L), or a UsageError."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise UsageError(f"{path}: no such logo file; give a PNG, JPEG or SVG image.")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise UsageError(f"{path}: the logo file is {size / 1e6:.0f} MB; a logo may weigh at most "
                         f"{MAX_BYTES // (1024 * 1024)} MB. Export it smaller.")
    data = path.read_bytes()
    if _looks_like_svg(data):
        return _rasterise_svg(path, data)
    return _decode_raster(path, data)


def _looks_like_svg(data: bytes) -> bool:
    head = data[:4096].lstrip().lower()
    return head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) and b"<svg" in data[:65536].lower()


def _decode_raster(path: Path, data: bytes):
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # we check the size ourselves
            with Image.open(io.BytesIO(data)) as probe:  # reads the header only
                kind, (width, height) = probe.format, probe.size
    except Image.DecompressionBombError:  # over 179 megapixels: Pillow will not even read the header
        _check_size(path, MAX_SIDE + 1, MAX_SIDE + 1, known=False)
    except (UnidentifiedImageError, OSError, ValueError):
        raise UsageError(f"{path}: this file is not an image motions can read; give a PNG, JPEG or SVG logo.") \
            from None
    if kind not in RASTER_FORMATS:
        raise UsageError(f"{path}: a {kind} image; give the logo as PNG, JPEG or SVG.")
    _check_size(path, width, height)
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            img = _normalised(img)
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise UsageError(f"{path}: the image is damaged (it cannot be decoded); export the logo again.") from None
    return img


def _check_size(path: Path, width: int, height: int, known: bool = True) -> None:
    if width < 1 or height < 1:
        raise UsageError(f"{path}: the image is empty ({width} × {height} pixels).")
    if max(width, height) > MAX_SIDE:
        size = f"{width:,} × {height:,} pixels" if known else "over 179 million pixels"
        raise UsageError(f"{path}: the logo is {size}; a logo may be at most {MAX_SIDE:,} pixels wide or high. "
                         "Export it smaller (1,000 pixels is plenty for a flyer).")


def _normalised(img):
    """First frame, in a mode every writer handles: RGBA (transparency), RGB or L."""
    if getattr(img, "is_animated", False):
        img.seek(0)
    if img.mode in ("RGBA", "LA", "P", "PA") or "transparency" in img.info:
        return img.convert("RGBA")
    if img.mode in ("L", "1", "I;16", "I"):
        return img.convert("L")
    if img.mode == "CMYK":
        return img.convert("CMYK")
    return img.convert("RGB")


def _rasterise_svg(path: Path, data: bytes):
    try:
        import cairosvg
    except (ImportError, OSError):
        raise UsageError(f"{path}: an SVG logo is rasterised with CairoSVG and the Cairo library, which are not "
                         "installed (Debian: `sudo apt install libcairo2`); or give the logo as PNG.") from None
    from PIL import Image

    try:
        # unsafe=False (the default, said here on purpose): no XML entities,
        # no URL fetched but data: ones
        png = cairosvg.svg2png(bytestring=data, output_height=SVG_HEIGHT_PX, unsafe=False)
    except Exception as exc:  # CairoSVG raises many types on bad input
        raise UsageError(f"{path}: this SVG cannot be drawn ({type(exc).__name__}); export the logo as PNG.") \
            from None
    with Image.open(io.BytesIO(png)) as img:
        _check_size(path, *img.size)
        img.load()
        return img.convert("RGBA")


# --------------------------------------------------------------------------- for the PDF


def png_data_uri(img) -> str:
    """The logo for a screen or home-printer PDF: lossless PNG."""
    if img.mode == "CMYK":
        return jpeg_data_uri(img)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def jpeg_data_uri(img) -> str:
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=95)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def cmyk_data_uri(img, icc: Path) -> str:
    """The logo converted to the print profile's CMYK, for PDF/X (which holds
    no RGB). Transparency is flattened on white."""
    from PIL import Image, ImageCms

    if img.mode == "RGBA":
        flat = Image.new("RGB", img.size, (255, 255, 255))
        flat.paste(img, mask=img.getchannel("A"))
        img = flat
    if img.mode == "L":
        return png_data_uri(img)
    if img.mode != "CMYK":
        img = ImageCms.profileToProfile(img.convert("RGB"), ImageCms.createProfile("sRGB"), str(icc),
                                        outputMode="CMYK")
    return jpeg_data_uri(img)
