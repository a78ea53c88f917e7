"""Word and LibreOffice polish: what a council's staff sees when they open our DOCX or ODT.

- titles and headings are never hyphenated, the body is (French dictionary);
- notes are set ragged, as in the PDF, not justified;
- the DOCX opens in Word's current mode (no « Compatibility Mode » banner);
- the reference documents rebuild byte for byte (so a rebuild leaves the tree clean).

The hyphenation checks are made the way a user would see them: LibreOffice
converts the file to PDF and ``pdftotext -layout`` shows where lines break. A
line of a title ending in a hyphen that is not in the text means the title was
hyphenated. They need LibreOffice's French hyphenation patterns (Debian:
``hyphen-fr``); without them LibreOffice hyphenates nothing, and the tests say
so rather than pass for nothing.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from motions.document import Document, Metadata, Note, Paragraph, Section, Text
from motions.writers import WriterOptions, get
from motions.writers.roles import role

from helpers import ROOT, soffice_to_pdf

#: Long words, so that a line break inside a word is likely wherever lines end.
LONG = ("Anticonstitutionnellement, l’intercommunalité métropolitaine expérimente l’identification "
        "biométrique automatisée, incompréhensiblement déraisonnable, parallèlement aux "
        "vidéoprotections algorithmiques extraordinairement disproportionnées.")
NOTE = ("Zanzibar quadrilatère xylophone " * 12).strip() + "."
WORDS = set(re.findall(r"\w+", LONG + " " + NOTE))


def sample() -> Document:
    title = Paragraph((Text(LONG),), "title")
    body = tuple(Paragraph((Text(f"{LONG} {LONG} {LONG}"),), "body") for _ in range(2))
    noted = Paragraph((Text("Un appel de note."), Note(1, (Text(NOTE),))), "body")
    return Document("motion", "Titre", "Tête", "Pied", (
        Section("header", None, (title,)),
        Section("expose", LONG, body + (noted,)),
    ), Metadata("Titre", "motions", "essai", (), "fr", ""))


@pytest.fixture(scope="module")
def converted(shipped_resources, tmp_path_factory):
    """The sample as DOCX and ODT, and each converted to PDF by LibreOffice, as text lines."""
    out = tmp_path_factory.mktemp("word")
    result = {}
    for fmt in ("docx", "odt"):
        writer = get(fmt)
        path = out / f"sample{writer.extension}"
        path.write_bytes(writer.write(sample(), shipped_resources, WriterOptions()))
        pdf = soffice_to_pdf(path, out / fmt)
        result[fmt] = (path, pdf)
    return result


def layout_lines(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [line.strip() for line in text.splitlines() if line.strip()]


def broken_words(lines: list[str]) -> list[str]:
    """Lines ending in a hyphen that splits a word of the sample (a hyphenation)."""
    out = []
    for a, b in zip(lines, lines[1:]):
        m, n = re.search(r"(\w+)-$", a), re.match(r"(\w+)", b)
        if m and n and (m.group(1) + n.group(1)) in WORDS:
            out.append(f"{m.group(1)}-|{n.group(1)}")
    return out


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_titles_and_headings_are_not_hyphenated_the_body_is(converted, fmt):
    lines = layout_lines(converted[fmt][1])
    first = lines.index(next(line for line in lines if line.startswith("Anticonstitutionnellement")))
    title = lines[first:first + 8]
    title = title[:next(i for i, line in enumerate(title) if line.endswith("disproportionnées.")) + 1]
    rest = lines[first + len(title):]
    heading = rest[:next(i for i, line in enumerate(rest) if line.endswith("disproportionnées.")) + 1]
    body = rest[len(heading):]
    if not broken_words(body):
        pytest.skip("LibreOffice hyphenates nothing here: install its French patterns (apt install hyphen-fr)")
    assert len(title) >= 3 and len(heading) >= 2  # they do wrap, several times
    assert broken_words(title) == [], title
    assert broken_words(heading) == [], heading


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_notes_are_ragged_as_in_the_pdf(converted, fmt):
    """Justified lines all end at the right margin; the note's lines must not."""
    pdf = converted[fmt][1]
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True,
                         text=True).stdout
    ends, lines = [], []
    for line in re.findall(r"<line (.*?)</line>", xml, re.S):
        words = re.findall(r">([^<]+)</word>", line)
        if any(w in ("xylophone", "Zanzibar", "quadrilatère") for w in words):
            ends.append(float(re.search(r'xMax="([\d.]+)"', line).group(1)))
            lines.append(" ".join(words))
    assert len(ends) >= 3, "the note is not in the converted PDF"
    full_lines = ends[:-1]  # the last line of a paragraph is never stretched
    assert max(full_lines) - min(full_lines) > 5, f"note lines all end at {max(full_lines):.1f} pt: justified"
    assert broken_words(lines) == [], lines  # and, as in the PDF, not hyphenated


def test_docx_styles_say_so_to_word(converted):
    import docx

    path = converted["docx"][0]
    document = docx.Document(str(path))
    styles = document.styles
    with zipfile.ZipFile(path) as z:
        styles_xml = z.read("word/styles.xml").decode()
        settings = z.read("word/settings.xml").decode()
        footnotes = z.read("word/footnotes.xml").decode()
    for name in ("title", "heading-1", "heading-2", "article-label", "kind", "subtitle"):
        style = styles[role(name).style]
        assert style.element.pPr.find(docx.oxml.ns.qn("w:suppressAutoHyphens")) is not None, name
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    assert styles[role("note").style].paragraph_format.alignment in (None, WD_ALIGN_PARAGRAPH.LEFT)
    assert styles[role("body").style].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert "<w:jc " not in footnotes  # no direct formatting overrides the note style
    assert 'w:pStyle w:val="' + _style_id(styles_xml, role("note").style) + '"' in footnotes
    # Word's current mode: compatibilityMode 15 (Word 2013 and later), so no banner
    assert re.search(r'<w:compatSetting w:name="compatibilityMode" [^>]*w:val="15"', settings)
    assert "<w:autoHyphenation/>" in settings


def _style_id(styles_xml: str, name: str) -> str:
    return re.search(rf'w:styleId="([^"]+)"><w:name w:val="{re.escape(name)}"', styles_xml).group(1)


def test_odt_styles_turn_hyphenation_off_on_titles(converted):
    from odfdo import Document as Odf

    odt = Odf(str(converted["odt"][0]))
    by_name = {s.display_name or s.name: s for s in odt.get_styles("paragraph")}
    for name, hyphenate in (("title", "false"), ("heading-1", "false"), ("heading-2", "false"), ("body", "true")):
        props = by_name[role(name).style].get_properties(area="text")
        assert props.get("fo:hyphenate") == hyphenate, name
    note = by_name[role("note").style].get_properties(area="paragraph") or {}
    assert note.get("fo:text-align") in (None, "start", "left")


# --------------------------------------------------------------------------- reference documents


@pytest.mark.parametrize("script,target", [("build_reference_docx.py", "templates/reference.docx"),
                                           ("build_reference_odt.py", "templates/reference.odt")])
def test_reference_documents_rebuild_byte_for_byte(tmp_path, script, target):
    """Re-running the build scripts leaves the working tree clean."""
    out = tmp_path / Path(target).name
    for _ in range(2):
        subprocess.run([sys.executable, str(ROOT / "scripts" / script), str(out)], check=True,
                       capture_output=True, cwd=tmp_path)
        assert out.read_bytes() == (ROOT / target).read_bytes(), f"{target} is not what {script} builds"


def test_reference_docx_opens_in_current_mode_and_hyphenates_the_body_only():
    with zipfile.ZipFile(ROOT / "templates" / "reference.docx") as z:
        settings = z.read("word/settings.xml").decode()
        styles = z.read("word/styles.xml").decode()
    assert 'w:name="compatibilityMode"' in settings and 'w:val="15"' in settings
    title = re.search(rf'<w:name w:val="{re.escape(role("title").style)}"/>.*?</w:style>', styles).group(0)
    body = re.search(rf'<w:name w:val="{re.escape(role("body").style)}"/>.*?</w:style>', styles).group(0)
    assert "<w:suppressAutoHyphens/>" in title and "<w:suppressAutoHyphens/>" not in body
