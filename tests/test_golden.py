"""Golden tests: each motion template against reviewed expected outputs.

For every template, two cases: Villejuif with a full facts file
(tests/roots/catalogue/facts-villejuif.yaml, invented figures) and Effry (Aisne,
307 inhabitants, a communauté de communes) without facts. Each case is rendered
with the catalogue test library (tests/roots/catalogue) and compared on:

- the DOCX's ``word/document.xml``, parsed and pretty-printed (canonical
  indentation; nothing else is stripped: the document part holds no timestamp);
- the PDF's text as ``pdftotext`` extracts it (trailing spaces removed).

The expected files are tests/golden/<template>/<case>.document.xml and
<case>.pdf.txt. When a change to a template, the writers or the commune data is
meant to change the output, regenerate them with

    MOTIONS_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

then read the diff (``git diff tests/golden``) as a councillor would before
committing it: the golden files are reviewed text, not a snapshot taken blindly.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import os
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from motions.communes import lookup
from motions.compose import Options
from motions.facts import Facts, load_facts
from motions.generate import render_motion

from conftest import ROOTS, pdf_text

GOLDEN = Path(__file__).parent / "golden"
TEMPLATES = ("biometrie", "vsa", "controle-citoyen", "capteurs-sonores", "ville-numerique")
CASES = {
    "villejuif": ("Villejuif", ROOTS / "catalogue" / "facts-villejuif.yaml", {}),
    "effry": ("02275", None, {"date": dt.date(2026, 6, 18)}),
}
UPDATE = os.environ.get("MOTIONS_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def lib():
    from motions.library import load_library

    return load_library(ROOTS / "catalogue", with_cwd=False)


def document_xml(docx_bytes: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        raw = z.read("word/document.xml")
    root = etree.fromstring(raw, etree.XMLParser(remove_blank_text=True))
    return etree.tostring(root, pretty_print=True, encoding="unicode")


def pdf_lines(path: Path) -> str:
    return "\n".join(line.rstrip() for line in pdf_text(path).splitlines()) + "\n"


def check(path: Path, actual: str) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    if not path.is_file():
        pytest.fail(f"{path} is missing: run MOTIONS_UPDATE_GOLDEN=1 python -m pytest {Path(__file__).name}, "
                    "then review it")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            str(path), "actual", n=2))
        lines = diff.splitlines()
        pytest.fail(f"{path.name} differs from the reviewed output ({len(lines)} diff lines; "
                    "if the change is meant, regenerate with MOTIONS_UPDATE_GOLDEN=1 and review it):\n"
                    + "\n".join(lines[:80]))


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("motion", TEMPLATES)
def test_golden(lib, tmp_path, motion, case):
    query, facts_file, opts = CASES[case]
    facts = load_facts(facts_file) if facts_file else Facts()
    result = render_motion(lib, lookup(query), motion, facts=facts, options=Options(**opts),
                           formats=("docx", "pdf"), out_dir=tmp_path)
    docx_path, pdf_path = result.paths
    check(GOLDEN / motion / f"{case}.document.xml", document_xml(docx_path.read_bytes()))
    check(GOLDEN / motion / f"{case}.pdf.txt", pdf_lines(pdf_path))
