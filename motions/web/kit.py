"""The campaign kit as one zip, for the draft page's « Télécharger tout le
kit (zip) » and ``/kit.zip``: the same documents ``motions kit`` writes
(:mod:`motions.kit`), for the draft's commune, motion and local facts."""

from __future__ import annotations


def kit_zip(draft, facts, resources) -> bytes:
    """The zip of the kit for this draft (PDF and DOCX of each document, the
    index and the calendar)."""
    from ..kit import KitOptions, KitRequest, kit_zip as build

    request = KitRequest(draft.place, facts, KitOptions(motion=draft.motion), formats=("docx", "pdf"))
    return build(request, resources)
