"""Build templates/reference.odt: the OpenDocument styles of every document.

The ODT writer uses the same role table as the DOCX writer
(``motions/writers/roles.py``) and the same style names, so a collective that
restyles one finds the same names in the other. Open this file in LibreOffice,
change the styles named « Motion – … » (F11), save it as ODT into your
library's templates/ folder: every ODT follows it. Written byte for byte the
same each time.

usage: .venv/bin/python scripts/build_reference_odt.py [OUT]   (default templates/reference.odt)
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from odfdo import Document, Paragraph, Style

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from motions.writers.odt import FIXED, EMPHASIS, STRONG, odf_name, deterministic_odf  # noqa: E402
from motions.writers.roles import CHARACTER_STYLES, LINK_STYLE, NOTE_CALL_STYLE, ROLES, RUNNING_STYLE  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_reference_docx import LOOK, SANS, SERIF  # noqa: E402

_ALIGN = {"both": "justify", "center": "center", "right": "end", "left": "start"}


def _twips_cm(value: int) -> str:
    return f"{value / 567:.2f}cm"


def paragraph_style(name: str, look: dict, *, keep_next=False, outline=0, hyphenate=True) -> Style:
    st = Style("paragraph", name=odf_name(name), display_name=name, parent_style="Standard")
    para = {}
    if "before" in look:
        para["fo:margin-top"] = f"{look['before'] / 20:.1f}pt"
    if "after" in look:
        para["fo:margin-bottom"] = f"{look['after'] / 20:.1f}pt"
    if "left" in look:
        para["fo:margin-left"] = _twips_cm(look["left"])
    if "first" in look:
        para["fo:text-indent"] = _twips_cm(look["first"])
    if "hanging" in look:
        para["fo:text-indent"] = "-" + _twips_cm(look["hanging"])
    if "align" in look:
        para["fo:text-align"] = _ALIGN[look["align"]]
    if keep_next:
        para["fo:keep-with-next"] = "always"
    if look.get("border"):
        para["fo:border-left"] = f"1.5pt solid #{look['border']}"
        para["fo:padding-left"] = "0.2cm"
    if para:
        st.set_properties(area="paragraph", **para)
    text = {"fo:hyphenate": "true" if hyphenate else "false", "fo:language": "fr", "fo:country": "FR"}
    if look.get("size"):
        text["fo:font-size"] = f"{look['size']}pt"
    if look.get("bold"):
        text["fo:font-weight"] = "bold"
    if look.get("italic"):
        text["fo:font-style"] = "italic"
    if look.get("caps"):
        text["fo:text-transform"] = "uppercase"
    if look.get("color"):
        text["fo:color"] = f"#{look['color']}"
    if look.get("font"):
        text["style:font-name"] = look["font"]
    st.set_properties(area="text", **text)
    if outline:
        st.set_attribute("style:default-outline-level", str(outline))
    return st


def text_style(name: str, props: dict) -> Style:
    st = Style("text", name=odf_name(name), display_name=name)
    st.set_properties(area="text", **props)
    return st


def build(out: Path) -> None:
    doc = Document("text")
    doc.body.clear()
    default = doc.get_style("paragraph", "Standard")
    if default is not None:
        default.set_properties(area="text", **{"style:font-name": SERIF, "fo:font-size": "11.5pt",
                                               "fo:language": "fr", "fo:country": "FR", "fo:hyphenate": "true"})
        default.set_properties(area="paragraph", **{"fo:margin-bottom": "6pt", "fo:line-height": "115%"})
    seen = set()
    for r in ROLES.values():
        if r.style in seen:
            continue
        seen.add(r.style)
        doc.insert_style(paragraph_style(r.style, LOOK.get(r.style, {}), keep_next=r.keep_with_next,
                                         outline=r.outline, hyphenate=LOOK.get(r.style, {}).get("hyphenate", r.hyphenate)),
                         automatic=False)
    doc.insert_style(paragraph_style(RUNNING_STYLE, LOOK[RUNNING_STYLE], hyphenate=False), automatic=False)
    doc.insert_style(text_style(NOTE_CALL_STYLE, {"style:text-position": "super 58%"}), automatic=False)
    doc.insert_style(text_style(LINK_STYLE, {"style:text-underline-style": "solid", "style:text-underline-width": "auto",
                                             "fo:color": "#1f3864"}),
                     automatic=False)
    doc.insert_style(text_style(EMPHASIS, {"fo:font-style": "italic"}), automatic=False)
    doc.insert_style(text_style(STRONG, {"fo:font-weight": "bold"}), automatic=False)
    # page: A4, margins, running header and footer
    layout = doc.get_style("page-layout", "pm1") or doc.get_styles("page-layout")[0]
    layout.set_properties(area="page-layout", **{"fo:page-width": "21cm", "fo:page-height": "29.7cm",
                                                 "fo:margin-top": "1.5cm", "fo:margin-bottom": "1.5cm",
                                                 "fo:margin-left": "2.5cm", "fo:margin-right": "2.5cm"})
    master = doc.get_style("master-page", "Standard")
    master.set_page_header(Paragraph("{header}", style=odf_name(RUNNING_STYLE)))
    master.set_page_footer(Paragraph("{footer}", style=odf_name(RUNNING_STYLE)))
    for r in ROLES.values():
        if r.style in seen:
            seen.discard(r.style)
            doc.body.append(Paragraph(f"{r.style} : {r.label}", style=odf_name(r.style)))
    doc.meta.set_title("Styles des documents motions")
    doc.meta.set_language("fr-FR")
    buf = io.BytesIO()
    doc.save(buf)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(deterministic_odf(buf.getvalue(), FIXED))
    _ = CHARACTER_STYLES


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "templates" / "reference.odt"
    build(target)
    print(f"wrote {target}")
