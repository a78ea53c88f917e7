"""Build templates/reference.docx: the Word styles of every document, and nothing else.

The DOCX writer names the styles of ``motions/writers/roles.py`` and never sets
a font itself (Pandoc's --reference-doc habit), so a collective restyles every
motion, dossier and letter by editing this file in Word or LibreOffice
(Format > Styles) and dropping it into its library's templates/ folder. The
file shows one sample paragraph per style.

The look below (sizes, spacing) is the default; the file is written byte for
byte the same each time (fixed dates, deterministic zip), so rebuilding it
leaves the working tree clean.

usage: .venv/bin/python scripts/build_reference_docx.py [OUT]   (default templates/reference.docx)
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from motions.writers.docx import NS, _content_types, _rels, deterministic_zip  # noqa: E402
from motions.writers.roles import CHARACTER_STYLES, LINK_STYLE, NOTE_CALL_STYLE, ROLES, RUNNING_STYLE  # noqa: E402

SERIF = "Liberation Serif"
SANS = "Liberation Sans"
FIXED = dt.datetime(2026, 11, 28, 12, 0, 0)

#: The default look: style name -> properties (pt sizes, twentieths of a point for spacing;
#: ``hyphenate`` overrides the role's own setting).
LOOK: dict[str, dict] = {
    "Motion – nature": dict(size=10, bold=True, caps=True, align="center", font=SANS, color="333333", after=40),
    "Motion – titre": dict(size=17, bold=True, align="center", font=SANS, before=120, after=160),
    "Motion – sous-titre": dict(size=11, italic=True, align="center", after=40),
    "Motion – intertitre": dict(size=12.5, bold=True, font=SANS, before=320, after=120),
    "Motion – sous-intertitre": dict(size=11, bold=True, font=SANS, before=200, after=80),
    "Motion – avertissement": dict(size=10, align="both", before=120, after=120, left=284, border="888888"),
    "Motion – texte": dict(align="both", first=454),
    "Motion – dispositif": dict(bold=True, align="both", before=200, after=160),
    "Motion – visa": dict(align="both", after=60),
    "Motion – considérant": dict(align="both", after=100),
    "Motion – article (intitulé)": dict(size=11, bold=True, font=SANS, before=160, after=40),
    "Motion – article (texte)": dict(align="both"),
    "Motion – signature": dict(align="right", before=80, after=40),
    "Motion – encadré": dict(size=10, align="both", before=60, after=60, left=284, border="888888"),
    "Motion – objection": dict(bold=True, before=160, after=40),
    "Motion – réponse": dict(align="both", left=284),
    "Motion – liste": dict(align="both", left=454, hanging=284, after=40),
    "Motion – tableau": dict(size=9.5, after=0),
    # notes and sources as in the PDF (motion.css): ragged, not hyphenated (a
    # reference cut at a hyphen reads as a different name or address)
    "Motion – source": dict(size=9.5, after=60, left=340, hanging=340, align="left", hyphenate=False),
    "Motion – note": dict(size=9, after=0, line=240, align="left", hyphenate=False),
    "Motion – lettre (expéditeur)": dict(after=0),
    "Motion – lettre (destinataire)": dict(after=0, left=4820),
    "Motion – lettre (lieu et date)": dict(before=360, after=360, left=4820),
    "Motion – lettre (objet)": dict(bold=True, after=240),
    "Motion – mention": dict(size=8.5, color="333333"),
    RUNNING_STYLE: dict(size=9, align="center", font=SANS, color="555555", after=0),
}


def style_id(name: str) -> str:
    words = re.findall(r"[A-Za-zÀ-ÿ0-9]+", name)
    return "".join(w[:1].upper() + w[1:] for w in words).encode("ascii", "ignore").decode() or "Style"


def _ppr(look: dict, *, keep_next: bool, outline: int, hyphenate: bool) -> str:
    parts = []
    if keep_next:
        parts.append("<w:keepNext/>")
    if look.get("border"):
        parts.append(f'<w:pBdr><w:left w:val="single" w:sz="12" w:space="6" w:color="{look["border"]}"/></w:pBdr>')
    if not hyphenate:
        parts.append("<w:suppressAutoHyphens/>")
    spacing = []
    for key, attr in (("before", "before"), ("after", "after")):
        if key in look:
            spacing.append(f'w:{attr}="{look[key]}"')
    if "line" in look:
        spacing.append(f'w:line="{look["line"]}" w:lineRule="auto"')
    if spacing:
        parts.append(f"<w:spacing {' '.join(spacing)}/>")
    ind = []
    if "left" in look:
        ind.append(f'w:left="{look["left"]}"')
    if "first" in look:
        ind.append(f'w:firstLine="{look["first"]}"')
    if "hanging" in look:
        ind.append(f'w:hanging="{look["hanging"]}"')
    if ind:
        parts.append(f"<w:ind {' '.join(ind)}/>")
    if "align" in look:
        parts.append(f'<w:jc w:val="{look["align"]}"/>')
    if outline:
        parts.append(f'<w:outlineLvl w:val="{outline - 1}"/>')
    return f"<w:pPr>{''.join(parts)}</w:pPr>" if parts else ""


def _rpr(look: dict) -> str:
    parts = []
    if look.get("font"):
        f = look["font"]
        parts.append(f'<w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:cs="{f}"/>')
    if look.get("bold"):
        parts.append("<w:b/><w:bCs/>")
    if look.get("italic"):
        parts.append("<w:i/><w:iCs/>")
    if look.get("caps"):
        parts.append("<w:caps/>")
    if look.get("color"):
        parts.append(f'<w:color w:val="{look["color"]}"/>')
    if look.get("size"):
        half = int(round(look["size"] * 2))
        parts.append(f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>')
    if look.get("underline"):
        parts.append('<w:u w:val="single"/>')
    if look.get("super"):
        parts.append('<w:vertAlign w:val="superscript"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def styles_xml() -> str:
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {NS}>',
           "<w:docDefaults><w:rPrDefault><w:rPr>"
           f'<w:rFonts w:ascii="{SERIF}" w:hAnsi="{SERIF}" w:eastAsia="{SERIF}" w:cs="{SERIF}"/>'
           '<w:sz w:val="23"/><w:szCs w:val="23"/><w:lang w:val="fr-FR" w:eastAsia="fr-FR" w:bidi="ar-SA"/>'
           "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
           '<w:spacing w:after="120" w:line="264" w:lineRule="auto"/><w:widowControl/></w:pPr></w:pPrDefault></w:docDefaults>',
           '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>',
           '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
           '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
           '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
           '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
           '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
           '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>']
    seen = set()
    roles = list(ROLES.values())
    for r in roles:
        if r.style in seen:
            continue
        seen.add(r.style)
        look = LOOK.get(r.style, {})
        out.append(f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{style_id(r.style)}">'
                   f'<w:name w:val="{r.style}"/><w:basedOn w:val="Normal"/><w:qFormat/>'
                   f"{_ppr(look, keep_next=r.keep_with_next, outline=r.outline, hyphenate=look.get('hyphenate', r.hyphenate))}"
                   f"{_rpr(look)}</w:style>")
    look = LOOK[RUNNING_STYLE]
    out.append(f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{style_id(RUNNING_STYLE)}">'
               f'<w:name w:val="{RUNNING_STYLE}"/><w:basedOn w:val="Normal"/>'
               f"{_ppr(look, keep_next=False, outline=0, hyphenate=False)}{_rpr(look)}</w:style>")
    char_looks = {NOTE_CALL_STYLE: dict(super=True), LINK_STYLE: dict(underline=True, color="1F3864")}
    for name in CHARACTER_STYLES:
        out.append(f'<w:style w:type="character" w:customStyle="1" w:styleId="{style_id(name)}">'
                   f'<w:name w:val="{name}"/><w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/>'
                   f"{_rpr(char_looks.get(name, {}))}</w:style>")
    out.append("</w:styles>")
    return "".join(out)


def document_xml() -> str:
    paras = []
    seen = set()
    for r in ROLES.values():
        if r.style in seen:
            continue
        seen.add(r.style)
        paras.append(f'<w:p><w:pPr><w:pStyle w:val="{style_id(r.style)}"/></w:pPr>'
                     f'<w:r><w:t xml:space="preserve">{r.style} : {r.label}</w:t></w:r></w:p>')
    sect = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1418" w:right="1418" w:bottom="1247" '
            'w:left="1418" w:header="680" w:footer="680" w:gutter="0"/><w:cols w:space="708"/></w:sectPr>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {NS}><w:body>'
            f"{''.join(paras)}{sect}</w:body></w:document>")


def build(out: Path) -> None:
    base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    files = {
        "word/document.xml": document_xml().encode(),
        "word/styles.xml": styles_xml().encode(),
        "word/settings.xml": (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:settings {NS}>'
                              "<w:autoHyphenation/><w:compat><w:compatSetting w:name=\"compatibilityMode\" "
                              "w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>"
                              "</w:settings>").encode(),
        "docProps/core.xml": ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                              '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                              'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
                              'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>Styles des documents motions</dc:title>'
                              "<dc:creator>motions</dc:creator><dc:language>fr-FR</dc:language>"
                              f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED:%Y-%m-%dT%H:%M:%SZ}</dcterms:created>'
                              f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED:%Y-%m-%dT%H:%M:%SZ}</dcterms:modified>'
                              "</cp:coreProperties>").encode(),
        "docProps/app.xml": ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                             '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                             "<Application>motions</Application></Properties>").encode(),
        "word/_rels/document.xml.rels": _rels([("rId1", base + "styles", "styles.xml", False),
                                                ("rId2", base + "settings", "settings.xml", False)]).encode(),
        "_rels/.rels": _rels([
            ("rId1", base + "officeDocument", "word/document.xml", False),
            ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml", False),
            ("rId3", base + "extended-properties", "docProps/app.xml", False)]).encode(),
    }
    ctypes = _content_types(files, "footnote").replace(
        '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>', "")
    ctypes = re.sub(r'<Override PartName="/word/(footer1|footnotes)\.xml"[^>]*/>', "", ctypes)
    files["[Content_Types].xml"] = ctypes.encode()
    order = ["[Content_Types].xml", "_rels/.rels"] + sorted(n for n in files if n not in ("[Content_Types].xml", "_rels/.rels"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(deterministic_zip([(n, files[n]) for n in order], FIXED))


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "templates" / "reference.docx"
    build(target)
    print(f"wrote {target}")
