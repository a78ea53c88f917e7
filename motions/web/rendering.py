"""Files for download, rendered through ``motions.api`` and cached by input digest.

A hosted instance sees the same requests again and again (the default motion
of a commune, its flyer): the bytes are kept in memory, keyed by the digest
of everything they depend on (``api.inputs_digest``, ``api.flyer_digest``:
library, templates, commune, facts, options, tool version), so a change to any
input is a new key and nothing stale is ever served. Two visitors asking for
the same new file at once wait for one render (single flight). The cache is
bounded in bytes and forgets the least recently used files.

WeasyPrint shares a font configuration per :class:`~motions.resources.Resources`
and calls Pango through cffi, which releases the GIL: two PDFs laid out at once
in two threads would use one Pango font map concurrently, which Pango does not
support. PDF and flyer renders therefore take :data:`PDF_LOCK`; it costs little,
since a layout holds the GIL most of the time anyway.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from .. import api
from ..compose import Options
from ..facts import Facts
from ..writers import WriterOptions
from ..writers import get as get_writer
from .state import Draft

PDF_LOCK = threading.Lock()
DEFAULT_CACHE_BYTES = 256 * 1024 * 1024
DOCUMENT_FORMATS = ("docx", "odt", "pdf")
DOCUMENTS = ("texte", "dossier")
FLYER_LAYOUTS = {"a5": ("a5", False), "a6x4": ("a6x4", False), "a4": ("a4", False), "a5-imprimeur": ("a5", True)}
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "pdf": "application/pdf",
}


class RenderCache:
    """Rendered files by digest, bounded in bytes, one render per digest at a time."""

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES):
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self.renders = 0
        self._items: OrderedDict[str, dict[str, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self._flights: dict[str, threading.Lock] = {}

    def get(self, key: str, build) -> dict[str, bytes]:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            flight = self._flights.setdefault(key, threading.Lock())
        with flight:
            try:
                with self._lock:
                    if key in self._items:  # rendered by the visitor we waited for
                        self.hits += 1
                        return self._items[key]
                files = build()
                self._store(key, files)
                return files
            finally:
                with self._lock:
                    self._flights.pop(key, None)

    def _store(self, key: str, files: dict[str, bytes]) -> None:
        size = sum(len(b) for b in files.values())
        with self._lock:
            self.renders += 1
            if size > self.max_bytes:
                return
            self._items[key] = files
            self.size += size
            while self.size > self.max_bytes and self._items:
                _, old = self._items.popitem(last=False)
                self.size -= sum(len(b) for b in old.values())


@dataclass
class Download:
    name: str
    data: bytes
    media_type: str


def motion_request(draft: Draft, facts: Facts, fmt: str, dossier: bool = False,
                   pdf_engine: str | None = None) -> api.Request:
    return api.Request(draft.place, draft.motion, facts, Options(arguments=draft.arguments), (fmt,), dossier=dossier,
                       writer_options=WriterOptions(pdf_engine=pdf_engine))


def document(draft: Draft, facts: Facts, resources, cache: RenderCache, which: str, fmt: str,
             pdf_engine: str | None = None) -> Download:
    """The motion (``texte``) or its dossier in one format. Only the asked
    document is written: a motion's PDF alone is a third of the pair's time."""
    request = motion_request(draft, facts, fmt, dossier=which == "dossier", pdf_engine=pdf_engine)
    key = f"{which}:" + api.inputs_digest(request, resources)
    motion_name, dossier_name = api.output_names(draft.place, draft.motion, fmt, True)
    name = motion_name if which == "texte" else dossier_name

    def write():
        if which == "texte":
            return api.render(request, resources).files
        comp = api.compose(request, resources)
        return {name: get_writer(fmt).write(comp.dossier, resources, request.writer_options)}

    def build():
        if fmt == "pdf":
            with PDF_LOCK:
                return write()
        return write()

    files = cache.get(key, build)
    return Download(name, files[name], MEDIA_TYPES[fmt])


def flyer(draft: Draft, facts: Facts, resources, cache: RenderCache, layout: str, logo=None,
          pdf_engine: str | None = None) -> Download:
    from ..compose.flyer import MAX_ARGUMENTS, FlyerOptions

    name, print_shop = FLYER_LAYOUTS[layout]
    options = FlyerOptions(arguments=draft.arguments[:MAX_ARGUMENTS], motion=draft.motion)
    request = api.FlyerRequest(draft.place, options, facts, name, WriterOptions(print_shop=print_shop, logo=logo,
                                                                                      pdf_engine=pdf_engine))
    key = "flyer:" + api.flyer_digest(request, resources)

    def build():
        with PDF_LOCK:
            return api.render_flyer(request, resources).files

    files = cache.get(key, build)
    file_name, data = next(iter(files.items()))
    return Download(file_name, data, "application/pdf")
