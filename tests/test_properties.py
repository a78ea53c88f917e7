"""Property-based tests: any query, any argument text gives a document or a clear
error (a MotionsError), never a crash.

Texts are drawn from all of Unicode (control characters included), very long,
empty, and salted with Jinja, HTML, XML and Markdown metacharacters.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import docx
import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from motions.communes import lookup
from motions.resources import Resources
from motions.errors import MotionsError
from motions.library import load_library
from motions.writers import WriterOptions, get

from helpers import ROOTS, compose_for

METACHARS = [
    "{{ ''.__class__.__mro__ }}", "{% for x in range(10**9) %}", "{# #}", "<script>alert(1)</script>",
    '<img src="file:///etc/passwd">', "&amp; & &#0; <![CDATA[x]]>", "]]>", "\x00\x01\x0b\x1f", "\ufffe\uffff",
    "[@nope, p. 3]", "[@]", "[@cnil-2019-rf", "**", "*", "_x_", "\\", "\n\n# titre\n\n", "---", "«»", "'\"",
    "Considérant que ;", " ; : ! ? ", "http://example.com/x.css", "url(file:///etc/passwd)", "\u202e", "🙂" * 50,
]

texts = st.one_of(
    st.text(max_size=400),
    st.sampled_from(METACHARS),
    st.lists(st.one_of(st.sampled_from(METACHARS), st.text(max_size=40)), max_size=12).map("".join),
    st.just("mot " * 3000),
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), st.sampled_from(["Villejuif", "villejuiff", "saint etienne", "94800",
                                                           "Sainte-Colombe", "(94)", "Paris 99e", "2A004", ""])))
def test_any_commune_query_gives_a_commune_or_a_sentence(query):
    try:
        commune = lookup(query)
    except MotionsError as exc:
        assert exc.message and "\n" not in exc.message.splitlines()[0][:0]
        return
    assert commune.insee and commune.name


def _argument_file(root: Path, fields: dict) -> None:
    folder = root / "arguments" / "biometrie"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "prop.yaml").write_text(yaml.safe_dump(fields, allow_unicode=True), encoding="utf-8")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=texts, short=texts, considerant=texts, paragraph=texts)
def test_any_argument_text_gives_a_document_or_a_clear_error(title, short, considerant, paragraph):
    tmp = Path(tempfile.mkdtemp())
    try:
        root = tmp / "lib"
        shutil.copytree(ROOTS / "small", root)
        _argument_file(root, {
            # mostly valid shapes around arbitrary content, so that most examples
            # reach the writers; the rest exercise the library's refusals
            "id": "prop", "title": "T " + title, "themes": ["biometrie"], "checked": "2026-11-22",
            "short": "Un texte " + short[:200], "considerant": "Considérant que " + considerant,
            "paragraph": ("mot " * 60) + paragraph[:250] + " [@cnil-2019-rf, p. 3]",
        })
        try:
            lib = load_library(root, with_cwd=False)
            res = Resources(lib)
            doc = compose_for(res, "Villejuif", arguments=("prop",)).motion
        except MotionsError as exc:
            assert str(exc)
            event(f"clear error: {type(exc).__name__}")
            return
        event("document")
        for fmt in ("docx", "odt", "html", "txt"):
            assert get(fmt).write(doc, res, WriterOptions())
        out = tmp / "x.docx"
        out.write_bytes(get("docx").write(doc, res, WriterOptions()))
        assert docx.Document(str(out)).paragraphs  # a valid package, whatever the text
        considerants = doc.paragraphs("considerant")
        assert all(p.text.startswith("Considérant") for p in considerants)
        assert len(considerants) >= 2  # a value can never split into extra clauses... nor vanish
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(considerant=texts)
def test_any_argument_text_renders_to_pdf(considerant):
    assume(considerant.strip())
    tmp = Path(tempfile.mkdtemp())
    try:
        root = tmp / "lib"
        shutil.copytree(ROOTS / "small", root)
        _argument_file(root, {
            "id": "prop", "title": "Titre", "themes": ["biometrie"], "checked": "2026-11-22",
            "short": "Un texte court suffisant.", "considerant": "Considérant que " + considerant + " [@cnil-2019-rf, p. 1] ;",
            "paragraph": ("mot " * 70) + "[@cnil-2019-rf, p. 3]",
        })
        try:
            lib = load_library(root, with_cwd=False)
            res = Resources(lib)
            doc = compose_for(res, "Amiens", arguments=("prop",)).motion
        except MotionsError:
            return
        data = get("pdf").write(doc, res, WriterOptions())
        assert data.startswith(b"%PDF")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
