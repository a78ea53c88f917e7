"""Validate everything first: every problem of a library at once, with file:line,
before anything renders (MkDocs' ``load_config`` habit)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from motions.errors import LibraryError
from motions.library import inspect_library, load_library

from helpers import ROOTS, invoke


def small_copy(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    shutil.copytree(ROOTS / "small", root)
    return root


def test_the_shipped_library_loads_with_no_error():
    lib, errors = inspect_library(None, with_cwd=False)
    assert errors == []
    assert lib.motions and "dossier" in lib.documents
    assert all(e.forms.get("considerant") for e in lib.arguments.values())


def test_a_template_syntax_error_and_unknown_citations_are_reported_together(tmp_path):
    root = small_copy(tmp_path)
    motions_dir = root / "templates" / "motions"
    motions_dir.mkdir(parents=True)
    (motions_dir / "casse.md.j2").write_text(textwrap.dedent("""\
        ---
        id: casse
        title: Cassé
        description: broken on purpose
        kind: voeu
        law_checked: 2026-11-28
        ---
        {% block title %}Titre{% endblock %}
        {% block considerants %}
        Considérant que rien [@cle-inconnue, p. 3] ;

        Considérant que [@autre-inconnue] {% if %}
        {% endblock %}
        """), encoding="utf-8")
    (root / "arguments" / "biometrie" / "mal-cite.yaml").write_text(
        (root / "arguments" / "biometrie" / "visage-identifie.yaml").read_text(encoding="utf-8")
        .replace("id: visage-identifie", "id: mal-cite").replace("[@", "[voir @", 1).replace(", p.", " p.", 1),
        encoding="utf-8")
    _, errors = inspect_library(root, with_cwd=False)
    text = "\n".join(errors)
    assert "casse.md.j2:12: template syntax error" in text
    assert "casse.md.j2:10: the citation @cle-inconnue names no source" in text
    assert "casse.md.j2:12: the citation @autre-inconnue" in text
    assert "mal-cite.yaml" in text and "put a comma after the key" in text
    res = invoke("--library", root, "check")
    assert res.code == 5 and "casse.md.j2:12" in res.output and "cle-inconnue" in res.output


def test_a_link_leading_outside_the_library_is_refused(tmp_path):
    root = small_copy(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("mot de passe", encoding="utf-8")
    (root / "templates" / "motions").mkdir(parents=True)
    (root / "templates" / "motions" / "notes.md.j2").symlink_to(secret)
    (root / "templates" / "html").mkdir(parents=True)
    (root / "templates" / "html" / "motion.css").symlink_to(secret)
    with pytest.raises(LibraryError) as err:
        load_library(root, with_cwd=False)
    assert "link to a file outside the library" in str(err.value)
    assert "motion.css" in str(err.value)


def test_settings_are_validated_with_their_line(tmp_path):
    root = small_copy(tmp_path)
    (root / "motions-library.yaml").write_text("shipped_arguments: false\nlogos: x.png\n", encoding="utf-8")
    _, errors = inspect_library(root, with_cwd=False)
    assert any("motions-library.yaml:2: logos" in e for e in errors), errors


def test_a_reference_document_missing_styles_is_a_load_error(tmp_path):
    import io
    import zipfile

    root = small_copy(tmp_path)
    (root / "templates").mkdir(exist_ok=True)
    shipped = (ROOTS.parent.parent / "templates" / "reference.docx").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(shipped)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/styles.xml":
                data = data.replace("Motion – visa".encode(), b"Autre style")
            dst.writestr(info, data)
    (root / "templates" / "reference.docx").write_bytes(out.getvalue())
    _, errors = inspect_library(root, with_cwd=False)
    assert any("reference.docx:1: the reference document lacks the style(s) Motion – visa" in e for e in errors)


def test_argument_forms_are_parsed_once_at_load(lib):
    entry = next(iter(lib.arguments.values()))
    assert entry.cites("considerant") and all(i.key in lib.sources for c in entry.cites() for i in c.items)
