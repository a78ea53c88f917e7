"""Where a role becomes a Word style, an ODF style, an HTML element and a text form.

The model names what a paragraph *is* ("visa", "considerant", "article-body");
this one table says how each writer shows it. Writers never choose a style
themselves, and the DOCX and ODT reference documents define exactly the styles
named here (``scripts/build_reference_docx.py`` and
``scripts/build_reference_odt.py`` build them from this table; the library
loader checks a user's reference document holds them all). Users restyle in
Word, LibreOffice or CSS; nobody edits code to change a look.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    style: str  # Word and ODF paragraph style name (the same in both)
    tag: str  # HTML element
    css: str  # HTML class
    label: str  # what the style is for, in French (shown in the reference documents)
    hyphenate: bool = True  # French hyphenation on (titles and headings: off)
    keep_with_next: bool = False
    outline: int = 0  # heading level for navigation panes and PDF bookmarks (0: body text)


#: Paragraph roles. The order is the order styles appear in the reference documents.
ROLES: dict[str, Role] = {
    "kind": Role("Motion – nature", "p", "kind", "Nature du texte (« Proposition de vœu »)", False, True),
    "title": Role("Motion – titre", "h1", "title", "Titre du document", False, True, 1),
    "subtitle": Role("Motion – sous-titre", "p", "subtitle", "Sous-titre (conseil, séance, groupe)", False, True),
    "heading-1": Role("Motion – intertitre", "h2", "heading", "Intertitre (« Exposé des motifs »)", False, True, 2),
    "heading-2": Role("Motion – sous-intertitre", "h3", "subheading", "Sous-intertitre", False, True, 3),
    "notice": Role("Motion – avertissement", "p", "notice", "Avertissement encadré"),
    "body": Role("Motion – texte", "p", "body", "Texte courant (exposé des motifs, dossier, lettres)"),
    "preamble": Role("Motion – dispositif", "p", "preamble", "« Le conseil municipal, » avant les visas", True, True),
    "visa": Role("Motion – visa", "p", "visa", "Visa (« Vu … »)"),
    "considerant": Role("Motion – considérant", "p", "considerant", "Considérant"),
    "dispositif-intro": Role("Motion – dispositif", "p", "dispositif-intro",
                             "Formule du dispositif (« Après en avoir délibéré, décide : »)", True, True),
    "article-label": Role("Motion – article (intitulé)", "h3", "article-label", "Intitulé d’article (« Article 1er »)",
                          False, True, 3),
    "article-body": Role("Motion – article (texte)", "p", "article-body", "Texte d’un article"),
    "signature": Role("Motion – signature", "p", "signature", "Lieu, date et signataires"),
    "aside": Role("Motion – encadré", "p", "aside", "Remarque du dossier (à vérifier, procédure)"),
    "question": Role("Motion – objection", "p", "question", "Objection (fiche de débat)", True, True),
    "answer": Role("Motion – réponse", "p", "answer", "Réponse à une objection"),
    "list-item": Role("Motion – liste", "p", "list-item", "Élément de liste"),
    "table-cell": Role("Motion – tableau", "p", "table-cell", "Cellule de tableau"),
    "source-entry": Role("Motion – source", "p", "source-entry", "Référence de la liste des sources"),
    "note": Role("Motion – note", "p", "note", "Texte d’une note de bas de page"),
    "letter-sender": Role("Motion – lettre (expéditeur)", "p", "letter-sender", "Expéditeur d’une lettre", False),
    "letter-recipient": Role("Motion – lettre (destinataire)", "p", "letter-recipient",
                             "Destinataire d’une lettre", False),
    "letter-place-date": Role("Motion – lettre (lieu et date)", "p", "letter-place-date", "Lieu et date", False),
    "letter-subject": Role("Motion – lettre (objet)", "p", "letter-subject", "Objet et références", False, True),
    "small": Role("Motion – mention", "p", "small", "Mention en petits caractères"),
    "flyer-kicker": Role("Tract – surtitre", "p", "kicker", "Tract : conseil et séance", False),
    "flyer-headline": Role("Tract – titre", "h1", "headline", "Tract : titre", False, True, 1),
    "flyer-point": Role("Tract – argument", "p", "point", "Tract : argument"),
    "flyer-action": Role("Tract – action", "p", "action", "Tract : ce que le conseil peut faire"),
    "flyer-session": Role("Tract – séance", "p", "session", "Tract : date et lieu de la séance", False),
    "flyer-group": Role("Tract – groupe", "p", "group", "Tract : le groupe", False),
    "flyer-contact": Role("Tract – contact", "p", "contact-line", "Tract : contact", False),
    "flyer-url": Role("Tract – adresse", "p", "url", "Tract : adresse web", False),
}

#: Character styles.
RUNNING_STYLE = "Motion – en-tête"  # header and footer paragraphs (a paragraph style)
NOTE_CALL_STYLE = "Motion – appel de note"
LINK_STYLE = "Motion – lien"
CHARACTER_STYLES = {NOTE_CALL_STYLE: "Appel de note", LINK_STYLE: "Lien hypertexte"}

#: Section headings are paragraphs of these roles, by depth (1: top-level sections).
HEADING_ROLES = {1: "heading-1", 2: "heading-2", 3: "heading-2"}


def role(name: str) -> Role:
    """The role named ``name``; an unknown role is a bug in compose or a template."""
    try:
        return ROLES[name]
    except KeyError:
        raise KeyError(f"unknown role {name!r}; roles are defined in motions/writers/roles.py") from None


def all_styles() -> list[str]:
    """Every style name a reference document must define (paragraph styles first)."""
    names = list(dict.fromkeys(r.style for r in ROLES.values()))
    return names + [RUNNING_STYLE] + list(CHARACTER_STYLES)


def paragraph_styles() -> list[str]:
    return list(dict.fromkeys(r.style for r in ROLES.values())) + [RUNNING_STYLE]
