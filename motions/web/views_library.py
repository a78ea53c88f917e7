"""The library section: every argument in its three forms with its sources;
on a local instance, editing an argument, writing a new one, importing sources.

Reading is open to all. Writing is refused in hosted mode (``--read-only``),
whatever the request says; the forms that write carry a CSRF token.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from .. import inline
from ..bibliography import format_full
from ..document import Cite, Emph, Strong, Text, plain_text
from ..errors import MotionsError
from ..typography import french
from ..library_tools import cited, find_arguments, fold
from . import library_edit
from .app import context

bp = Blueprint("library", __name__, url_prefix="/bibliotheque")

FORMS = (("short", "Forme courte (tract)"), ("considerant", "Considérant (texte voté)"),
         ("paragraph", "Paragraphe (exposé des motifs)"))


def _writable():
    ctx = context()
    if not ctx.can_edit:
        abort(403)
    return ctx


@bp.app_errorhandler(403)
def _forbidden(exc):
    return render_template("erreur.html", title="Bibliothèque en lecture seule",
                           message="Sur ce serveur partagé, la bibliothèque ne peut pas être modifiée. Pour écrire vos "
                                   "propres arguments, installez motions sur votre ordinateur.", detail=None), 403


def form_html(entry, form: str, numbers: dict) -> Markup:
    """One form of an argument as HTML, each citation a numbered link to its source."""
    def render(nodes) -> str:
        out = []
        for node in nodes:
            if isinstance(node, Text):
                out.append(str(escape(french(node.text))))
            elif isinstance(node, Emph):
                out.append(f"<em>{render(node.children)}</em>")
            elif isinstance(node, Strong):
                out.append(f"<strong>{render(node.children)}</strong>")
            elif isinstance(node, Cite):
                refs = []
                for item in node.items:
                    n = numbers.get((item.key, item.locator or None))
                    if n is not None:
                        refs.append(f'<a href="#source-{n}">{n}</a>')
                out.append(f'<sup class="ref">[{", ".join(refs)}]</sup>' if refs else "")
        return "".join(out)
    return Markup(render(entry.forms.get(form, ())))


@bp.get("")
def index():
    lib = g.resources.library
    theme = request.args.get("theme") or None
    if theme not in lib.themes:
        theme = None
    text = (request.args.get("recherche") or "").strip()[:200]
    found = find_arguments(lib, theme=theme, search=text or None)
    return render_template("bibliotheque.html", found=found, themes=lib.themes, theme=theme, text=text,
                           total=len(lib.arguments), edit_dir=context().edit_dir)


@bp.get("/argument/<arg_id>")
def show(arg_id: str):
    lib = g.resources.library
    entry = lib.arguments.get(arg_id)
    if entry is None:
        abort(404)
    refs = cited(entry)
    numbers = {ref: i for i, ref in enumerate(refs, 1)}
    sources = []
    for (key, locator), n in numbers.items():
        item = lib.sources.get(key)
        text = plain_text(tuple(format_full(item, locator or ""))) if item else f"source inconnue « {key} »"
        sources.append((n, text, (item or {}).get("URL")))
    forms = [(label, form_html(entry, name, numbers), len(inline.plain(entry.forms.get(name, ()))),
              len(inline.plain(entry.forms.get(name, ())).split())) for name, label in FORMS]
    mine = _is_mine(entry)
    usage = [lib.motions[m].meta.title for m in lib.usage().get(arg_id, []) if m in lib.motions]
    return render_template("argument.html", entry=entry, arg=entry.argument, forms=forms, sources=sources,
                           themes=lib.themes, usage=usage, mine=mine, places=_places(entry.argument.place))


def _places(place) -> list[str]:
    """Where a local argument is used, in words: « Villejuif (94) », « département 94 »."""
    from .app import commune

    if place is None:
        return []
    out = []
    for code in place.communes:
        try:
            out.append(commune(code).label)
        except KeyError:
            out.append(f"commune {code}")
    out += [f"intercommunalité {code}" for code in place.epci]
    out += [f"département {code}" for code in place.departements]
    out += [f"région {code}" for code in place.regions]
    return out


def _is_mine(entry) -> bool:
    from ..output import is_inside

    edit_dir = context().edit_dir
    return edit_dir is not None and is_inside(entry.path, edit_dir)


@bp.route("/argument/<arg_id>/modifier", methods=["GET", "POST"])
def edit(arg_id: str):
    ctx = _writable()
    lib = g.resources.library
    entry = lib.arguments.get(arg_id)
    if entry is None:
        abort(404)
    base = library_edit.form_of(entry)
    if request.method == "GET":
        return render_template("argument_form.html", form=base, themes=lib.themes, entry=entry,
                               labels=library_edit.LABELS, kinds=library_edit.KINDS, mine=_is_mine(entry))
    form = library_edit.form_from_request(request.form, base.kept, False, arg_id)
    return _save(ctx, form, entry)


@bp.route("/nouveau", methods=["GET", "POST"])
def new():
    ctx = _writable()
    lib = g.resources.library
    if request.method == "GET":
        form = library_edit.blank_form(dt.date.today())
        return render_template("argument_form.html", form=form, themes=lib.themes, entry=None,
                               labels=library_edit.LABELS, kinds=library_edit.KINDS, mine=True)
    form = library_edit.form_from_request(request.form, {}, True, None)
    return _save(ctx, form, None)


def _save(ctx, form, entry):
    lib = g.resources.library
    root = library_edit.ensure_library(ctx.edit_dir)
    path = library_edit.save(form, root, lib)
    if path is None:
        return render_template("argument_form.html", form=form, themes=lib.themes, entry=entry,
                               labels=library_edit.LABELS, kinds=library_edit.KINDS, mine=True), 422
    ctx.reload()
    return redirect(url_for("library.show", arg_id=form.values["id"], enregistre="1"), 303)


@bp.route("/sources/importer", methods=["GET", "POST"])
def import_sources():
    ctx = _writable()
    if request.method == "GET":
        return render_template("importer.html", result=None, error=None, edit_dir=ctx.edit_dir)
    upload = request.files.get("fichier")
    if upload is None or not upload.filename:
        return render_template("importer.html", result=None, error="Choisissez le fichier exporté de Zotero.",
                               edit_dir=ctx.edit_dir), 400
    root = library_edit.ensure_library(ctx.edit_dir)
    try:
        result = library_edit.import_upload(root, g.resources.library, upload.filename, upload.read())
    except MotionsError as exc:
        problems = getattr(exc, "problems", None) or [exc.format_message()]
        header = exc.format_message().splitlines()[0]
        error = header if header.startswith("Le fichier") else "Ce fichier ne peut pas être importé ; rien n’a été écrit."
        return render_template("importer.html", result=None, error=error, problems=problems,
                               edit_dir=ctx.edit_dir), 422
    ctx.reload()
    return render_template("importer.html", result=result, error=None, edit_dir=ctx.edit_dir)
