"""Everything a render needs besides the request, in one explicit object.

The library, the template lookup, the Jinja environments, WeasyPrint's font
configuration and parsed stylesheets, the DOCX and ODT skeletons, the commune
index and the fixed timestamp all live here. The caller (the CLI, a batch
worker, the web application) builds one :class:`Resources` and passes it down;
what is expensive to build is built once per Resources and reused, so a batch
worker or the web server stays warm without any module-level cache
(WeasyPrint's own API takes ``font_config=`` and ``cache=`` the same way;
Sphinx keeps such state on ``app``).

The only on-disk cache is :attr:`cache_dir`, in the XDG cache folder, keyed by
content digest, safe to delete, and off when ``MOTIONS_NO_CACHE`` is set.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import LibraryError
from .library import Library


def fixed_now() -> dt.datetime:
    """The timestamp written into outputs: ``SOURCE_DATE_EPOCH`` when set, else
    today at midnight UTC. The day, not the second: a document is dated by the
    day it was made, and the same inputs give the same bytes all day long, so a
    re-run recognises what it wrote (even when its manifest is lost)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).replace(tzinfo=None)
    today = dt.datetime.now(dt.timezone.utc).date()
    return dt.datetime(today.year, today.month, today.day)


def default_cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/motions`` (or ``~/.cache/motions``); None when disabled."""
    if os.environ.get("MOTIONS_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "motions"


@dataclass
class Resources:
    library: Library
    now: dt.datetime = field(default_factory=fixed_now)
    cache_dir: Path | None = None
    _memo: dict = field(default_factory=dict, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    @property
    def template_dirs(self) -> list[Path]:
        return self.library.template_dirs

    @property
    def reproducible(self) -> bool:
        """True when ``SOURCE_DATE_EPOCH`` fixes the timestamps."""
        return os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit()

    def __getstate__(self):
        """Pickled for a spawned worker: the library travels, the built things are rebuilt there."""
        return {"library": self.library, "now": self.now, "cache_dir": self.cache_dir, "_memo": {}}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.RLock()

    def memo(self, key, build: Callable):
        """The value built once for ``key`` in this Resources.

        Safe across threads (the web server shares one Resources between
        waitress's worker threads): without the lock, two first requests would
        both build the same value (a WeasyPrint font configuration, a Jinja
        environment: hundreds of milliseconds each) and could use two different
        objects for one key. The lock is re-entrant because a build may ask for
        another memoised value (the HTML environment, the stylesheets' fonts)."""
        try:
            return self._memo[key]
        except KeyError:
            pass
        with self._lock:
            if key not in self._memo:
                self._memo[key] = build()
            return self._memo[key]

    @property
    def communes(self):
        """The commune index (:class:`motions.communes.CommuneIndex`)."""
        from . import communes

        return self.memo("communes", communes.load)

    @property
    def regime_rules(self):
        """The regime rules (:mod:`motions.regime_rules`), as the library
        loader read them to check their citations, or read now."""
        from .regime_rules import load_rules

        return self.memo("regime_rules", lambda: self.library.regime_rules or load_rules())

    def regime_for(self, commune, *, allow_overseas: bool = False):
        """The regime of ``commune`` (see :func:`motions.regime.regime_for`)."""
        from .regime import regime_for

        return regime_for(commune, allow_overseas=allow_overseas, index=self.communes, rules=self.regime_rules)

    def text_env(self):
        from .templating import make_environment

        return self.memo("env:text", lambda: make_environment(self.template_dirs, html=False))

    def html_env(self):
        from .templating import make_environment

        def build():
            from .writers.html import install_filters

            env = make_environment(self.template_dirs, html=True)
            install_filters(env)
            return env
        return self.memo("env:html", build)

    def find(self, relative: str) -> Path:
        """The first template folder's file at ``relative`` (the user's win), never
        through a link leading outside that folder."""
        for folder in self.template_dirs:
            path = folder / relative
            if path.is_file():
                real, top = path.resolve(), folder.resolve()
                if top not in real.parents:
                    raise LibraryError([f"{path}:1: is a link to a file outside the library ({real})"])
                return path
        raise LibraryError([f"templates/{relative}: not found in any template folder"])

    def read_bytes(self, relative: str) -> bytes:
        path = self.find(relative)
        return self.memo(("bytes", str(path)), path.read_bytes)


def load(library_dir: Path | str | None = None, *, with_cwd: bool = True, shipped_arguments: bool = True,
         cache: bool = True, communes=None) -> Resources:
    """Load the library and wrap it in a fresh Resources (with ``communes``, a
    commune index the caller already holds)."""
    from .library import load_library

    lib = load_library(library_dir, with_cwd=with_cwd, shipped_arguments=shipped_arguments)
    resources = Resources(lib, cache_dir=default_cache_dir() if cache else None)
    if communes is not None:
        resources._memo["communes"] = communes
    return resources
