"""The campaign kit as one zip: the place kept for it.

Another part of motions is building the campaign kit (letters, notes, the
motion, the flyer). When ``motions.api`` offers ``render_kit(request,
resources)`` returning the zip's bytes (or ``motions.kit`` a ``kit_zip``), the
draft page offers « Télécharger tout le kit (zip) » and ``/kit.zip`` serves it;
until then the page says the kit is coming and ``/kit.zip`` is 404. A test
checks both sides, so the day the function lands the download appears.
"""

from __future__ import annotations


def kit_builder():
    """The function that makes the kit's zip, or None while motions has none."""
    from .. import api

    found = getattr(api, "render_kit", None)
    if found is None:
        try:
            from .. import kit  # type: ignore[attr-defined]
        except ImportError:
            return None
        found = getattr(kit, "kit_zip", None)
    return found


def kit_zip(builder, request, resources) -> bytes:
    """The zip's bytes from the builder's answer (bytes, or a Rendered holding one zip)."""
    out = builder(request, resources)
    if isinstance(out, (bytes, bytearray)):
        return bytes(out)
    files = getattr(out, "files", None) or {}
    return next(data for name, data in files.items() if name.endswith(".zip"))
