"""The web application of motions (``motions serve``): the same library and
model as the CLI (``motions.api``), in French, for collectives that will never
open a terminal. See ``app.py`` for the application and its security rules."""

from .app import create_app

__all__ = ["create_app"]
