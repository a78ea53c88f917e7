"""Build templates/reference.docx: the Word styles of every motion, and nothing else.

The DOCX writer names these styles and never sets a font itself (Pandoc's
--reference-doc habit), so a collective restyles every motion by editing this
file in Word or LibreOffice (Format > Styles) and passing it with
``--reference-docx`` or dropping it into its library's templates/ folder.

usage: python scripts/build_reference_docx.py [OUT]   (default templates/reference.docx)
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from motions.writers.docx_styles import STYLES  # noqa: E402

SERIF = "Liberation Serif"
SANS = "Liberation Sans"


def build(out: Path) -> None:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.header_distance = section.footer_distance = Cm(1.2)

    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = SERIF
    normal.font.size = Pt(11.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    # French everywhere: spelling, hyphenation
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "fr-FR")
    lang.set(qn("w:eastAsia"), "fr-FR")
    settings = doc.settings.element
    hyph = OxmlElement("w:autoHyphenation")
    hyph.set(qn("w:val"), "true")
    settings.append(hyph)

    def para(name, *, base="Normal", size=None, bold=False, italic=False, align=None, before=None,
             after=None, left=None, first=None, keep_next=False, font=None, color=None, outline=None):
        st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = styles[base]
        st.quick_style = True
        f = st.font
        if size:
            f.size = Pt(size)
        f.bold = bold or None
        f.italic = italic or None
        if font:
            f.name = font
        if color:
            f.color.rgb = RGBColor.from_string(color)
        pf = st.paragraph_format
        if align is not None:
            pf.alignment = align
        if before is not None:
            pf.space_before = Pt(before)
        if after is not None:
            pf.space_after = Pt(after)
        if left is not None:
            pf.left_indent = Cm(left)
        if first is not None:
            pf.first_line_indent = Cm(first)
        pf.keep_with_next = keep_next or None
        if outline is not None:
            ppr = st.element.get_or_add_pPr()
            ol = OxmlElement("w:outlineLvl")
            ol.set(qn("w:val"), str(outline))
            ppr.append(ol)
        return st

    J = WD_ALIGN_PARAGRAPH.JUSTIFY
    C = WD_ALIGN_PARAGRAPH.CENTER
    para(STYLES["running"], size=9, align=C, color="555555", font=SANS)
    para(STYLES["kind"], size=10, align=C, font=SANS, bold=True, color="444444", after=2).font.all_caps = True
    para(STYLES["title"], size=17, bold=True, align=C, before=6, after=8, keep_next=True, font=SANS, outline=0)
    para(STYLES["subtitle"], size=11, align=C, italic=True, after=2)
    para(STYLES["notice"], size=10, italic=True, align=J, before=6, after=6, left=0.5, color="7A3E00")
    para(STYLES["heading"], size=12.5, bold=True, before=16, after=6, keep_next=True, font=SANS, outline=1)
    para(STYLES["expose"], align=J, first=0.8)
    para(STYLES["visa"], align=J, after=3)
    para(STYLES["considerant"], align=J, after=5)
    para(STYLES["intro"], bold=True, align=J, before=10, after=8, keep_next=True)
    para(STYLES["article_label"], bold=True, before=8, after=2, keep_next=True, font=SANS, size=11, outline=2)
    para(STYLES["article"], align=J)
    para(STYLES["signature"], align=WD_ALIGN_PARAGRAPH.RIGHT, before=4, after=2)
    para(STYLES["note"], size=9.5, align=J, after=2, left=0.6, first=-0.6)
    para(STYLES["source"], size=9.5, align=J, after=3, left=0.6, first=-0.6)
    ch = styles.add_style(STYLES["noteref"], WD_STYLE_TYPE.CHARACTER)
    ch.font.superscript = True
    ch.quick_style = True

    doc.core_properties.title = "Styles des motions"
    doc.core_properties.author = "motions"
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "templates" / "reference.docx"
    build(target)
    print(f"wrote {target}")
