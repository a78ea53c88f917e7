"""Document -> PDF with Typst, a second PDF engine (Pandoc offers several; so do we).

Typst is a compiled typesetter shipped as a Python wheel (``typst``): no
system library, no network, and about six times faster than WeasyPrint on a
motion. This writer walks the same model as the HTML writer and emits Typst
source that only *calls* the functions of ``templates/typst/motion.typ`` (the
look: page, fonts, roles, notes) or ``templates/typst/flyer.typ`` (the three
flyer layouts). Every text of the document goes in as a Typst *string
literal* (``#"…";``), never as markup: a library is untrusted, and in a string
only the backslash and the double quote are special, so no ``#``, ``$``,
``*``, ``_``, ``@``, ``<``, ``[``, ``//`` or ``#import`` in a text can become
code, a comment, a label or a reference (:func:`typst_string`). The
semicolon ends each embedded expression, so what follows cannot extend it.

The compiler (its font book: Liberation and DejaVu from the system font
folders, or every system font if those are not found) is built once per
:class:`~motions.resources.Resources` and reused; its root is the template's
folder, so a template can read no other file. Packages (``@preview/…``) are
refused by :meth:`TypstWriter.check`: they would be downloaded.
"""

from __future__ import annotations

import calendar
import os
import re
from pathlib import Path

from ..document import Article, Document, Emph, ItemList, Link, Note, Paragraph, Section, Strong, Table, Text
from ..errors import SystemDependencyError, UsageError
from .common import xml_safe
from .roles import HEADING_ROLES, ROLES

TEMPLATE = "typst/motion.typ"
FLYER_TEMPLATE = "typst/flyer.typ"

#: WeasyPrint's variant names -> Typst's PDF standards.
STANDARDS = {"pdf/ua-1": ["ua-1"], "pdf/a-2b": ["a-2b"], "pdf/a-3b": ["a-3b"], "pdf/a-2u": ["a-2u"],
             "pdf/a-3u": ["a-3u"], "pdf/a-4u": ["a-4"], "none": [], None: []}

#: Where the system keeps fonts (Linux, macOS, Windows); searched one level deep.
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
                "/Library/Fonts", "/System/Library/Fonts", "~/Library/Fonts", "C:/Windows/Fonts")
#: The families the templates ask for; their folders are enough for the compiler.
FONT_FILES = ("LiberationSerif-Regular.ttf", "LiberationSans-Regular.ttf", "DejaVuSerif.ttf", "DejaVuSans.ttf")


# --------------------------------------------------------------------------- escaping


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def typst_string(text: str) -> str:
    """``text`` as a Typst string literal: backslash and quote escaped, control
    characters as ``\\u{…}`` escapes. Nothing inside a string literal is markup."""
    text = xml_safe(str(text)).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _CONTROL.sub(lambda m: f"\\u{{{ord(m.group()):x}}}", text) + '"'


def _text(text: str) -> str:
    """A text in markup: one embedded string expression, ended by ``;``."""
    return f"#{typst_string(text)};" if text else ""


# --------------------------------------------------------------------------- inlines


class _Inlines:
    """Inlines -> Typst markup; notes as footnotes ("foot"), calls to end notes
    ("end"), or left out ("none": the flyer lists its sources apart)."""

    def __init__(self, notes: str):
        self.notes = notes

    def render(self, nodes) -> str:
        out = []
        for node in nodes:
            if isinstance(node, Text):
                out.append(_text(node.text))
            elif isinstance(node, Emph):
                out.append(f"#emph[{self.render(node.children)}];")
            elif isinstance(node, Strong):
                out.append(f"#strong[{self.render(node.children)}];")
            elif isinstance(node, Link):
                out.append(f"#link({typst_string(node.url)})[{self.render(node.children)}];")
            elif isinstance(node, Note):
                out.append(self.note(node))
        return "".join(out)

    def note(self, note: Note) -> str:
        if self.notes == "foot":
            return f"#footnote[{self.render(note.content)}];"
        if self.notes == "end":
            return f"#m-note-call({int(note.number)});"
        return ""


def _content(markup: str) -> str:
    return f"[{markup}]"


# --------------------------------------------------------------------------- blocks


def body_typst(document: Document, footnotes: bool = True) -> str:
    r = _Inlines("foot" if footnotes else "end")
    out: list[str] = []
    for section in document.sections:
        _section(section, 1, r, out)
    if not footnotes:
        notes = document.notes_in_order()
        if notes:
            items = ", ".join(_content(r.render(n.content)) for n in notes)
            out.append(f"#m-endnotes({typst_string('Notes')}, ({items},));")
    return "\n".join(out) + "\n"


def _section(section: Section, depth: int, r: _Inlines, out: list[str]) -> None:
    out.append(f"#m-section({typst_string(section.role)})[")
    if section.heading:
        out.append(f"#m-heading({typst_string(HEADING_ROLES.get(depth, 'heading-2'))})"
                   f"[{_text(section.heading)}];")
    for block in section.blocks:
        if isinstance(block, Section):
            _section(block, depth + 1, r, out)
        elif isinstance(block, Paragraph):
            out.append(_paragraph(block, r))
        elif isinstance(block, Article):
            paras = "\n".join(_paragraph(p, r) for p in block.blocks)
            out.append(f"#m-article({typst_string(block.lever)}, [{_text(block.label)}])[\n{paras}\n];")
        elif isinstance(block, ItemList):
            items = ", ".join(_content(r.render(item)) for item in block.items)
            out.append(f"#m-list({typst_string(block.role)}, {'true' if block.ordered else 'false'}, "
                       f"({items},));")
        elif isinstance(block, Table):
            header = ", ".join(_content(r.render(c)) for c in block.header)
            rows = ", ".join("(" + ", ".join(_content(r.render(c)) for c in row) + ",)" for row in block.rows)
            out.append(f"#m-table({typst_string(block.role)}, ({header},), ({rows},));")
    out.append("];")


def _paragraph(p: Paragraph, r: _Inlines) -> str:
    if ROLES[p.role].outline:  # a paragraph that is a heading (the title): a PDF bookmark
        return f"#m-heading({typst_string(p.role)})[{r.render(p.inlines)}];"
    return f"#m-par({typst_string(p.role)})[{r.render(p.inlines)}];"


def _strings(values) -> str:
    return "(" + "".join(typst_string(v) + ", " for v in values if v) + ")"


def document_typst(document: Document, resources) -> str:
    """The whole Typst source of a motion, dossier or letter."""
    meta = document.metadata
    head = (f'#import "motion.typ": *\n'
            f"#show: motion-document.with(title: {typst_string(meta.title or document.title)}, "
            f"author: {_strings([meta.author or 'motions'])}, keywords: {_strings(meta.keywords)}, "
            f"lang: {typst_string(meta.language[:2] or 'fr')}, "
            f"running-head: {typst_string(document.running_head)}, footer: {typst_string(document.footer)})\n")
    return head + body_typst(document, footnotes=document.notes != "endnotes")


# --------------------------------------------------------------------------- the compiler


def import_typst():
    try:
        import typst
    except ImportError as exc:
        raise SystemDependencyError(f"the Typst PDF engine is not installed ({exc}); install it with "
                                    "`pip install typst`, or choose --pdf-engine weasyprint.") from None
    return typst


def font_folders() -> list[str]:
    """The folders (at most two levels below the system font folders) that hold
    the Liberation and DejaVu fonts the templates use; empty if none is found."""
    wanted, found = set(FONT_FILES), []
    for top in FONT_FOLDERS:
        top = os.path.expanduser(top)
        for folder, dirs, files in os.walk(top):
            if folder[len(top):].count(os.sep) >= 2:
                dirs[:] = []
            if wanted.intersection(files):
                found.append(folder)
    return found


def compiler(resources, root: Path):
    """The Typst compiler for a template folder, built once per Resources."""
    def build():
        typst = import_typst()
        folders = resources.memo("typst:font-folders", font_folders)
        if folders:
            return typst.Compiler(root=str(root), font_paths=folders, ignore_system_fonts=True)
        return typst.Compiler(root=str(root))
    return resources.memo(("typst:compiler", str(root)), build)


def compile_pdf(resources, relative: str, source: str, variant: str | None, *, fit_errors: bool = False) -> bytes:
    """Compile ``source`` (which imports the template at ``relative``) to PDF."""
    typst = import_typst()
    path = resources.find(relative)
    if variant not in STANDARDS:
        raise UsageError(f"unknown PDF variant '{variant}'; choose among {', '.join(k for k in STANDARDS if k)}.")
    stamp = calendar.timegm(resources.now.timetuple())
    try:
        return compiler(resources, path.parent).compile(input=source.encode("utf-8"), format="pdf",
                                                        pdf_standards=STANDARDS[variant], timestamp=stamp)
    except typst.TypstError as exc:
        from ..errors import TemplateError

        found = _DOES_NOT_FIT.search(str(getattr(exc, "message", exc))) if fit_errors else None
        if found:
            raise _Overflow(found.group(1), float(found.group(2)), float(found.group(3))) from None
        hints = "; ".join(getattr(exc, "hints", None) or [])
        raise TemplateError(f"{path}: Typst cannot typeset this document: {getattr(exc, 'message', exc)}"
                            + (f" ({hints})" if hints else "")
                            + ". Check your copy of the template, or remove it to use the shipped one.") from None


# --------------------------------------------------------------------------- the writer


def check_template(template_dirs, relative: str, names) -> list[str]:
    """The template exists, calls no package (it would be downloaded), and
    defines every name the writer calls."""
    from . import find_resource, missing_resources

    problems = missing_resources(template_dirs, [relative])
    path = find_resource(template_dirs, relative)
    if problems or path is None:
        return problems
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [f"{path}:1: cannot be read as UTF-8 ({exc})"]
    for number, line in enumerate(text.splitlines(), 1):
        if re.search(r'#?import\s+"@|#?include\s+"@', line):
            problems.append(f"{path}:{number}: imports a Typst package; packages are downloaded, and motions "
                            "works offline: copy what you need into the template instead")
    for name in names:
        if not re.search(rf"#let\s+{re.escape(name)}\b", text):
            problems.append(f"{path}:1: does not define `{name}`, which the Typst writer calls")
    return problems


MOTION_NAMES = ("motion-document", "m-section", "m-heading", "m-par", "m-article", "m-list", "m-table",
                "m-endnotes", "m-note-call")


class TypstWriter:
    """PDF through Typst: ``--pdf-engine typst``."""

    name = "pdf-typst"
    extension = ".pdf"
    media_type = "application/pdf"
    resources = (TEMPLATE,)
    kinds = ("*",)

    def check(self, template_dirs) -> list[str]:
        return check_template(template_dirs, TEMPLATE, MOTION_NAMES)

    def write(self, document: Document, resources, options=None) -> bytes:
        variant = options.pdf_variant if options is not None else "pdf/ua-1"
        return compile_pdf(resources, TEMPLATE, document_typst(document, resources), variant)


# --------------------------------------------------------------------------- flyers


FLYER_NAMES = ("flyer-document", "flyer")
#: The Typst template's layouts (a6x4 is four A6 copies a sheet).
FLYER_LAYOUTS = ("a5", "a6x4", "a4")
_DOES_NOT_FIT = re.compile(r"motions-does-not-fit:(\w+):(-?[\d.]+):([\d.]+)")


def _bytes(data: bytes) -> str:
    """Binary data (a PNG, a logo) as a Typst bytes literal."""
    return "bytes((" + ",".join(map(str, data)) + ",))"


def _content_or_none(r: _Inlines, inlines) -> str:
    return _content(r.render(inlines)) if inlines else "none"


def flyer_typst(document: Document, resources, layout: str, *, qr: bytes | None, logo: bytes | None) -> str:
    """The Typst source of a flyer: the template's ``flyer`` called with the document's parts."""
    from .flyer import SCALES, flyer_parts

    parts = flyer_parts(document)
    plain = _Inlines("none")  # the flyer lists its sources apart, on the verso

    def actions(value):
        if not value:
            return "none"
        heading, items = value
        return f"({typst_string(heading or '')}, ({''.join(_content(plain.render(i)) + ', ' for i in items)}))"

    meta = document.metadata
    args = {
        "layout": typst_string(layout),
        "scales": "(" + "".join(f"{s}, " for s in SCALES) + ")",
        "kicker": _content_or_none(plain, parts["kicker"]),
        "headline": _content_or_none(plain, parts["headline"]),
        "points": "(" + "".join(_content(plain.render(p)) + ", " for p in parts["points"]) + ")",
        "decide": actions(parts["decide"]),
        "ask": actions(parts["ask"]),
        "session": _content_or_none(plain, parts["session"]),
        "group": _content_or_none(plain, parts["group"]),
        "contact": _content_or_none(plain, parts["contact"]),
        "url": typst_string(parts["url"]) if parts["url"] else "none",
        "qr": _bytes(qr) if qr else "none",
        "logo": _bytes(logo) if logo else "none",
        "references": _strings(parts["references"]),
        "printer": _content_or_none(plain, parts.get("printer")),
    }
    call = ", ".join(f"{k}: {v}" for k, v in args.items())
    return (f'#import "flyer.typ": *\n'
            f"#show: flyer-document.with(title: {typst_string(meta.title or document.title)}, "
            f"author: {_strings([meta.author or 'motions'])}, keywords: {_strings(meta.keywords)}, "
            f"lang: {typst_string(meta.language[:2] or 'fr')})\n"
            f"#flyer({call})\n")


def _logo_png(path) -> bytes:
    """The logo as PNG bytes: pixels, never the file (an SVG is rasterised
    safely, a raster re-encoded; see writers/logo.py)."""
    from base64 import b64decode

    from .logo import load_logo, png_data_uri

    return b64decode(png_data_uri(load_logo(path)).split(",", 1)[1])


def _qr_png(resources, url: str | None) -> bytes | None:
    if not url:
        return None
    from base64 import b64decode

    from .flyer import qr_data_uri

    uri = resources.memo(("qr", url), lambda: qr_data_uri(url))
    return b64decode(uri.split(",", 1)[1])


def render_flyer(document: Document, resources, layout: str, options) -> bytes:
    """A flyer through Typst; too long a text loses its last drawn argument, or
    is refused with the same message as with WeasyPrint."""
    from ..errors import FitError
    from ..log import warn
    from .flyer import FORMATS, MIN_ARGUMENTS, Layout, Overflow, _fit_message, _with_points, flyer_parts

    if options.print_shop or options.icc:
        raise UsageError("--print-shop and --icc (bleed, crop marks, CMYK, PDF/X) need the WeasyPrint engine: "
                         "leave out --pdf-engine typst.")
    if layout not in FLYER_LAYOUTS:
        raise UsageError(f"unknown flyer format '{layout}'; choose a5, a6x4 or a4.")
    logo = _logo_png(options.logo) if options.logo else None
    qr = _qr_png(resources, flyer_parts(document)["url"])
    explicit = document.metadata.provenance.get("explicit") == "1"
    ids = document.metadata.provenance.get("arguments", "").split(",")
    total = n = len(flyer_parts(document)["points"])
    fmt = FORMATS[layout]
    while True:
        candidate = document if n == total else _with_points(document, n)
        source = flyer_typst(candidate, resources, layout, qr=qr, logo=logo)
        try:
            data = compile_pdf(resources, FLYER_TEMPLATE, source, options.pdf_variant, fit_errors=True)
        except _Overflow as exc:
            if explicit or n <= MIN_ARGUMENTS:
                failure = Layout(pages=fmt.pages, overflows=[Overflow(exc.side, exc.mm, exc.ratio)])
                raise FitError(_fit_message(candidate, fmt, failure, explicit)) from None
            n -= 1
            continue
        if n < total:
            warn(f"the flyer holds {n} arguments, not {total}: the text did not fit the {fmt.label} format; "
                 f"left out: {', '.join(ids[n:])}.")
        return data


class _Overflow(Exception):
    def __init__(self, side: str, mm: float, ratio: float):
        super().__init__(side)
        self.side, self.mm, self.ratio = side, mm, ratio


class TypstFlyerWriter:
    """The three flyer layouts through Typst (``motions flyer --pdf-engine typst``)."""

    name = "flyer-typst"
    extension = ".pdf"
    media_type = "application/pdf"
    resources = (FLYER_TEMPLATE,)
    kinds = ("flyer",)

    def check(self, template_dirs) -> list[str]:
        return check_template(template_dirs, FLYER_TEMPLATE, FLYER_NAMES)

    def write(self, document: Document, resources, options=None) -> bytes:
        from . import WriterOptions

        options = options or WriterOptions()
        return render_flyer(document, resources, options.extra.get("layout", "a5"), options)
