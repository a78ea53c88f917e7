"""The model compose builds: sections in one order, roles, articles with their
lever and addressee, the dossier beside the motion, and goldens of the model
itself (JSON), not of bytes.

Regenerate the goldens after an intended change with
``MOTIONS_UPDATE_GOLDENS=1 .venv/bin/python -m pytest tests/test_model.py`` and
explain the change in the commit.
"""

from __future__ import annotations

import json
import os

import pytest

from motions.document import Article, Note, Paragraph, Section

from helpers import GOLDEN, compose_for, model_json

PANEL = ["Villejuif", "Strasbourg", "Marseille 1er", "Le Mans", "Les Lilas", "Paris"]


def test_a_motion_is_sections_in_one_order(shipped_resources):
    doc = compose_for(shipped_resources, "Villejuif").motion
    assert [s.role for s in doc.sections] == ["header", "expose", "text", "signature"]
    roles = [b.role if isinstance(b, Paragraph) else type(b).__name__ for b in doc.section("text").blocks]
    assert roles[0] == "preamble"
    first_visa, first_cons = roles.index("visa"), roles.index("considerant")
    first_article = roles.index("Article")
    assert first_visa < first_cons < roles.index("dispositif-intro") < first_article
    assert roles[first_cons:roles.index("dispositif-intro")] == ["considerant"] * (roles.index("dispositif-intro") - first_cons)


def test_articles_carry_their_lever_and_addressee(shipped_resources):
    comp = compose_for(shipped_resources, "Villejuif")
    articles = comp.motion.articles()
    assert [a.label for a in articles][:2] == ["Article 1er", "Article 2"]
    assert all(isinstance(a, Article) and a.lever in ("decide", "ask") for a in articles)
    assert any(a.lever == "decide" and a.addressee is None for a in articles)


def test_an_arrondissement_council_adopts_a_voeu_only(shipped_resources):
    comp = compose_for(shipped_resources, "Marseille 1er")
    assert all(a.lever == "ask" for a in comp.motion.articles())
    assert comp.motion.sections[0].blocks[0].text == "Proposition de vœu"
    assert any(d.argument_id == "(dispositif)" for d in comp.decisions)


def test_every_citation_is_a_note_and_no_key_reaches_the_model(shipped_resources):
    doc = compose_for(shipped_resources, "Villejuif").motion
    notes = doc.notes_in_order()
    assert notes and [n.number for n in notes] == list(range(1, len(notes) + 1))
    dumped = json.dumps(model_json(doc), ensure_ascii=False)
    assert "[@" not in dumped and "Cite" not in dumped


def test_the_dossier_is_a_second_document_of_the_same_model(shipped_resources):
    comp = compose_for(shipped_resources, "Villejuif", date=__import__("datetime").date(2027, 3, 14))
    dossier = comp.dossier
    assert dossier.kind == "dossier"
    headings = [s.heading for s in dossier.sections if s.heading]
    for wanted in ("Comment et quand déposer le texte", "Points à vérifier avant le dépôt", "État du droit",
                   "Réponses aux objections", "Pourquoi ces considérants", "Sources"):
        assert wanted in headings, headings
    from motions.writers.text import render_text

    text = render_text(dossier)
    assert "8 mars 2027" in text  # 5 jours francs before 14 March 2027
    motion_text = render_text(comp.motion)
    assert "à vérifier" not in motion_text and "vérifiez" not in motion_text


def test_composing_twice_gives_the_same_model(shipped_resources):
    one = model_json(compose_for(shipped_resources, "Le Mans").motion)
    two = model_json(compose_for(shipped_resources, "Le Mans").motion)
    assert one == two


@pytest.mark.parametrize("query", PANEL)
def test_model_goldens(shipped_resources, query):
    comp = compose_for(shipped_resources, query)
    for name, doc in (("motion", comp.motion), ("dossier", comp.dossier)):
        data = model_json(doc)
        path = GOLDEN / "model" / f"{query.lower().replace(' ', '-')}-biometrie-{name}.json"
        if os.environ.get("MOTIONS_UPDATE_GOLDENS") or not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        expected = json.loads(path.read_text(encoding="utf-8"))
        assert data == expected, f"{path.name} changed; if intended, regenerate with MOTIONS_UPDATE_GOLDENS=1"


def test_sections_may_nest_and_walk_visits_every_block(shipped_resources):
    dossier = compose_for(shipped_resources, "Villejuif").dossier
    walked = list(dossier.walk())
    assert walked and all(isinstance(section, Section) for section, _ in walked)
    assert any(isinstance(n, Note) for p in dossier.paragraphs() for n in p.inlines)
