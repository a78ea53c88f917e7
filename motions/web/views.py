"""The pages of the main journey: commune, motion, draft, facts, downloads.

Every page is a GET whose address holds the whole draft (``state.Draft``),
so each works without JavaScript, can be bookmarked and shared, and a hosted
instance keeps nothing between requests. Changing the draft (swapping a
considérant, checking facts) is a GET that answers with a redirect to the new
address. The one POST (opening a saved draft) carries a CSRF token.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for

from .. import api
from ..library_tools import find_arguments
from . import catalogue, facts_form, kit, rendering
from .app import context
from .communes import describe
from .drafting import ACTIONS, applicable, apply_action, compose_view
from .state import BadDraft, Draft, from_args, from_json, to_json

bp = Blueprint("main", __name__)


def link(endpoint: str, draft: Draft, **extra) -> str:
    """The address of a page for this draft."""
    query = draft.query(**extra)
    return url_for(endpoint) + ("?" + query if query else "")


@bp.app_context_processor
def _helpers():
    return {"link": link, "describe": describe, "formats": catalogue.FORMATS, "flyers": catalogue.FLYERS,
            "kind_fr": catalogue.KIND_FR, "description_fr": catalogue.description_fr}


def _draft() -> Draft:
    try:
        return from_args(request.args)
    except BadDraft as exc:
        abort(Response(render_template("erreur.html", title="Adresse incomplète", message=str(exc), detail=None),
                       400))


def _today():
    return g.resources.now.date()


def _facts(draft: Draft):
    """The draft's facts, checked; None when they have errors (the caller sends to the form)."""
    return facts_form.check(draft.facts, _today())


# --------------------------------------------------------------------------- step 1: the commune


@bp.get("/")
def home():
    return render_template("accueil.html", query="")


@bp.get("/commune")
def commune():
    query = request.args.get("q", "")
    choice = context().finder.choose(query)
    if choice.commune is not None and not choice.notices:
        return redirect(url_for("main.motions", commune=choice.commune.insee), 303)
    return render_template("communes.html", choice=choice, query=query), 200 if choice.candidates else 404


@bp.get("/suggestions")
def suggestions():
    query = request.args.get("q", "")
    return render_template("_suggestions.html", found=context().finder.suggest(query), query=query)


# --------------------------------------------------------------------------- step 2: the motion


@bp.get("/textes")
def motions():
    from .state import commune_code

    try:
        code = commune_code(request.args.get("commune"))
    except BadDraft as exc:
        return render_template("erreur.html", title="Adresse incomplète", message=str(exc), detail=None), 400
    draft = Draft(code)
    lib = g.resources.library
    regime = _regime(draft)
    return render_template("textes.html", draft=draft, commune=draft.place, regime=regime,
                           motions=list(lib.motions.values()))


def _regime(draft: Draft):
    return g.resources.regime_for(draft.place)


# --------------------------------------------------------------------------- step 3: the draft


@bp.get("/projet")
def draft_page():
    draft = _draft()
    action = request.args.get("action")
    if action:
        return _act(draft, action)
    checked = _facts(draft)
    if checked.facts is None:
        return redirect(link("main.facts", draft, verifier="1"), 303)
    view = compose_view(draft, checked.facts, g.resources)
    return render_template("projet.html", draft=draft, view=view, checked=checked,
                           facts_given=checked.facts.used())


def _act(draft: Draft, action: str):
    if action not in ACTIONS:
        abort(400)
    current = draft.arguments
    if not current:  # the first change makes the template's selection explicit
        checked = _facts(draft)
        if checked.facts is None:
            return redirect(link("main.facts", draft, verifier="1"), 303)
        current = compose_view(draft, checked.facts, g.resources).chosen_ids
    target = request.args.get("cible", "")
    other = request.args.get("par") or None
    lib = g.resources.library
    if target not in lib.arguments or (other is not None and other not in lib.arguments):
        return _bad("Cet argument n’est pas dans la bibliothèque.")
    try:
        arguments = apply_action(current, action, target, other)
    except BadDraft as exc:
        return _bad(str(exc))
    anchor = "#considerants"
    return redirect(link("main.draft_page", draft.replace(arguments=arguments)) + anchor, 303)


def _bad(message: str):
    return render_template("erreur.html", title="Modification impossible", message=message, detail=None), 400


@bp.get("/projet/ajouter")
def add_argument():
    draft = _draft()
    checked = _facts(draft)
    if checked.facts is None:
        return redirect(link("main.facts", draft, verifier="1"), 303)
    lib = g.resources.library
    theme = request.args.get("theme") or None
    if theme not in lib.themes:
        theme = None
    text = (request.args.get("recherche") or "").strip()[:200]
    view = compose_view(draft, checked.facts, g.resources)
    allowed = {e.argument.id for e in applicable(lib, draft.place, checked.facts)}
    found = [e for e in find_arguments(lib, theme=theme, search=text or None)
             if e.argument.id in allowed and e.argument.id not in view.chosen_ids]
    return render_template("ajouter.html", draft=draft, view=view, found=found, themes=lib.themes, theme=theme,
                           text=text, current=view.chosen_ids)


# --------------------------------------------------------------------------- the facts


@bp.get("/faits")
def facts():
    draft = _draft()
    fieldsets = facts_form.build_form(draft.facts)
    checked = None
    if request.args.get("verifier"):
        checked = _facts(draft)
        facts_form.attach(fieldsets, checked)
        if checked.facts is not None and not request.args.get("rester"):
            return redirect(link("main.draft_page", draft) + "#faits-ok", 303)
    return render_template("faits.html", draft=draft, fieldsets=fieldsets, checked=checked,
                           commune=draft.place)


# --------------------------------------------------------------------------- step 4: downloads


def _attachment(name: str, data: bytes, media_type: str) -> Response:
    response = Response(data, mimetype=media_type)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def _checked_or_form(draft: Draft):
    checked = _facts(draft)
    if checked.facts is None:
        abort(redirect(link("main.facts", draft, verifier="1"), 303))
    return checked.facts


@bp.get("/telecharger/<which>.<fmt>")
def download(which: str, fmt: str):
    if which not in rendering.DOCUMENTS or fmt not in rendering.DOCUMENT_FORMATS:
        abort(404)
    draft = _draft()
    facts = _checked_or_form(draft)
    out = rendering.document(draft, facts, g.resources, context().cache, which, fmt, context().pdf_engine)
    return _attachment(out.name, out.data, out.media_type)


@bp.get("/tract/<layout>.pdf")
def flyer(layout: str):
    if layout not in rendering.FLYER_LAYOUTS:
        abort(404)
    draft = _draft()
    facts = _checked_or_form(draft)
    logo = context().library_logo()
    out = rendering.flyer(draft, facts, g.resources, context().cache, layout, logo, context().pdf_engine)
    return _attachment(out.name, out.data, out.media_type)


@bp.get("/kit.zip")
def kit_download():
    draft = _draft()
    facts = _checked_or_form(draft)
    data = kit.kit_zip(draft, facts, g.resources)
    return _attachment(f"{api.output_stem(draft.place, draft.motion)}-kit.zip", data, "application/zip")


@bp.get("/projet.json")
def save_draft():
    draft = _draft()
    name = f"projet-{api.output_stem(draft.place, draft.motion)}.json"
    return _attachment(name, to_json(draft).encode("utf-8"), "application/json")


@bp.route("/projet/ouvrir", methods=["GET", "POST"])
def open_draft():
    if request.method == "GET":
        return render_template("ouvrir.html", error=None)
    upload = request.files.get("fichier")
    if upload is None or not upload.filename:
        return render_template("ouvrir.html", error="Choisissez le fichier du projet (.json)."), 400
    try:
        draft = from_json(upload.read(64 * 1024 + 1))
    except BadDraft as exc:
        return render_template("ouvrir.html", error=str(exc)), 400
    return redirect(link("main.draft_page", draft), 303)
