"""Last touches to WeasyPrint's PDF, through its documented ``finisher`` hook.

WeasyPrint tags the document (PDF/UA-1) but leaves three things that a
checker, a screen reader or an archive notices, which we correct on its object
graph (``pydyf``) just before the file is written:

- **Running heads and page numbers** are marked as content that belongs to no
  structure element (WeasyPrint builds their tags and leaves them out of the
  tree). PDF/UA-1 (ISO 14289-1, 7.8) wants them marked as pagination
  artifacts, so that assistive technology skips them: their marked content
  becomes ``/Artifact <</Type /Pagination>>``.
- **Footnotes** are tagged ``NonStruct``/``Span``; PDF/UA-1 (7.9) wants a
  ``Note`` with a unique ``ID``. The notes' area of each page is the
  ``NonStruct`` that WeasyPrint hangs directly under ``Document``; each of its
  ``Span`` children is one note, whose first ``NonStruct`` child is the marker
  (« 1. »), tagged ``Lbl``.
- **The XMP metadata stream is compressed**, which PDF/A-2 and PDF/A-3 forbid
  (ISO 19005-2, 6.6.2.1: the metadata stream dictionary shall not contain a
  Filter key). It is written uncompressed. An archival variant that is tagged
  (``pdf/a-*``, which motions always tags) also declares PDF/UA-1 in its XMP,
  since it meets it: the archive copy stays accessible.

For a print shop (``print_marks``), it also sets the page boxes a print shop
reads and draws the crop marks (see :func:`_boxes_and_crop_marks`).

Each correction is idempotent and does nothing when WeasyPrint's tree is not
the shape described (a future WeasyPrint that does it itself): the tests check
the result with a PDF/UA validator, not this code's assumptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MM = 72 / 25.4


@dataclass(frozen=True)
class PrintMarks:
    """Crop marks outside the bleed, and the boxes that go with them (mm).

    The stylesheet gives the page a ``bleed`` of ``media`` mm (WeasyPrint's
    MediaBox): room for the 3 mm bleed and, beyond it, the marks. The marks
    start where the bleed ends (``offset``), so no mark prints on the flyer
    even when the cut drifts, and they are drawn last, over everything.
    """

    bleed: float = 3.0
    offset: float = 3.0
    length: float = 5.0
    media: float = 10.0  # must match ``bleed`` in templates/flyer/print-shop.css
    width_pt: float = 0.25

#: PDF/A variants built on PDF 1.7, where a tagged file may also claim PDF/UA-1
#: (PDF/A-4 is PDF 2.0, whose accessible counterpart is PDF/UA-2).
ARCHIVAL_TAGGED = re.compile(r"pdf/a-[23][abu]$")


def finisher(variant: str | None, tagged: bool, print_marks: PrintMarks | None = None):
    """The function WeasyPrint calls with (document, pdf) before writing."""

    def finish(document, pdf) -> None:
        if print_marks is not None:
            _boxes_and_crop_marks(pdf, print_marks)
        if tagged:
            _mark_running_heads_as_artifacts(pdf)
            _tag_footnotes_as_notes(pdf)
        _uncompress_metadata(pdf, declare_ua=bool(tagged and variant and ARCHIVAL_TAGGED.match(variant)))
        _print_flag_on_links(pdf)
    return finish


# --------------------------------------------------------------------------- object graph


def _number(reference) -> int | None:
    """The object number of an indirect reference (b'12 0 R'), else None."""
    if isinstance(reference, (bytes, str)):
        parts = (reference.decode("ascii") if isinstance(reference, bytes) else reference).split()
        if len(parts) == 3 and parts[2] == "R" and parts[0].isdigit():
            return int(parts[0])
    return None


def _resolve(pdf, reference):
    n = _number(reference)
    return pdf.objects[n] if n is not None and n < len(pdf.objects) else reference


def _kids(pdf, element) -> list:
    kids = element.get("K") if isinstance(element, dict) else None
    if kids is None:
        return []
    items = kids if isinstance(kids, list) else [kids]
    return [_resolve(pdf, k) for k in items]


def _struct_root(pdf):
    ref = pdf.catalog.get("StructTreeRoot") if hasattr(pdf, "catalog") else None
    return _resolve(pdf, ref) if ref is not None else None


def _reachable(pdf, root) -> set[int]:
    """Object numbers of the structure elements reachable from the root."""
    seen: set[int] = set()
    stack = list(root.get("K") or [])
    while stack:
        ref = stack.pop()
        n = _number(ref)
        if n is None or n in seen:
            continue
        seen.add(n)
        element = pdf.objects[n]
        if isinstance(element, dict):
            kids = element.get("K")
            if isinstance(kids, list):
                stack.extend(kids)
            elif kids is not None:
                stack.append(kids)
    return seen


# --------------------------------------------------------------------------- running heads


def _mark_running_heads_as_artifacts(pdf) -> None:
    root = _struct_root(pdf)
    if root is None:
        return
    parent_tree = _resolve(pdf, root.get("ParentTree"))
    nums = parent_tree.get("Nums") if isinstance(parent_tree, dict) else None
    if not nums:
        return
    reachable = _reachable(pdf, root)
    pages = pdf.page_references
    for key, value in zip(nums[::2], nums[1::2]):
        if not isinstance(value, list) or not isinstance(key, int) or key >= len(pages):
            continue  # an annotation's entry, not a page's marked content
        orphans = {mcid for mcid, ref in enumerate(value)
                   if _number(ref) is not None and _number(ref) not in reachable}
        if not orphans:
            continue
        page = _resolve(pdf, pages[key])
        for stream in _content_streams(pdf, page):
            _artifact_marked_content(stream, orphans)
        for mcid in orphans:
            value[mcid] = b"null"


def _content_streams(pdf, page) -> list:
    contents = page.get("Contents")
    refs = contents if isinstance(contents, list) else [contents]
    return [s for s in (_resolve(pdf, r) for r in refs) if hasattr(s, "stream")]


def _artifact_marked_content(stream, mcids: set[int]) -> None:
    """Turn ``/Tag <</MCID n>> BDC`` into ``/Artifact <</Type /Pagination>> BDC`` for n in mcids."""
    ops = stream.stream
    for i in range(1, len(ops) - 1):
        props = ops[i]
        if isinstance(props, dict) and props.get("MCID") in mcids and ops[i + 1] == b"BDC":
            props.clear()
            props["Type"] = "/Pagination"
            ops[i - 1] = "/Artifact"


# --------------------------------------------------------------------------- notes


def _tag_footnotes_as_notes(pdf) -> None:
    root = _struct_root(pdf)
    if root is None:
        return
    tops = _kids(pdf, root)
    documents = [d for d in tops if isinstance(d, dict) and d.get("S") == "/Document"]
    count = 0
    for document in documents:
        for area in _kids(pdf, document):
            if not isinstance(area, dict) or area.get("S") != "/NonStruct":
                continue
            notes = [k for k in _kids(pdf, area) if isinstance(k, dict)]
            if not notes or any(n.get("S") not in ("/Span", "/Note") for n in notes):
                continue  # not a notes' area
            for note in notes:
                if note.get("S") == "/Span":
                    count += 1
                    note["S"] = "/Note"
                    note["ID"] = _pdf_string(f"note-{count}")  # the number printed before it
                    marker = next((k for k in _kids(pdf, note) if isinstance(k, dict)), None)
                    if marker is not None and marker.get("S") == "/NonStruct":
                        marker["S"] = "/Lbl"
    return None


def _pdf_string(text: str):
    import pydyf

    return pydyf.String(text)


# --------------------------------------------------------------------------- metadata and links


def _uncompress_metadata(pdf, *, declare_ua: bool) -> None:
    metadata = _resolve(pdf, pdf.catalog.get("Metadata"))
    if not hasattr(metadata, "stream"):
        return
    metadata.compress = False
    for key in ("Filter", "DecodeParms"):
        metadata.extra.pop(key, None)
    if declare_ua:
        metadata.stream = [_with_pdfua_id(b"".join(
            part if isinstance(part, bytes) else str(part).encode("utf-8") for part in metadata.stream))]


PDFUA_NS = b'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"'
#: PDF/A-2 and -3 accept only the XMP properties of predefined schemas, or of
#: schemas described in the packet itself: the PDF/UA identification schema is
#: not predefined, so it is described (ISO 19005-2, 6.6.2.3.3).
PDFUA_EXTENSION_SCHEMA = b"""<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">\
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">\
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">\
<pdfaProperty:name>part</pdfaProperty:name><pdfaProperty:valueType>Integer</pdfaProperty:valueType>\
<pdfaProperty:category>internal</pdfaProperty:category>\
<pdfaProperty:description>Part of ISO 14289 the file conforms to</pdfaProperty:description>\
</rdf:li></rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>"""


def _with_pdfua_id(xmp: bytes) -> bytes:
    """Add ``pdfuaid:part="1"`` beside the ``pdfaid:part`` of the XMP packet,
    with the description of its schema that PDF/A asks for."""
    if b"pdfuaid:part" in xmp or b"</rdf:RDF>" not in xmp:
        return xmp
    xmp, n = re.subn(rb'(<rdf:Description\b[^>]*?)(\s+pdfaid:part=)',
                     lambda m: m.group(1) + b" " + PDFUA_NS + b' pdfuaid:part="1"' + m.group(2), xmp, count=1)
    if not n:
        return xmp
    return xmp.replace(b"</rdf:RDF>", PDFUA_EXTENSION_SCHEMA + b"</rdf:RDF>", 1)


def _print_flag_on_links(pdf) -> None:
    """Links print like the page they are on (annotation flag 3, Print)."""
    for obj in pdf.objects:
        if isinstance(obj, dict) and obj.get("Type") == "/Annot" and "F" not in obj:
            obj["F"] = 4


# --------------------------------------------------------------------------- print shop


#: The registration colour: a Separation named All prints on every plate of
#: the press (ISO 32000-1, 8.6.6.4); its alternate, for a proof, is 100 % of
#: all four process inks.
ALL_SEPARATION = "motionsAll"


def _boxes_and_crop_marks(pdf, marks: PrintMarks) -> None:
    """One set of boxes per page, and crop marks in registration colour.

    WeasyPrint sets the TrimBox (the CSS page) and MediaBox (page + CSS
    bleed) and a BleedBox "at most 10 pt" from the trim; a print shop wants
    the BleedBox at the bleed it asked for (3 mm). No ArtBox or CropBox is
    kept: PDF/X allows one of TrimBox and ArtBox, and the CropBox defaults to
    the MediaBox. The marks are strokes at the trim lines, drawn in the
    default user space after the page's content (its drawing is wrapped in
    q/Q so that its transformation does not leak), marked as a page artifact
    (« production aids extraneous to the document », ISO 32000-1, 14.8.2.2).
    """
    import pydyf

    separation = pydyf.Array(["/Separation", "/All", "/DeviceCMYK", pydyf.Dictionary({
        "FunctionType": 2, "Domain": pydyf.Array([0, 1]), "C0": pydyf.Array([0, 0, 0, 0]),
        "C1": pydyf.Array([1, 1, 1, 1]), "N": 1})])
    for ref in pdf.page_references:
        page = _resolve(pdf, ref)
        trim = [float(v) for v in page["TrimBox"]]
        b = marks.bleed * MM
        page["BleedBox"] = pydyf.Array([trim[0] - b, trim[1] - b, trim[2] + b, trim[3] + b])
        for key in ("ArtBox", "CropBox"):
            page.pop(key, None)
        _add_colour_space(pdf, page, separation)
        for stream in _content_streams(pdf, page)[:1]:
            stream.stream.insert(0, b"q")
            stream.stream.append(b"Q")
            stream.stream.extend(_crop_mark_ops(trim, marks))


def _add_colour_space(pdf, page, separation) -> None:
    import pydyf

    resources = _resolve(pdf, page["Resources"])
    spaces = resources.get("ColorSpace")
    if spaces is None:
        spaces = resources["ColorSpace"] = pydyf.Dictionary()
    spaces = _resolve(pdf, spaces)
    spaces[ALL_SEPARATION] = separation


def _crop_mark_ops(trim: list[float], marks: PrintMarks) -> list[bytes]:
    """Eight strokes: at each corner, one along each trim line, outward."""
    x0, y0, x1, y1 = trim
    start, end = marks.offset * MM, (marks.offset + marks.length) * MM
    lines = []
    for x, dx in ((x0, -1), (x1, 1)):
        for y, dy in ((y0, -1), (y1, 1)):
            lines.append(((x + dx * start, y), (x + dx * end, y)))  # horizontal, on the trim line y
            lines.append(((x, y + dy * start), (x, y + dy * end)))  # vertical, on the trim line x
    ops = [b"/Artifact <</Type /Page>> BDC", b"q", f"/{ALL_SEPARATION} CS 1 SCN".encode(),
           f"{marks.width_pt:g} w 0 J".encode()]
    for (ax, ay), (bx, by) in lines:
        ops.append(f"{ax:.3f} {ay:.3f} m {bx:.3f} {by:.3f} l S".encode())
    ops += [b"Q", b"EMC"]
    return ops
