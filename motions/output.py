"""Writing outputs without ever losing anything, and never half a set.

One file (:func:`atomic_write`): written to a temporary file in the same folder,
flushed, then renamed over the target: an interrupted run leaves either the old
file or the new one, never half of one.

A set of files (:func:`write_outputs`, one command's DOCX and PDF): the whole
set is one transaction in its folder, under an exclusive lock
(``fcntl.flock`` on ``.motions.lock``), so two runs into one folder take turns
and both sets are recorded:

1. every file is written to a temporary name (``.motions-tx.<name>.*.part``);
   a failure here (a full disk) discards them all: nothing was written;
2. an *intent* line per file (name, hash, size, temporary name) is appended to
   the folder's journal (``.motions-journal.jsonl``) and flushed;
3. the temporaries are renamed over their targets, one after the other;
4. the manifest records them, and the journal is emptied.

A run killed anywhere leaves a state the next run repairs before it does
anything else (:func:`recover`, under the lock): a journal line whose file is
on disk with its hash is recorded in the manifest; one whose temporary is
complete and whose target was not edited is renamed into place (the set is
finished); leftover temporaries are removed. Nothing is refused because a
crash left it behind.

The manifest (``.motions-manifest.json``) records the hash of what motions last
wrote; a file whose content differs from that record was edited by someone, and
is not overwritten without ``force``. A file with no record is not overwritten
either, unless it holds exactly the bytes motions is about to write.

``batch`` writes with :func:`atomic_write` from its workers, each file's intent
appended to the same journal first (:func:`append_intents`, under a shared lock),
and saves manifests with :meth:`Manifest.save`, which merges under the lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OutputError

MANIFEST = ".motions-manifest.json"
LOCK = ".motions.lock"
JOURNAL = ".motions-journal.jsonl"
TX_PREFIX = ".motions-tx."
#: Files motions keeps in an output folder besides the outputs.
BOOKKEEPING = (MANIFEST, LOCK, JOURNAL)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def _explain_oserror(path: Path, exc: OSError) -> OutputError:
    if exc.errno == errno.ENOSPC:
        return OutputError(f"{path}: the disk is full; free some space and run again (nothing was written).")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(f"{path.parent}: this folder is not writable; choose another with -o DIR.")
    if exc.errno == errno.ENOTDIR:
        return OutputError(f"{path.parent}: is not a folder; choose another output folder with -o DIR.")
    return OutputError(f"{path}: cannot be written ({exc.strerror}); check the folder, or choose another with -o DIR.")


def _discard(tmp: str | None) -> None:
    """Remove a temporary file that was not renamed into place (if any)."""
    if tmp is not None:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _write_temporary(path: Path, data: bytes, prefix: str = ".") -> str:
    """Write ``data`` to a new temporary file beside ``path``, flushed to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{prefix}{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename)."""
    path = Path(path)
    tmp = None
    try:
        tmp = _write_temporary(path, data)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise _explain_oserror(path, exc) from None
    finally:
        _discard(tmp)


STALE_SECONDS = 120


def remove_stale_parts(folder: Path) -> None:
    """Remove temporary files left by a run that was killed (SIGKILL cannot clean
    up). Only old ones: a parallel worker may be writing a fresh one right now."""
    import time

    if not folder.is_dir():
        return
    now = time.time()
    for part in folder.glob(".*.part"):
        try:
            if now - part.stat().st_mtime > STALE_SECONDS:
                part.unlink()
        except OSError:
            pass


def create_new(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file ``path``, atomically, failing if it exists.

    The content goes to a temporary file first, then is linked into place:
    ``link`` fails when the target exists, so there is never a half-written
    file and never an overwrite (for files the user will edit: facts, arguments).
    """
    path = Path(path)
    exists = OutputError(f"{path} already exists; motions never overwrites a file you may have edited. "
                         "Choose another name, or edit the file you have.")
    if path.exists():
        raise exists
    tmp = None
    try:
        tmp = _write_temporary(path, data)
        try:
            os.link(tmp, path)
        except OSError as exc:
            if exc.errno == errno.EEXIST:
                raise exists from None
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            with open(path, "xb") as fh:  # no hard links here: exclusive create instead
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
    except FileExistsError:
        raise exists from None
    except OSError as exc:
        raise _explain_oserror(path, exc) from None
    finally:
        _discard(tmp)


def is_inside(path: Path, folder: Path) -> bool:
    """Is ``path`` inside ``folder`` (after resolving links and ``..``)?"""
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
        return True
    except ValueError:
        return False


# --------------------------------------------------------------------------- the lock


@contextlib.contextmanager
def folder_lock(folder: Path, *, shared: bool = False):
    """Hold ``folder``'s lock (``.motions.lock``) while the block runs: exclusive
    for a transaction or a manifest save, shared for a batch worker appending an
    intent. A process that dies releases it. Not re-entrant: never nest it."""
    path = Path(folder) / LOCK
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError as exc:
        raise _explain_oserror(path, exc) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _fsync_folder(folder: Path) -> None:
    """Make the renames in ``folder`` durable (a best effort where unsupported)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- the manifest


def _valid_record(record) -> bool:
    return (isinstance(record, dict) and isinstance(record.get("sha256"), str)
            and isinstance(record.get("size", 0), int))


@dataclass
class Manifest:
    """What motions wrote in one output folder: file name -> record.

    Records changed since loading are remembered, so that :meth:`save` merges
    them into what other processes saved meanwhile instead of overwriting it.
    """

    folder: Path
    entries: dict[str, dict] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        """The folder's manifest (empty if there is none). A manifest that is
        not JSON, or not a mapping of file records, is an :class:`OutputError`
        saying how to start again; a single malformed record is dropped (its
        file then counts as not written by motions)."""
        folder = Path(folder)
        path = folder / MANIFEST
        if not path.exists():
            return cls(folder)
        if not path.is_file():
            raise OutputError(f"{path}: is not a file; motions keeps its record of what it wrote there. "
                              "Remove it, or choose another output folder with -o DIR.")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise OutputError(f"{path}: cannot be read ({exc.strerror}); check its permissions, "
                              "or choose another output folder with -o DIR.") from None
        except (ValueError, UnicodeDecodeError):
            data = None
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, dict):
            raise OutputError(
                f"{path}: is not a manifest motions can read (damaged, or not written by motions). Delete it to "
                "start again: the outputs beside it will then count as not written by motions, and only --force "
                "replaces them."
            )
        return cls(folder, {str(k): v for k, v in files.items() if _valid_record(v)})

    def save(self, *, locked: bool = False) -> None:
        """Write the manifest atomically, merged with the records other processes
        saved since it was loaded (under the folder's lock; ``locked`` if the
        caller already holds it)."""
        if not locked:
            with folder_lock(self.folder):
                return self.save(locked=True)
        if (self.folder / MANIFEST).exists():
            on_disk = Manifest.load(self.folder).entries
            for name in self.changed:
                on_disk[name] = self.entries[name]
            self.entries = on_disk
        payload = {"generator": "motions", "files": dict(sorted(self.entries.items()))}
        atomic_write(self.folder / MANIFEST, (json.dumps(payload, ensure_ascii=False, indent=1) + "\n").encode())
        self.changed.clear()

    def set(self, name: str, record: dict) -> None:
        self.entries[name] = record
        self.changed.add(name)

    def check_overwrite(self, path: Path, force: bool, data: bytes | None = None) -> None:
        """Refuse to replace a file the user changed since motions wrote it, a
        file motions has no record of (unless it holds ``data`` already), and,
        even with ``force``, a folder."""
        if path.is_dir():
            raise OutputError(f"{path} is a folder; motions never replaces a folder with a file, even with "
                              "--force. Rename or remove it, or choose another output folder with -o DIR.")
        if force or not path.exists():
            return
        record = self.entries.get(path.name)
        if record is None:
            if data is not None and path.stat().st_size == len(data) and file_sha256(path) == sha256(data):
                return
            raise OutputError(
                f"{path} exists and was not written by motions (or its manifest was removed); "
                "it is left untouched. Use --force to replace it, or choose another folder with -o DIR."
            )
        if file_sha256(path) != record.get("sha256"):
            raise OutputError(
                f"{path} was changed since motions wrote it (edited by hand?); it is left untouched. "
                "Rename it to keep your edits, or use --force to replace it."
            )

    def is_current(self, path: Path, inputs_hash: str) -> bool:
        """Is ``path`` what motions wrote for exactly these inputs? (batch skips it)"""
        record = self.entries.get(path.name)
        return bool(record) and record.get("inputs") == inputs_hash and path.exists() and (
            os.path.getsize(path) == record.get("size")
        )

    def record(self, path: Path, data: bytes, inputs_hash: str = "", **extra) -> None:
        self.set(path.name, make_record(data, inputs_hash, **extra))


def make_record(data: bytes, inputs_hash: str = "", **extra) -> dict:
    return {"sha256": sha256(data), "size": len(data), "inputs": inputs_hash, **extra}


# --------------------------------------------------------------------------- the journal


def append_intents(folder: Path, intents: list[dict]) -> None:
    """Append one line per file about to be renamed into ``folder`` (its name
    and manifest record, and for a transaction its temporary), flushed to disk:
    what :func:`recover` needs if the process dies before the manifest is saved.
    The caller holds the folder's lock (shared is enough: one ``write`` of
    whole lines to a file opened for appending)."""
    text = "".join(json.dumps(i, ensure_ascii=False, sort_keys=True) + "\n" for i in intents)
    fd = os.open(Path(folder) / JOURNAL, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        data = text.encode("utf-8")
        written = os.write(fd, data)
        if written != len(data):
            raise OSError(errno.ENOSPC, "No space left on device")
        os.fsync(fd)
    finally:
        os.close(fd)


def _intents(folder: Path) -> list[dict]:
    try:
        text = (Path(folder) / JOURNAL).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found = []
    for line in text.splitlines():  # a line cut by a crash is not JSON: skipped
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict) and isinstance(item.get("name"), str) and _valid_record(item):
            found.append(item)
    return found


def _is(path: Path, record: dict) -> bool:
    """Does ``path`` hold exactly the bytes ``record`` describes?"""
    try:
        return os.path.getsize(path) == record.get("size") and file_sha256(path) == record["sha256"]
    except OSError:
        return False


def recover(folder: Path, manifest: Manifest) -> list[str]:
    """Repair what a killed run left in ``folder`` (the caller holds the
    exclusive lock): record the files of the journal that are on disk, finish
    the renames of a transaction whose temporaries are complete (unless the
    target was edited since), remove leftover temporaries, empty the journal.
    Returns the names it recorded. Saves the manifest if it changed."""
    folder = Path(folder)
    recorded = []
    for item in _intents(folder):
        name = Path(item["name"]).name  # never outside the folder
        if name in BOOKKEEPING or name.startswith("."):
            continue
        record = {k: v for k, v in item.items() if k not in ("name", "tmp")}
        target, tmp = folder / name, item.get("tmp")
        if not _is(target, record) and isinstance(tmp, str):
            part = folder / Path(tmp).name
            old = manifest.entries.get(name)
            untouched = not target.exists() or (old is not None and _is(target, old))
            if part.name.startswith(TX_PREFIX) and untouched and not target.is_dir() and _is(part, record):
                os.replace(part, target)
        if _is(target, record) and manifest.entries.get(name, {}).get("sha256") != record["sha256"]:
            manifest.set(name, record)
            recorded.append(name)
    for pattern in (TX_PREFIX + "*.part", f".{MANIFEST}.*.part"):  # only lock holders write these
        for part in folder.glob(pattern):
            with contextlib.suppress(OSError):
                part.unlink()
    if recorded:
        _fsync_folder(folder)
        manifest.save(locked=True)
    clear_journal(folder)
    return recorded


def clear_journal(folder: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(Path(folder) / JOURNAL)


# --------------------------------------------------------------------------- a set of outputs


def _names(paths) -> str:
    return ", ".join(str(p) for p in paths)


def write_outputs(folder: Path, files: dict[str, bytes], *, force: bool = False, inputs_hash: str = "",
                  extra: dict | None = None) -> list[Path]:
    """Write several outputs into ``folder`` as one set: all of them, or none
    (see the module docstring). Every target is checked first; a failure says
    exactly which files were written and which were not."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: is a file, not a folder; choose another output folder with -o DIR.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _explain_oserror(folder / "x", exc) from None
    with folder_lock(folder):
        manifest = Manifest.load(folder)
        recover(folder, manifest)
        targets = {name: folder / Path(name).name for name in files}
        for name, path in targets.items():
            manifest.check_overwrite(path, force, files[name])
        records = {name: make_record(data, inputs_hash, **(extra or {})) for name, data in files.items()}
        temps: dict[str, str] = {}
        try:
            for name, data in files.items():
                temps[name] = _write_temporary(targets[name], data, TX_PREFIX)
            append_intents(folder, [dict(records[name], name=name, tmp=Path(temps[name]).name) for name in files])
        except OSError as exc:
            for tmp in temps.values():
                _discard(tmp)
            error = _explain_oserror(targets[next(iter(files))], exc)
            raise OutputError(f"{error.format_message().split(' (nothing was written)')[0]} "
                              f"Nothing was written: {_names(targets.values())} "
                              f"{'is' if len(targets) == 1 else 'are'} as before.") from None
        _rename_all(folder, manifest, targets, temps, records)
    return list(targets.values())


def _rename_all(folder: Path, manifest: Manifest, targets: dict, temps: dict, records: dict) -> None:
    done: list[str] = []
    try:
        for name in targets:
            os.replace(temps[name], targets[name])
            done.append(name)
    except OSError as exc:
        for name in targets:
            if name not in done:
                _discard(temps[name])
        for name in done:
            manifest.set(name, records[name])
        missing = [targets[n] for n in targets if n not in done]
        try:
            manifest.save(locked=True)
            clear_journal(folder)
        except (OSError, OutputError):
            pass  # the journal stays: the next run records what was written
        raise OutputError(f"{missing[0]}: cannot be written ({exc.strerror}). Written: "
                          f"{_names(targets[n] for n in done) or 'nothing'}; not written: {_names(missing)}. "
                          "Run the command again once the problem is fixed.") from None
    _fsync_folder(folder)
    for name in targets:
        manifest.set(name, records[name])
    try:
        manifest.save(locked=True)
    except (OSError, OutputError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else exc.format_message()
        raise OutputError(f"{_names(targets.values())} {'was' if len(targets) == 1 else 'were'} written, but the "
                          f"manifest {folder / MANIFEST} could not be saved ({reason}); the next run into this "
                          f"folder records {'it' if len(targets) == 1 else 'them'} from {folder / JOURNAL}.") from None
    clear_journal(folder)
