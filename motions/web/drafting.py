"""What the draft page shows: the text, why each considérant is there, and
what may replace it.

The page composes the motion once through ``motions.api.compose`` (no dossier:
the page shows the voted text; the dossier is a download) and reads the
selection's decisions (each with its French reason, ``Decision.fr``). A
visitor who swaps, removes, adds or moves a considérant makes the selection
explicit (``Options(arguments=...)``): :func:`apply_action` turns the current
arguments and the action into the new list, which goes into the address.

The arguments offered are those that may lawfully stand in this commune's
text: their condition holds with the facts given, they are not another
place's local story, and their considérant rests on an authoritative source
(the rules ``compose.select`` applies to its own choices).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import api, inline
from ..compose import Options
from ..compose.select import authoritative, condition_holds, is_here
from ..facts import Facts
from ..writers.html import body_html
from .catalogue import STANDING_FR
from .state import MAX_ARGUMENTS, BadDraft, Draft


@dataclass
class Considerant:
    id: str
    title: str
    text: str
    reason: str
    local: bool
    themes: list[str]
    alternatives: list[tuple[str, str]] = field(default_factory=list)  # (id, title)


@dataclass
class Addressee:
    name: str
    decides: str = ""
    likely: bool = False


@dataclass
class DraftView:
    draft: Draft
    commune: object
    motion: object
    composition: object
    body: str
    considerants: list[Considerant]
    refused: list[tuple[str, str]]  # (title, French reason): chosen by the group, refused here
    addressed: list[Addressee]
    other_bodies: list[Addressee]

    @property
    def regime(self):
        return self.composition.regime

    @property
    def chosen_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.considerants)


def applicable(lib, commune, facts: Facts) -> list:
    """The library's arguments that may stand in this commune's text."""
    out = []
    for entry in lib.arguments.values():
        arg = entry.argument
        if arg.kind not in ("argument", "rebuttal"):
            continue
        if arg.place is not None and not is_here(entry, commune):
            continue
        if not condition_holds(arg.applies_when, commune, facts)[0] or not authoritative(lib, entry):
            continue
        out.append(entry)
    return out


def compose_view(draft: Draft, facts: Facts, resources) -> DraftView:
    lib = resources.library
    commune = draft.place
    request = api.Request(commune, draft.motion, facts, Options(arguments=draft.arguments), (), dossier=False)
    comp = api.compose(request, resources)
    decisions = {d.argument_id: d for d in comp.decisions}
    chosen = [e for e in comp.selection.chosen]
    chosen_ids = {e.argument.id for e in chosen}
    pool = [e for e in applicable(lib, commune, facts) if e.argument.id not in chosen_ids]
    considerants = []
    for entry in chosen:
        arg = entry.argument
        d = decisions.get(arg.id)
        considerants.append(Considerant(
            arg.id, arg.title, inline.plain(entry.forms.get("considerant", ())),
            d.fr if d is not None else "", bool(d and d.local), list(arg.themes),
            _alternatives(arg, pool),
        ))
    refused = [(lib.arguments[d.argument_id].argument.title if d.argument_id in lib.arguments else d.argument_id,
                d.fr) for d in comp.decisions if not d.included and d.argument_id in draft.arguments]
    addressed, others = _bodies(comp)
    return DraftView(draft, commune, lib.motion(draft.motion), comp, nested_body(comp.motion),
                     considerants, refused, addressed, others)


def nested_body(document) -> str:
    """The HTML writer's body with its headings moved two levels down: on the
    page, the text sits under the page's h1 and the h2 « Le texte »."""
    return re.sub(r"<(/?)h([1-4])\b", lambda m: f"<{m[1]}h{int(m[2]) + 2}", body_html(document, "end"))


def _alternatives(arg, pool) -> list[tuple[str, str]]:
    """Arguments that could take this one's place: same point first, then same theme."""
    same_point = [e for e in pool if arg.point and e.argument.point == arg.point]
    same_theme = [e for e in pool if e not in same_point and set(e.argument.themes) & set(arg.themes)]
    return [(e.argument.id, e.argument.title) for e in same_point + sorted(same_theme, key=lambda e: e.argument.title)]


def _bodies(comp) -> tuple[list[Addressee], list[Addressee]]:
    """The bodies the text's articles address, and the others a vœu may address here.

    An article names its addressee in the template (``{: to=epci}``); for
    templates that do not yet, a body counts as addressed when an article that
    asks (``lever == "ask"``) names it in its text."""
    from ..document import plain_text

    regime = comp.regime
    articles = comp.motion.articles()
    keys = list(dict.fromkeys(a.addressee for a in articles if a.addressee))
    asking = " ".join(_fold(plain_text(p.inlines)) for a in articles if a.lever == "ask" for p in a.blocks)
    for key, body in regime.bodies.items():
        if key not in keys and _bare(body.name) and _bare(body.name) in asking:
            keys.append(key)
    if "state" not in keys and "l'etat" in asking:
        keys.append("state")
    addressed = []
    for key in keys:
        body = regime.bodies.get(key)
        if body is not None:
            addressed.append(Addressee(body.name, body.decides, body.confidence == "likely"))
        else:
            addressed.append(Addressee(STANDING_FR.get(key, key)))
    others = [Addressee(b.name, b.decides, b.confidence == "likely") for k, b in regime.bodies.items()
              if k not in keys]
    return addressed, others


def _fold(text: str) -> str:
    from ..library_tools import fold

    return fold(text)


def _bare(name: str) -> str:
    """« la Métropole du Grand Paris » -> "metropole du grand paris" (folded, without its article)."""
    folded = _fold(name)
    return re.sub(r"^(?:la |le |les |l')", "", folded)


# --------------------------------------------------------------------------- changing the selection

ACTIONS = ("retirer", "remplacer", "ajouter", "monter", "descendre")


def apply_action(current: tuple[str, ...], action: str, target: str, other: str | None = None) -> tuple[str, ...]:
    """The arguments after one action of the visitor on ``target``."""
    ids = list(current)
    if action == "ajouter":
        if target in ids:
            return tuple(ids)
        if len(ids) >= MAX_ARGUMENTS:
            raise BadDraft(f"Un texte compte au plus {MAX_ARGUMENTS} considérants tirés de la bibliothèque.")
        return tuple(ids + [target])
    if target not in ids:
        raise BadDraft("Ce considérant n’est plus dans le texte : la page a peut-être changé entre-temps.")
    i = ids.index(target)
    if action == "retirer":
        if len(ids) == 1:
            raise BadDraft("Le texte doit garder au moins un considérant tiré de la bibliothèque.")
        del ids[i]
    elif action == "remplacer":
        if not other:
            raise BadDraft("Choisissez l’argument qui remplace ce considérant.")
        if other in ids:
            del ids[ids.index(other)]
            i = ids.index(target)
        ids[i] = other
    elif action == "monter" and i > 0:
        ids[i - 1], ids[i] = ids[i], ids[i - 1]
    elif action == "descendre" and i < len(ids) - 1:
        ids[i + 1], ids[i] = ids[i], ids[i + 1]
    return tuple(ids)
