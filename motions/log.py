"""The one warning channel: ``logging``, under the logger "motions".

Library code calls :func:`warn`; nothing prints. The CLI installs a handler
that prints each warning once, in one line, and counts them; ``--strict`` then
fails (exit 13) if any warning is about the user's own files (their library,
facts file or templates), while warnings about the shipped library do not
count against them. Tests install :class:`Collector` to fail on any
unexpected warning (WeasyPrint's ``assert_no_logs`` habit).
"""

from __future__ import annotations

import logging
from pathlib import Path

LOGGER = logging.getLogger("motions")


def warn(message: str, *, path: Path | str | None = None) -> None:
    """Emit one warning; ``path`` is the user file it is about, if any."""
    LOGGER.warning(message, extra={"motions_path": str(path) if path else None})


def info(message: str) -> None:
    LOGGER.info(message)


class Collector(logging.Handler):
    """Keeps every warning record; ``about(roots)`` filters those about files under ``roots``."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @property
    def messages(self) -> list[str]:
        return [r.getMessage() for r in self.records]

    def about(self, roots) -> list[str]:
        roots = [Path(r).resolve() for r in roots]
        out = []
        for r in self.records:
            path = getattr(r, "motions_path", None)
            if path is None:
                continue
            p = Path(path).resolve()
            if any(p == root or root in p.parents for root in roots):
                out.append(r.getMessage())
        return out


def install(handler: logging.Handler) -> logging.Handler:
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    LOGGER.propagate = False
    return handler


def uninstall(handler: logging.Handler) -> None:
    LOGGER.removeHandler(handler)
