"""Pandoc's citation syntax, parsed once; resolved to notes in one place."""

from __future__ import annotations

import pytest

from motions import inline
from motions.citations import CitationSyntaxError, parse_locator
from motions.compose.notes import resolve
from motions.document import Cite, Document, Emph, Metadata, Note, Paragraph, Section, Text, plain_text


def one_cite(text: str) -> Cite:
    [cite] = inline.cites(inline.parse(text, "f.yaml:3"))
    return cite


@pytest.mark.parametrize("text, key, prefix, locator, label, suffix, mode", [
    ("[@cnil-2019]", "cnil-2019", "", "", "", "", "normal"),
    ("[@cnil-2019, p. 3]", "cnil-2019", "", "p. 3", "page", "", "normal"),
    ("[@cnil-2019, 33-35]", "cnil-2019", "", "p. 33-35", "page", "", "normal"),
    ("[see @cnil-2019, chap. 2 and passim]", "cnil-2019", "see", "chap. 2", "chapter", "and passim", "normal"),
    ("[voir @rgpd, art. 4 et 9]", "rgpd", "voir", "art. 4 et 9", "article", "", "normal"),
    ("[@ai-act, art. 5, § 1, point h]", "ai-act", "", "art. 5, § 1, point h", "article", "", "normal"),
    ("[@cgct, art. L2121-29]", "cgct", "", "art. L2121-29", "article", "", "normal"),
    ("[-@cnil-2019, p. 4]", "cnil-2019", "", "p. 4", "page", "", "suppress-author"),
    ("@cnil-2019 [p. 4] écrit", "cnil-2019", "", "p. 4", "page", "", "author-in-text"),
    ("comme l'écrit @cnil-2019.", "cnil-2019", "", "", "", "", "author-in-text"),
    ("[@{odd.key.}]", "odd.key.", "", "", "", "", "normal"),
    ("[@ce-2025, n° 472245]", "ce-2025", "", "n° 472245", "number", "", "normal"),
])
def test_pandoc_citation_items(text, key, prefix, locator, label, suffix, mode):
    [item] = one_cite(text).items
    assert (item.key, item.prefix, item.locator, item.label, item.suffix, item.mode) == \
        (key, prefix, locator, label, suffix, mode)


def test_a_cluster_is_one_citation_with_its_items_in_order():
    cite = one_cite("[@a, p. 2; voir @b; -@c, § 4]")
    assert [(i.key, i.locator, i.mode) for i in cite.items] == [
        ("a", "p. 2", "normal"), ("b", "", "normal"), ("c", "§ 4", "suppress-author")]
    assert cite.where == "f.yaml:3"


def test_emphasis_holds_citations_and_escapes_are_text():
    nodes = inline.parse(r"*voir [@a]* et \@b, contact@example.org, [écrire à x@y.fr]")
    assert isinstance(nodes[0], Emph) and isinstance(nodes[0].children[1], Cite)
    assert inline.plain(nodes) == "voir et @b, contact@example.org, [écrire à x@y.fr]"


@pytest.mark.parametrize("text, says", [
    ("[@]", "needs a key"),
    ("[@x p. 3]", "put a comma after the key"),
    ("[voir @]", "needs a key"),
    ("[@x; voir]", "separate items"),
    ("texte [see @x, p. 3", "looks like a citation"),
])
def test_what_looks_like_a_citation_and_does_not_parse_is_an_error_with_its_place(text, says):
    with pytest.raises(CitationSyntaxError, match=says) as err:
        inline.parse(text, "arguments/x.yaml:12")
    assert "arguments/x.yaml:12" in str(err.value)


def test_locators_keep_compound_legal_forms_and_split_the_suffix():
    assert parse_locator("art. 5, § 1, point h") == ("art. 5, § 1, point h", "article", "")
    assert parse_locator("p. 70 et suiv.") == ("p. 70", "page", "et suiv.")
    assert parse_locator("passim") == ("", "", "passim")
    assert parse_locator("§§ 12-14") == ("§ 12-14", "paragraph", "")


SOURCES = {
    "cnil": {"id": "cnil", "type": "report", "title": "Reconnaissance faciale : pour un débat à la hauteur des enjeux",
             "author": [{"literal": "Commission nationale de l'informatique et des libertés"}],
             "issued": {"date-parts": [[2019, 11, 15]]}},
    "cgct": {"id": "cgct", "type": "legislation", "title": "Code général des collectivités territoriales",
             "section": "art. L2121-29"},
    "muc": {"id": "muc", "type": "book", "title": "Vous êtes filmés !", "author": [{"family": "Mucchielli", "given": "Laurent"}],
            "publisher": "Armand Colin", "issued": {"date-parts": [[2018]]}},
}


def _doc(*texts: str) -> Document:
    paras = tuple(Paragraph(inline.parse(t, "t"), "considerant") for t in texts)
    return Document("motion", "t", "h", "f", (Section("text", None, paras),), Metadata("t", "", "", (), "fr", ""))


def _notes(doc) -> list[str]:
    return [plain_text(n.content) for n in doc.notes_in_order()]


def test_first_citation_in_full_later_ones_short_and_complete_on_their_own():
    doc, cited = resolve(_doc("A [@cnil, p. 3].", "B [@cnil, p. 5].", "C [@muc, p. 12]."), SOURCES)
    full, short, book = _notes(doc)
    assert "Reconnaissance faciale" in full and "p.\u00a03" in full
    assert "Reconnaissance faciale" in short and "p.\u00a05" in short and "préc." not in short
    assert len(short) < len(full)
    assert cited == ["cnil", "muc"]
    assert [n.number for n in doc.notes_in_order()] == [1, 2, 3]


def test_a_cluster_is_one_note_and_a_repeated_article_locator_is_dropped():
    doc, _ = resolve(_doc("Vu le code [@cgct, art. L2121-29; @cnil]."), SOURCES)
    [note] = doc.notes_in_order()
    text = plain_text(note.content)
    assert text.count("L2121-29") == 1 and "Commission nationale" in text and "\u202f;" in text


def test_author_in_text_prints_the_author_and_suppress_author_leaves_it_out():
    doc, _ = resolve(_doc("Comme l'écrit @muc [p. 12], rien.", "Dit [-@muc, p. 14]."), SOURCES)
    [para1, para2] = doc.paragraphs("considerant")
    assert para1.text.startswith("Comme l'écrit Laurent Mucchielli")
    notes = _notes(doc)
    assert "Mucchielli" not in notes[1]


def test_an_unknown_key_names_where_it_was_cited():
    from motions.errors import UnknownItem

    with pytest.raises(UnknownItem, match=r"t: the citation @nope"):
        resolve(_doc("X [@nope]."), SOURCES)


def test_the_note_call_sticks_to_the_word_before_it():
    doc, _ = resolve(_doc("un vœu local [@cnil]."), SOURCES)
    [para] = doc.paragraphs("considerant")
    assert isinstance(para.inlines[0], Text) and para.inlines[0].text == "un vœu local"
    assert isinstance(para.inlines[1], Note)
