"""The web application: one Flask app over ``motions.api``, in French.

:func:`create_app` builds the app around one :class:`~motions.resources.Resources`
(the library, the Jinja sandbox, WeasyPrint's fonts), built once and shared by
every request and thread (``Resources.memo`` is locked for that). Pages work
without JavaScript; htmx, served from ``static/``, only makes the commune
suggestions appear as one types.

Security, in one place:

- every form that changes a file (an argument, the sources) and every other
  POST carries a CSRF token (Flask-WTF's ``CSRFProtect``: a signed token tied
  to the visitor's session cookie, checked on every POST, with the Referer
  checked too over HTTPS; a well-kept library rather than hand-made crypto);
- a strict Content-Security-Policy: scripts and styles only from this
  server's ``static/`` folder, no inline script or style, no frame, no
  plugin; and the usual headers (nosniff, no referrer, no framing);
- no request names a file: downloads are rendered from the draft's
  parameters; the library is written only in its own folder, under names made
  from checked ids; uploads go to a temporary folder, bounded in size;
- documents are rendered by ``motions.api`` with the CLI's template sandbox
  and local-only PDF fetcher;
- an unexpected error shows a French sentence and a reference; the
  traceback goes to the server's log under that reference.

Hosted mode (``read_only``): the library cannot be edited, each visitor's
draft lives in their own request (the page's address), uploads are smaller.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import threading
import uuid
from pathlib import Path

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect

from .. import __version__
from ..errors import MotionsError
from ..resources import Resources
from . import catalogue
from .communes import Finder
from .rendering import RenderCache

LOG = logging.getLogger("motions_web")  # the server's log, apart from the "motions" warnings channel
LOCAL_UPLOAD_BYTES = 4 * 1024 * 1024  # a Zotero export of a few thousand entries
HOSTED_UPLOAD_BYTES = 128 * 1024  # a saved draft is a few kilobytes

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


class WebContext:
    """What the views share: the Resources (replaced when the library is
    edited), the mode, the render cache and the user's library folder."""

    def __init__(self, resources: Resources, *, read_only: bool, edit_dir: Path | None, cache_bytes: int,
                 pdf_engine: str | None = None):
        self._resources = resources
        self.pdf_engine = pdf_engine  # "weasyprint", "typst", or None: WeasyPrint if it can start
        self._lock = threading.Lock()
        self.finder = Finder(resources.communes)  # the commune index does not change with the library
        self.read_only = read_only
        self.edit_dir = edit_dir
        self.cache = RenderCache(cache_bytes)
        self.started = dt.datetime.now(dt.timezone.utc)

    @property
    def resources(self) -> Resources:
        return self._resources

    @property
    def can_edit(self) -> bool:
        return not self.read_only and self.edit_dir is not None

    def reload(self) -> None:
        """Load the library again after an edit: new requests see it, those under
        way finish with the one they started with."""
        from ..resources import load

        with self._lock:
            fresh = load(self.edit_dir, with_cwd=False, cache=False, communes=self.finder.index)
            fresh.now = self._resources.now
            self._resources = fresh

    def library_logo(self):
        lib = self.resources.library
        if lib.user_root is None or not lib.settings.logo:
            return None
        from ..cli.flyer import library_logo

        return library_logo(lib)


def default_edit_dir() -> Path:
    """Where a local instance keeps the arguments a visitor writes, when no
    library folder was given: ``$XDG_DATA_HOME/motions/bibliotheque``."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "motions" / "bibliotheque"


def create_app(resources: Resources | None = None, *, library_dir: str | Path | None = None,
               read_only: bool = False, edit_dir: Path | None = None, cache_bytes: int | None = None,
               secret_key: str | None = None, pdf_engine: str | None = None) -> Flask:
    """The application. ``resources``: a loaded library (else loaded from
    ``library_dir``); ``edit_dir``: the library folder edits go to (a local
    instance's default: the given library, else :func:`default_edit_dir`);
    ``pdf_engine``: what makes the PDFs and flyers (see ``motions serve --pdf-engine``)."""
    from ..resources import load
    from .rendering import DEFAULT_CACHE_BYTES

    if resources is None:
        resources = load(library_dir, with_cwd=False, cache=False)
    if edit_dir is None and not read_only:
        edit_dir = resources.library.user_root or default_edit_dir()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key or os.environ.get("MOTIONS_SECRET_KEY") or secrets.token_hex(32),
        MAX_CONTENT_LENGTH=HOSTED_UPLOAD_BYTES if read_only else LOCAL_UPLOAD_BYTES,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session cookie (the browser's session)
        TEMPLATES_AUTO_RELOAD=False,
        JSON_AS_ASCII=False,
    )
    app.extensions["motions"] = WebContext(resources, read_only=read_only, edit_dir=edit_dir,
                                           cache_bytes=cache_bytes or DEFAULT_CACHE_BYTES, pdf_engine=pdf_engine)
    CSRFProtect(app)
    _register(app)
    threading.Thread(target=app.extensions["motions"].finder.suggestions.build, name="motions-suggestions",
                     daemon=True).start()
    return app


def context() -> WebContext:
    from flask import current_app

    return current_app.extensions["motions"]


def commune(code: str):
    """The commune with this INSEE code, from the application's index (KeyError if none)."""
    return context().finder.index.get(code)


def _register(app: Flask) -> None:
    from . import views, views_library

    app.register_blueprint(views.bp)
    app.register_blueprint(views_library.bp)

    from . import filters

    filters.install(app)

    @app.context_processor
    def _globals():
        ctx = context()
        return {"read_only": ctx.read_only, "can_edit": ctx.can_edit, "version": __version__}

    @app.before_request
    def _take_resources():
        g.resources = context().resources  # one library for the whole request, even if it is edited meanwhile

    @app.after_request
    def _headers(response):
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.get("/sante")
    def health():
        ctx = context()
        lib = ctx.resources.library
        return jsonify(status="ok", version=__version__, library=lib.version, arguments=len(lib.arguments),
                       read_only=ctx.read_only, cache={"files": len(ctx.cache._items), "bytes": ctx.cache.size,
                                                       "hits": ctx.cache.hits, "renders": ctx.cache.renders})

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return render_template("erreur.html", title="Formulaire expiré",
                               message="Ce formulaire a expiré ou ne vient pas de cette page. Rechargez la page, "
                                       "puis envoyez-le à nouveau.", detail=None), 400

    @app.errorhandler(404)
    def _not_found(exc):
        return render_template("erreur.html", title="Page introuvable",
                               message="Cette page n’existe pas. Revenez à l’accueil pour choisir une commune.",
                               detail=None), 404

    @app.errorhandler(405)
    def _method(exc):
        return render_template("erreur.html", title="Demande refusée",
                               message="Cette page ne s’utilise pas ainsi. Revenez à l’accueil.", detail=None), 405

    @app.errorhandler(413)
    def _too_large(exc):
        limit = app.config["MAX_CONTENT_LENGTH"] // 1024
        return render_template("erreur.html", title="Fichier trop gros",
                               message=f"Le fichier envoyé dépasse {limit} Ko.", detail=None), 413

    @app.errorhandler(MotionsError)
    def _motions_error(exc):
        ref = _reference()
        LOG.warning("[%s] %s: %s", ref, type(exc).__name__, exc.format_message())
        return render_template("erreur.html", title="Demande impossible", message=catalogue.error_sentence(exc),
                               detail=exc.format_message(), reference=ref), 422

    @app.errorhandler(Exception)
    def _unexpected(exc):
        from werkzeug.exceptions import HTTPException

        if isinstance(exc, HTTPException):
            return exc
        ref = _reference()
        LOG.error("[%s] unexpected error on %s %s", ref, request.method, request.path, exc_info=exc)
        return render_template("erreur.html", title="Erreur inattendue",
                               message="Une erreur inattendue s’est produite ; rien n’a été enregistré. Si elle se "
                                       "reproduit, signalez-la à la personne qui gère ce serveur en donnant la "
                                       "référence ci-dessous.", detail=None, reference=ref), 500


def _reference() -> str:
    return uuid.uuid4().hex[:10]
