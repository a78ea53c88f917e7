"""The names of the Word styles the DOCX writer uses, defined in reference.docx.

One table, read by the writer and by scripts/build_reference_docx.py, so that a
style cannot be used without being defined.
"""

STYLES = {
    "running": "Motion – en-tête",
    "kind": "Motion – nature",
    "title": "Motion – titre",
    "subtitle": "Motion – sous-titre",
    "notice": "Motion – avertissement",
    "heading": "Motion – intertitre",
    "expose": "Motion – exposé des motifs",
    "visa": "Motion – visa",
    "considerant": "Motion – considérant",
    "intro": "Motion – dispositif",
    "article_label": "Motion – article (intitulé)",
    "article": "Motion – article (texte)",
    "signature": "Motion – signature",
    "note": "Motion – note",
    "source": "Motion – source",
    "noteref": "Motion – appel de note",
}
