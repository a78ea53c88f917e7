"""French words the web pages need that the library does not give in French.

The motion templates describe themselves in English (their ``description``
header is what ``motions list`` prints) and in French (``description_fr``, what
the web application shows). A motion of a user's library without one shows its
(French) title only. The library's errors are English sentences for the CLI:
:func:`error_sentence` gives the French sentence a visitor reads.
"""

from __future__ import annotations

from .. import errors


KIND_FR = {"voeu": "vœu", "deliberation": "délibération", "mixte": "délibération et vœu"}

#: Who an article addresses when it is not a body of the regime (compose/motion.py's standing addressees).
STANDING_FR = {"mayor": "le maire", "state": "l’État", "parliament": "le Parlement", "council": "le conseil",
               "prefet": "le préfet"}

FORMATS = {
    "docx": ("Word (DOCX)", "à modifier dans Word ou LibreOffice"),
    "odt": ("OpenDocument (ODT)", "à modifier dans LibreOffice"),
    "pdf": ("PDF", "à imprimer ou à envoyer"),
}

FLYERS = {
    "a5": ("Tract A5 recto verso", "à imprimer chez soi ou en photocopie"),
    "a6x4": ("Quatre tracts A6 par feuille A4", "à imprimer recto verso puis à couper"),
    "a4": ("Affiche A4", "une page"),
    "a5-imprimeur": ("Tract A5 pour un imprimeur", "fonds perdus de 3 mm, traits de coupe, couleurs CMJN"),
}


def description_fr(motion) -> str:
    """The French description of a motion template (``lib.motions[id]``)."""
    return motion.meta.description_fr or ""


_SENTENCES = [
    (errors.UnsupportedCommune, "Ce texte ne peut pas être rédigé tel quel pour cette commune : le droit qui s’y "
                                "applique est différent, ou le texte suppose un fait local que vous n’avez pas "
                                "renseigné."),
    (errors.UnknownItem, "Cet élément n’existe pas dans la bibliothèque (texte, argument ou thème) : il a peut-être "
                         "été renommé. Revenez au projet et choisissez-en un autre."),
    (errors.TemplateError, "Le modèle de ce texte comporte une erreur : il faut le corriger dans la bibliothèque."),
    (errors.FitError, "Le texte du tract ne tient pas dans ce format : retirez un argument, raccourcissez le titre "
                      "ou choisissez un format plus grand."),
    (errors.FactsError, "Les faits saisis comportent des erreurs : corrigez-les dans le formulaire des faits."),
    (errors.LibraryError, "La bibliothèque d’arguments comporte des erreurs."),
    (errors.SystemDependencyError, "Le serveur ne peut pas produire ce fichier : un logiciel du système manque. "
                                   "La personne qui gère le serveur trouvera le détail dans son journal."),
    (errors.UsageError, "Cette demande n’est pas valable."),
]


def error_sentence(exc: errors.MotionsError) -> str:
    for cls, sentence in _SENTENCES:
        if isinstance(exc, cls):
            return sentence
    return "Cette demande n’a pas abouti."
