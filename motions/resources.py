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
content digest, safe to delete, and off when ``MOTIONS_NO_CACHE`` is set. It
holds the loaded library (a pickle: loading and checking the library is most
of a cold run) and the Jinja templates' bytecode. Both are code or data that
Python executes when it reads them, so they are read only from a folder that
belongs to the user and that nobody else can write (mode 700), and only from
files that belong to the user and that nobody else can write
(:func:`private_folder`, :func:`read_private`); anything else is ignored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import stat
import sys
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


# --------------------------------------------------------------------------- the private cache folder


def private_folder(path: Path | None) -> Path | None:
    """``path``, created if needed (mode 700), if it is a real folder of this
    user that no one else can write; None (and a warning) otherwise."""
    if path is None:
        return None
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()) \
            or info.st_mode & 0o022:
        logging.getLogger("motions").warning(
            f"the cache folder {path} is not used: it must be a folder of yours that others cannot write "
            f"(chmod 700 {path}), or set MOTIONS_NO_CACHE=1")
        return None
    return path


def read_private(path: Path) -> bytes | None:
    """The bytes of a cache file, if it is a regular file of this user that no
    one else can write (checked on the open file, not on the name); else None."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o022 or \
                (hasattr(os, "getuid") and info.st_uid != os.getuid()):
            return None
        return f.read()


def write_private(path: Path, data: bytes) -> None:
    """Write a cache file atomically, readable by this user only; a failure
    (full disk, read-only home) only means no cache."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _private_bytecode_cache(folder: Path):
    """Jinja's file bytecode cache, reading only private files (see read_private)."""
    from jinja2 import FileSystemBytecodeCache

    class PrivateBytecodeCache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket) -> None:
            data = read_private(Path(self._get_cache_filename(bucket)))
            if data is not None:
                bucket.load_bytecode(io.BytesIO(data))

        def dump_bytecode(self, bucket) -> None:
            buf = io.BytesIO()
            bucket.write_bytecode(buf)
            write_private(Path(self._get_cache_filename(bucket)), buf.getvalue())

    return PrivateBytecodeCache(str(folder))


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

        def build():
            env = make_environment(self.template_dirs, html=False)
            env.bytecode_cache = self._bytecode_cache("text")
            return env
        return self.memo("env:text", build)

    def html_env(self):
        from .templating import make_environment

        def build():
            from .writers.html import install_filters

            env = make_environment(self.template_dirs, html=True)
            env.bytecode_cache = self._bytecode_cache("html")
            install_filters(env)
            return env
        return self.memo("env:html", build)

    def _bytecode_cache(self, kind: str):
        """Compiled templates, per kind of environment (their settings change the
        code), per motions and Jinja version; Jinja checks each source's digest."""
        import jinja2

        from . import __version__

        if self.cache_dir is None:
            return None
        folder = private_folder(self.cache_dir / f"jinja-{kind}-{__version__}-{jinja2.__version__}")
        return _private_bytecode_cache(folder) if folder is not None else None

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
    """Load the library (from the cache when nothing it is made of changed) and
    wrap it in a fresh Resources (with ``communes``, a commune index the caller
    already holds)."""
    from .library import load_library

    cache_dir = private_folder(default_cache_dir()) if cache else None
    key = library_key(library_dir, with_cwd, shipped_arguments) if cache_dir is not None else None
    lib = _cached_library(cache_dir / f"library-{key}.pickle") if key else None
    if lib is None:
        lib = load_library(library_dir, with_cwd=with_cwd, shipped_arguments=shipped_arguments)
        if key:
            import pickle

            write_private(cache_dir / f"library-{key}.pickle", pickle.dumps(lib, protocol=pickle.HIGHEST_PROTOCOL))
    resources = Resources(lib, cache_dir=cache_dir)
    if communes is not None:
        resources._memo["communes"] = communes
    return resources


def _cached_library(path: Path):
    import pickle

    data = read_private(path)
    if data is None:
        return None
    try:
        lib = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a stale or damaged cache file is only a miss
        return None
    return lib if isinstance(lib, Library) else None


#: What a loaded library is made of, besides the library folders: the code that
#: loads and checks it, and its data.
_PACKAGE = Path(__file__).resolve().parent


def library_key(library_dir, with_cwd: bool, shipped_arguments: bool) -> str | None:
    """The digest of everything a loaded library depends on: the content of every
    file of its folders, the loader's code and data (their sizes and times), the
    options, the versions of Python and motions. None if a folder cannot be read."""
    from . import __version__
    from .library import find_user_library, shipped_root

    try:
        roots = [shipped_root()]
        user = find_user_library(library_dir, None) if (library_dir or with_cwd) else None
    except LibraryError:
        return None  # the loader says what is wrong
    if user is not None and user.resolve() != roots[0].resolve():
        roots.append(user)
    h = hashlib.sha256(f"{__version__}\0{sys.version}\0{shipped_arguments}\0".encode())
    try:
        for root in roots:
            h.update(str(root.resolve()).encode() + b"\0")
            for top in (root / "arguments", root / "templates", root / "motions-library.yaml"):
                for path in sorted(top.rglob("*")) if top.is_dir() else [top]:
                    if path.is_file():
                        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
        for path in sorted(_PACKAGE.rglob("*")):
            if path.suffix in (".py", ".yaml", ".json") and path.is_file():
                info = path.stat()
                h.update(f"{path.relative_to(_PACKAGE)}:{info.st_size}:{info.st_mtime_ns}\0".encode())
    except OSError:
        return None
    return h.hexdigest()[:24]
